#!/usr/bin/env bash
# Sustained full knocks against the lab (docs/benchmarks.md, "Load"; LoadTool), as root:
# brings up a fresh letmein-e2e lab (real letmeinfwd + nft, letmeind), records the daemons' idle memory,
# then runs letmein.bench.load.LoadTool ONCE per (transport, family, client count) inside the client
# namespace against the server's private lab address, and tears the lab down (trap).
# Usage: letmein-bench/load.sh [SECONDS_PER_RUN] [CLIENT_COUNTS]   (defaults: 10 "1 8 32")
# Env:  TRANSPORTS (default "tcp udp"), FAMILIES (default "4 6"),
#       LAB_FWD_ARGS (default "-n 64": letmeinfwd's default of 8 IPC connections caps batching),
#       LAB_LETMEIND_ARGS (default "-n 512 -N 512": every load client knocks from the one client
#       address, and letmeind's per-address default of 8 connections would refuse the rest).
# Output: a table on stdout; one JSON object per run in letmein-bench/target/load-results.jsonl.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-env.sh"
SECS=${1:-10}
COUNTS=${2:-1 8 32}
[[ "$SECS" =~ ^[0-9]+$ ]] && [ "$SECS" -ge 1 ] && [ "$SECS" -le 600 ] || { echo "SECONDS: 1..600" >&2; exit 2; }
lab_env_init load.sh l
lab_env_up
OUT="$REPO/letmein-bench/target/load-results.jsonl"
: >"$OUT"
echo "lab $PREFIX up; letmeinfwd $LAB_FWD_ARGS (pid $FWD_PID), letmeind $LAB_LETMEIND_ARGS (pid $LMD_PID)"
sleep 5 # let the daemons settle after start-up before reading idle memory
for n in letmeind:$LMD_PID letmeinfwd:$FWD_PID; do
    printf 'idle %-10s VmRSS %s   (load %s)\n' "${n%%:*}" "$(awk '/^VmRSS/{printf "%.1f MiB", $2/1024}' "/proc/${n#*:}/status")" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
done
for t in ${TRANSPORTS:-tcp udp}; do
    for f in ${FAMILIES:-4 6}; do
        if [ "$f" = 4 ]; then addr=10.231.1.1; else addr=fd5e:1a8:1::1; fi
        for c in $COUNTS; do
            LETMEIN_BENCH_KEY=$KEY1 "$LAB" exec "$PREFIX" client java -Xmx256m -cp "$JAR" letmein.bench.load.LoadTool \
                --server "$addr" --transport "$t" --clients "$c" --seconds "$SECS" --label "ipv$f" \
                --rss letmeind="$LMD_PID" --rss letmeinfwd="$FWD_PID" --json "$D/run.json" | grep -v '^JSON'
            cat "$D/run.json" >>"$OUT"
        done
    done
done
echo "nft rules in LETMEIN-INPUT after the runs: $("$LAB" exec "$PREFIX" server nft list chain inet filter LETMEIN-INPUT | grep -c 'accept' || true)"
echo "results: $OUT"
