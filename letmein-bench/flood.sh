#!/usr/bin/env bash
# Legit knocks during a garbage flood (docs/benchmarks.md, "Flood"), as root, in a fresh letmein-e2e lab:
# for each RATE, from the "other" namespace LoadTool --flood-pps sends random 56-byte UDP datagrams to the
# server's control port at RATE pkt/s while, from the client namespace, LoadTool does full TCP and then
# UDP knocks (CLIENTS clients). Reports per run the success ratio and latency of the legit knocks, the
# flood rate actually sent, and what ARRIVED: the server namespace's UDP counters (nstat: InDatagrams,
# RcvbufErrors = dropped because letmeind's socket buffer was full) before and after, and the flood alone:
# an nft counter (own table lmebench, hook input, priority -400, ip saddr = other) counts every flood
# datagram that reached the server's IP input, whatever happened to it later. RATE 0 = no flood
# (the baseline). One JSON line per run goes to letmein-bench/target/flood-results.jsonl (plot.sh).
# Usage: letmein-bench/flood.sh [RATES] [SECONDS] [CLIENTS]   (defaults "50000" 10 4; RATES e.g.
#        "0 10000 25000 50000 100000")
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-env.sh"
RATES=${1:-50000}
SECS=${2:-10}
CLIENTS=${3:-4}
for RATE in $RATES; do
    [[ "$RATE" =~ ^[0-9]+$ ]] && [ "$RATE" -le 1000000 ] || { echo "RATES: each 0..1000000" >&2; exit 2; }
done
[[ "$SECS" =~ ^[0-9]+$ ]] && [ "$SECS" -ge 1 ] && [ "$SECS" -le 300 ] || { echo "SECONDS: 1..300" >&2; exit 2; }
lab_env_init flood.sh f
FLOOD_PID=""
lab_env_extra_cleanup() {
    if [ -n "$FLOOD_PID" ]; then kill "$FLOOD_PID" 2>/dev/null || true; wait "$FLOOD_PID" 2>/dev/null || true; fi
}
lab_env_up
OUT="$REPO/letmein-bench/target/flood-results.jsonl"
: >"$OUT"
# The flood's own arrivals, counted before any rule of letmein's (the table goes with the namespace).
"$LAB" exec "$PREFIX" server nft -f - <<'NFT'
table ip lmebench {
    counter flood { }
    chain in { type filter hook input priority -400; ip saddr 10.231.1.3 udp dport 5800 counter name flood; }
}
NFT
flood_arrived() { "$LAB" exec "$PREFIX" server nft list counter ip lmebench flood | awk '/packets/{print $2}'; }
echo "lab $PREFIX; flood rates $RATES pkt/s from other; legit: $CLIENTS clients from client, $SECS s per run"
udp_counters() { # InDatagrams RcvbufErrors of the server namespace (absolute values)
    "$LAB" exec "$PREFIX" server nstat -az Udp6InDatagrams UdpInDatagrams UdpRcvbufErrors Udp6RcvbufErrors |
        awk '/InDatagrams/{i+=$2} /RcvbufErrors/{r+=$2} END{print i+0, r+0}'
}
for RATE in $RATES; do
    for t in tcp udp; do
        rm -f "$D/flood.json" "$D/knock.json"
        read -r in0 drop0 < <(udp_counters)
        arr0=$(flood_arrived)
        if [ "$RATE" -gt 0 ]; then
            "$LAB" exec "$PREFIX" other java -Xmx64m -cp "$JAR" letmein.bench.load.LoadTool --server 10.231.1.1 \
                --flood-pps "$RATE" --seconds $((SECS + 2)) --label flood --json "$D/flood.json" | grep -v '^JSON' &
            FLOOD_PID=$!
            sleep 1.5 # flood running (JVM start) before the legit knocks begin
        fi
        LETMEIN_BENCH_KEY=$KEY1 "$LAB" exec "$PREFIX" client java -Xmx256m -cp "$JAR" letmein.bench.load.LoadTool \
            --server 10.231.1.1 --transport "$t" --clients "$CLIENTS" --seconds "$SECS" --label "flood-$RATE" \
            --rss letmeind="$LMD_PID" --rss letmeinfwd="$FWD_PID" --json "$D/knock.json" | grep -v '^JSON'
        if [ -n "$FLOOD_PID" ]; then wait "$FLOOD_PID" || true; FLOOD_PID=""; fi
        sleep 1 # InDatagrams counts a datagram when letmeind reads it: let it drain its socket first
        read -r in1 drop1 < <(udp_counters)
        arr1=$(flood_arrived)
        python3 - "$D/knock.json" "$D/flood.json" "$RATE" $((in1 - in0)) $((drop1 - drop0)) $((arr1 - arr0)) >>"$OUT" <<'PY'
import json, os, sys
knock = json.load(open(sys.argv[1]))
flood = json.load(open(sys.argv[2])) if os.path.exists(sys.argv[2]) else {}
rate, arrived, dropped, flood_arrived = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
row = {"mode": "under-flood", "flood_asked_pps": rate, "flood_sent": flood.get("sent", 0),
       "flood_achieved_pps": flood.get("achieved_pps", 0.0), "flood_seconds": flood.get("seconds", 0.0),
       "flood_arrived": flood_arrived,
       "server_udp_datagrams_in": arrived, "server_udp_rcvbuf_drops": dropped}
row.update({k: knock[k] for k in ("transport", "clients", "seconds", "attempts", "ok", "success_ratio",
            "failures", "knocks_per_s", "p50_ms", "p90_ms", "p99_ms", "load_before", "load_after")})
print(json.dumps(row))
PY
        tail -1 "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("  flood %(flood_asked_pps)s asked, %(flood_achieved_pps)s pkt/s sent, %(flood_arrived)s arrived at the server; there: %(server_udp_datagrams_in)s UDP datagrams in (all sources), %(server_udp_rcvbuf_drops)s dropped (socket buffer full)" % r)'
    done
done
echo "results: $OUT"
