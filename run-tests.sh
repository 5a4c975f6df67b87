#!/usr/bin/env bash
# Runs the whole test suite: unit, property and integration tests, including the end-to-end tests
# that build network namespaces with real nftables (these need root). Installs what is missing on
# Debian/Ubuntu first, then checks the Debian package built by the same run.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

missing=()
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
command -v systemd-socket-activate >/dev/null 2>&1 || missing+=(systemd)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# the benchmark plot tool's test renders a PNG headless: Java2D needs fontconfig and one font
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -1)" ]; } || missing+=(fontconfig fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "run-tests.sh: missing packages: ${missing[*]} — run as root (sudo ./run-tests.sh) or install them" >&2
        exit 1
    fi
    echo "run-tests.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "run-tests.sh: the end-to-end tests create network namespaces and nftables rulesets: run as root" >&2
    exit 1
fi

# 1. everything Maven runs: unit, property, integration (real nftables) and end-to-end tests
mvn -B verify "$@"
# 2. the Debian package: contents, lintian, install/upgrade/purge in a throwaway root, unit hardening
./.ci/package-check.sh
# 3. the units under a real systemd: a minimal Debian 12 root (no netbase) booted with systemd-nspawn
./.ci/systemd-check.sh
