#!/usr/bin/env bash
# Builds letmein and shows it working. (The full network-namespace demo lands with the lab issue;
# until then this builds and generates a key with the real client.)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
if [ ! -f letmein-client/target/letmein-client.jar ]; then
    mvn -B -q package -DskipTests
fi
bin/letmein gen-key -u 12345678
