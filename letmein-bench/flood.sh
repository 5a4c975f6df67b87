#!/usr/bin/env bash
# Legit knocks during a garbage flood (spec README section 4, row 4), as root, in a fresh letmein-e2e lab:
# from the "other" namespace LoadTool --flood-pps sends random 56-byte UDP datagrams to the server's
# control port at RATE pkt/s while, from the client namespace, LoadTool does full TCP and then UDP knocks
# (CLIENTS clients); reports the success ratio of the legit knocks and the flood rate actually achieved
# (one sender thread on a 2-core machine shared with the daemons may fall short; the report says so).
# Usage: letmein-bench/flood.sh [RATE] [SECONDS] [CLIENTS]   (defaults 50000 10 4)
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$REPO/letmein-e2e/lab.sh"
RATE=${1:-50000}
SECS=${2:-10}
CLIENTS=${3:-4}
[[ "$RATE" =~ ^[0-9]+$ ]] && [ "$RATE" -ge 1 ] && [ "$RATE" -le 1000000 ] || { echo "RATE: 1..1000000" >&2; exit 2; }
[[ "$SECS" =~ ^[0-9]+$ ]] && [ "$SECS" -ge 1 ] && [ "$SECS" -le 300 ] || { echo "SECONDS: 1..300" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "flood.sh: must run as root" >&2; exit 1; }
JAR="$REPO/letmein-bench/target/letmein-bench.jar"
[ -f "$JAR" ] || { echo "flood.sh: $JAR missing (mvn -B package -DskipTests)" >&2; exit 1; }
export LAB_FWD_ARGS=${LAB_FWD_ARGS--n 64}
export LAB_LETMEIND_ARGS=${LAB_LETMEIND_ARGS--n 512 -N 512}
PREFIX=lme-f$(head -c2 /dev/urandom | od -An -tx1 | tr -d ' \n')
FLOOD_PID=""
cleanup() {
    if [ -n "$FLOOD_PID" ]; then kill "$FLOOD_PID" 2>/dev/null || true; wait "$FLOOD_PID" 2>/dev/null || true; fi
    "$LAB" down "$PREFIX" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
LAB_QUIET=1 "$LAB" up "$PREFIX" --owner $$ >/dev/null
D=$("$LAB" dir "$PREFIX")
read -r FWD_PID _ <"$D/pids/fwd.pid"
read -r LMD_PID _ <"$D/pids/letmeind.pid"
KEY1=$(sed -n 's/^KEY1=//p' "$D/keys.env")
echo "lab $PREFIX; flood $RATE pkt/s from other for each run; legit: $CLIENTS clients from client"
for t in tcp udp; do
    "$LAB" exec "$PREFIX" other java -Xmx64m -cp "$JAR" letmein.bench.load.LoadTool --server 10.231.1.1 \
        --flood-pps "$RATE" --seconds $((SECS + 2)) --label flood | grep -v '^JSON' &
    FLOOD_PID=$!
    sleep 1.5 # flood running (JVM start) before the legit knocks begin
    LETMEIN_BENCH_KEY=$KEY1 "$LAB" exec "$PREFIX" client java -Xmx256m -cp "$JAR" letmein.bench.load.LoadTool \
        --server 10.231.1.1 --transport "$t" --clients "$CLIENTS" --seconds "$SECS" --label "under-flood" \
        --rss letmeind="$LMD_PID" --rss letmeinfwd="$FWD_PID" | grep -v '^JSON'
    wait "$FLOOD_PID" || true
    FLOOD_PID=""
done
