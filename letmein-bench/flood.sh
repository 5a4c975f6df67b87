#!/usr/bin/env bash
# Legit knocks during a garbage flood, swept over flood rates (spec README section 4, row 4), as root, in a
# fresh letmein-e2e lab: for each RATE, from the "other" namespace LoadTool --flood-pps sends random 56-byte
# UDP datagrams to the server's control port (none for rate 0: the baseline) while, from the client
# namespace, LoadTool does full TCP and then UDP knocks (CLIENTS clients). Per run it reports the legit
# success ratio and latency, the flood rate actually sent, and what ARRIVED at the server namespace: an nft
# counter (own table, hook input, priority -400, saddr = other) counts the flood datagrams that reached the
# server's IP input; /proc/net/snmp Udp InDatagrams/InErrors/RcvbufErrors of the server namespace
# (before/after) say how many the server's UDP layer delivered or dropped (InErrors includes RcvbufErrors;
# legit UDP knocks are in these counters too, the nft counter only counts the flood).
# Usage: letmein-bench/flood.sh [RATES] [SECONDS] [CLIENTS]   (defaults "0 10000 25000 50000 100000" 10 4)
# Output: a table on stdout; one JSON line per (rate, transport) appended to
#         letmein-bench/target/flood-results.jsonl (plotted by plot.sh).
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-env.sh"
RATES=${1:-0 10000 25000 50000 100000}
SECS=${2:-10}
CLIENTS=${3:-4}
for RATE in $RATES; do
    [[ "$RATE" =~ ^[0-9]+$ ]] && [ "$RATE" -le 1000000 ] || { echo "RATES: each 0..1000000, not $RATE" >&2; exit 2; }
done
[[ "$SECS" =~ ^[0-9]+$ ]] && [ "$SECS" -ge 1 ] && [ "$SECS" -le 300 ] || { echo "SECONDS: 1..300" >&2; exit 2; }
[[ "$CLIENTS" =~ ^[0-9]+$ ]] && [ "$CLIENTS" -ge 1 ] && [ "$CLIENTS" -le 4096 ] || { echo "CLIENTS: 1..4096" >&2; exit 2; }
command -v python3 >/dev/null || { echo "flood.sh: python3 missing (merges the JSON lines)" >&2; exit 1; }
lab_env_init flood.sh f
FLOOD_PID=""
lab_env_cleanup_extra() {
    if [ -n "$FLOOD_PID" ]; then kill "$FLOOD_PID" 2>/dev/null || true; wait "$FLOOD_PID" 2>/dev/null || true; fi
}
lab_env_up
OUT="$REPO/letmein-bench/target/flood-results.jsonl"
# Counts the flood where it enters the server namespace, before any of letmein's rules (own table, removed
# with the namespace).
"$LAB" exec "$PREFIX" server nft -f - <<'NFT'
table ip lmebench {
    counter flood { }
    chain in { type filter hook input priority -400; ip saddr 10.231.1.3 udp dport 5800 counter name flood; }
}
NFT
flood_counter() { "$LAB" exec "$PREFIX" server nft list counter ip lmebench flood | awk '/packets/{print $2}'; }
udp_snmp() { # prints "InDatagrams NoPorts InErrors RcvbufErrors" of the server namespace
    "$LAB" exec "$PREFIX" server cat /proc/net/snmp | awk '
        $1 == "Udp:" && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
        $1 == "Udp:" && h { print $col["InDatagrams"], $col["NoPorts"], $col["InErrors"], $col["RcvbufErrors"] }'
}
echo "lab $PREFIX; flood rates [$RATES] pkt/s from other; legit: $CLIENTS clients from client, $SECS s per run"
for RATE in $RATES; do
    for t in tcp udp; do
        rm -f "$D/flood.json" "$D/legit.json"
        c0=$(flood_counter); s0=$(udp_snmp)
        if [ "$RATE" -gt 0 ]; then
            "$LAB" exec "$PREFIX" other java -Xmx64m -cp "$JAR" letmein.bench.load.LoadTool --server 10.231.1.1 \
                --flood-pps "$RATE" --seconds $((SECS + 2)) --label flood --json "$D/flood.json" | grep -v '^JSON' &
            FLOOD_PID=$!
            sleep 1.5 # flood running (JVM start) before the legit knocks begin
        fi
        LETMEIN_BENCH_KEY=$KEY1 "$LAB" exec "$PREFIX" client java -Xmx256m -cp "$JAR" letmein.bench.load.LoadTool \
            --server 10.231.1.1 --transport "$t" --clients "$CLIENTS" --seconds "$SECS" --label "flood-$RATE" \
            --rss letmeind="$LMD_PID" --rss letmeinfwd="$FWD_PID" --json "$D/legit.json" | grep -v '^JSON'
        if [ -n "$FLOOD_PID" ]; then wait "$FLOOD_PID" || true; FLOOD_PID=""; fi
        sleep 1 # let letmeind drain its socket: InDatagrams counts datagrams as they are read
        c1=$(flood_counter); s1=$(udp_snmp)
        python3 - "$RATE" "$c0" "$c1" "$s0" "$s1" "$D/legit.json" "$D/flood.json" >>"$OUT" <<'PY'
import json, os, sys
rate, c0, c1 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s0, s1 = [int(x) for x in sys.argv[4].split()], [int(x) for x in sys.argv[5].split()]
d = [b - a for a, b in zip(s0, s1)]
legit = json.load(open(sys.argv[6]))
flood = json.load(open(sys.argv[7])) if os.path.exists(sys.argv[7]) else None
r = {"date": legit["date"], "transport": legit["transport"], "clients": legit["clients"],
     "rate_asked_pps": rate, "rate_achieved_pps": flood["achieved_pps"] if flood else 0.0,
     "flood_sent": flood["sent"] if flood else 0, "flood_send_errors": flood["send_errors"] if flood else 0,
     "arrived": c1 - c0, "dropped": d[2],
     "udp_in_datagrams": d[0], "udp_no_ports": d[1], "udp_in_errors": d[2], "udp_rcvbuf_errors": d[3],
     "attempts": legit["attempts"], "ok": legit["ok"], "success_ratio": legit["success_ratio"],
     "failures": legit["failures"], "knocks_per_s": legit["knocks_per_s"],
     "p50_ms": legit["p50_ms"], "p99_ms": legit["p99_ms"],
     "load_before": legit["load_before"], "load_after": legit["load_after"],
     "cpu": legit["cpu"], "flood_sender_cpu": flood["cpu"]["loadtool"] if flood else None}
print(json.dumps(r))
print(f"  rate {rate}: sent {r['flood_sent']} ({r['rate_achieved_pps']:.0f} pkt/s), arrived {r['arrived']}, "
      f"dropped by the kernel {r['dropped']} (rcvbuf {r['udp_rcvbuf_errors']}), udp delivered {d[0]}", file=sys.stderr)
PY
    done
done
echo "results appended to: $OUT"
