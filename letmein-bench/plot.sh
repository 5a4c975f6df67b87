#!/usr/bin/env bash
# Regenerates the benchmark plots in docs/plots/ from the JSON lines of the latest runs:
#   letmein-bench/target/load-results.jsonl  (load.sh)  -> docs/plots/load.png
#   letmein-bench/target/flood-results.jsonl (flood.sh) -> docs/plots/flood.png
# Each plot is drawn only if its results file exists. Needs the built letmein-bench.jar.
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
JAR="$REPO/letmein-bench/target/letmein-bench.jar"
[ -f "$JAR" ] || { echo "plot.sh: $JAR missing (mvn -B package -DskipTests)" >&2; exit 1; }
mkdir -p "$REPO/docs/plots"
drew=0
for kind in load flood; do
    in="$REPO/letmein-bench/target/$kind-results.jsonl"
    if [ -s "$in" ]; then
        java -Djava.awt.headless=true -cp "$JAR" letmein.bench.plot.Plot "$kind" "$in" "$REPO/docs/plots/$kind.png"
        drew=$((drew + 1))
    fi
done
[ "$drew" -gt 0 ] || { echo "plot.sh: no results yet (run load.sh and/or flood.sh first)" >&2; exit 1; }
