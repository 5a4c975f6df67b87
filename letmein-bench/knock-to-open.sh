#!/usr/bin/env bash
# Knock-to-open latency in the letmein-e2e lab (spec README section 4, rows 1 and 2), as root:
#   1. brings up a fresh lab with letmein-e2e/lab.sh (real letmeinfwd + nft, letmeind, sshd);
#   2. from the client namespace, in ONE process (knock-to-open.py via a single `ip netns exec`):
#      ROUNDS x { revoke; wait shut; t0; bin/letmein knock HOST 22; poll TCP connect to port 22; t1 }
#      and prints the median of t1 - t0;
#   3. `letmein knock` whole process with hyperfine inside the client namespace (median);
#   4. tears the lab down (trap, also on failure or Ctrl-C).
# Usage: letmein-bench/knock-to-open.sh [ROUNDS]   (default 30; the project must be built:
#        mvn -B package -DskipTests). Env: KNOCK_HOST (default server4.lab), KNOCK_ADDR (10.231.1.1).
# The load average is printed with every measurement (2-core machine, other work may be running).
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$REPO/letmein-e2e/lab.sh"
ROUNDS=${1:-30}
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 1000 ] || { echo "ROUNDS: 1..1000" >&2; exit 2; }
HOST=${KNOCK_HOST:-server4.lab}
ADDR=${KNOCK_ADDR:-10.231.1.1}
[ "$(id -u)" -eq 0 ] || { echo "knock-to-open.sh: must run as root (network namespaces, nftables)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "knock-to-open.sh: hyperfine missing (apt-get install hyperfine)" >&2; exit 1; }
PREFIX=lme-b$(head -c2 /dev/urandom | od -An -tx1 | tr -d ' \n')
cleanup() { "$LAB" down "$PREFIX" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
LAB_QUIET=1 "$LAB" up "$PREFIX" --owner $$ >/dev/null
D=$("$LAB" dir "$PREFIX")
CONF="$D/client/letmein.conf"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "lab $PREFIX up; $ROUNDS rounds, knock $HOST 22, connect $ADDR:22"
echo "load average before: $(load)"
"$LAB" exec "$PREFIX" client python3 "$REPO/letmein-bench/knock-to-open.py" "$ROUNDS" "$ADDR" 22 \
    -- "$REPO/bin/letmein" -c "$CONF" knock "$HOST" 22 \
    -- "$REPO/bin/letmein" -c "$CONF" revoke "$HOST" 22 | tee "$D/knock-to-open.jsonl" | grep SUMMARY
echo "load average after:  $(load)"
echo "--- letmein knock, whole process (hyperfine, in the client namespace; port stays open, every run is a full knock)"
echo "load average before: $(load)"
"$LAB" exec "$PREFIX" client hyperfine -N --warmup 3 --runs "$ROUNDS" --style basic --export-json "$D/hyperfine.json" \
    "$REPO/bin/letmein -c $CONF knock $HOST 22" >/dev/null
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("SUMMARY {\"median_ms\": %.2f, \"mean_ms\": %.2f, \"stddev_ms\": %.2f, \"runs\": %d}" % (r["median"]*1e3, r["mean"]*1e3, r["stddev"]*1e3, len(r["times"])))' "$D/hyperfine.json"
echo "load average after:  $(load)"
