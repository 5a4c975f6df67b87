#!/usr/bin/env bash
# Open leases vs per-packet cost (docs/benchmarks.md, "Leases"), as root, in a fresh letmein-e2e lab:
#   1. raises [NFTABLES] max-nr-rules in the lab's server config to LEASES + 100 and restarts both daemons;
#   2. adds LEASES IPv6 addresses fd5e:1a8:2::1:0 ... (a second ULA /64, private like the lab's) to the
#      client's lo and routes that /64 on the server via the client (fd5e:1a8:1::2): routed, not on-link,
#      so the server needs one neighbour entry, not 10,000 (on-link, the kernel's neighbour table limit
#      gc_thresh3 = 1024 drops packets and SYN retransmits make every knock take seconds);
#   3. for each step in STEPS (default "10 1000 10000", capped at LEASES): knocks from as many distinct
#      sources as needed (LoadTool --sources) so that the server holds that many leases, then measures
#      the median TCP connect time to [fd5e:1a8:1::1]:22 from the first knocked source (ROUNDS connects,
#      in one process in the client namespace) - the per-packet cost through the firewall;
#   4. tears the lab down (trap).
# Usage: letmein-bench/leases.sh [LEASES] [STEPS] [ROUNDS]  (defaults 10000 "10 1000 10000" 300)
# Env: CLIENTS (concurrent knockers while opening the leases, default 16).
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-env.sh"
LEASES=${1:-10000}
STEPS=${2:-10 1000 10000}
ROUNDS=${3:-300}
[[ "$LEASES" =~ ^[0-9]+$ ]] && [ "$LEASES" -ge 1 ] && [ "$LEASES" -le 60000 ] || { echo "LEASES: 1..60000" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 100000 ] || { echo "ROUNDS: 1..100000" >&2; exit 2; }
lab_env_init leases.sh n
lab_env_up
LAB_QUIET=1 "$LAB" stop letmeind "$PREFIX"
LAB_QUIET=1 "$LAB" stop fwd "$PREFIX"
echo "max-nr-rules = $((LEASES + 100))" >>"$D/letmeind.conf" # [NFTABLES] is the last section
LAB_QUIET=1 "$LAB" start fwd "$PREFIX" >/dev/null
LAB_QUIET=1 "$LAB" start letmeind "$PREFIX" >/dev/null
lab_env_pids
python3 - "$LEASES" >"$D/addrs.batch" <<'PY'
import ipaddress, sys
base = ipaddress.IPv6Address("fd5e:1a8:2::1:0")
for i in range(int(sys.argv[1])):
    print(f"addr add {base + i}/128 dev lo nodad")
PY
"$LAB" exec "$PREFIX" client ip -batch "$D/addrs.batch"
"$LAB" exec "$PREFIX" server ip -6 route add fd5e:1a8:2::/64 via fd5e:1a8:1::2
echo "lab $PREFIX; $LEASES client addresses added; max-nr-rules $((LEASES + 100))"
cat >"$D/connect.py" <<'PY'
import socket, statistics, sys, time
src, dst, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t = []
for _ in range(n):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.bind((src, 0)); s.settimeout(1.0)
    t0 = time.perf_counter()
    try:
        s.connect((dst, port))
        t.append((time.perf_counter() - t0) * 1e6)
    except OSError:
        pass
    finally:
        s.close()
print(f"connects ok {len(t)}/{n}  median {statistics.median(t) if t else float('nan'):.1f} us  "
      f"p90 {sorted(t)[int(len(t)*0.9)-1] if t else float('nan'):.1f} us")
PY
done_leases=0
for step in $STEPS; do
    [ "$step" -le "$LEASES" ] || continue
    if [ "$step" -gt "$done_leases" ]; then
        # knock from the sources not yet used: start at offset done_leases
        base=$(python3 -c "import ipaddress,sys; print(ipaddress.IPv6Address('fd5e:1a8:2::1:0') + int(sys.argv[1]))" "$done_leases")
        LETMEIN_BENCH_KEY=$KEY1 "$LAB" exec "$PREFIX" client java -Xmx256m -cp "$JAR" letmein.bench.load.LoadTool \
            --server fd5e:1a8:1::1 --transport tcp --clients "${CLIENTS:-16}" --seconds 600 --max-knocks $((step - done_leases)) \
            --source-base "$base" --sources $((step - done_leases)) --label "leases-$step" \
            --rss letmeind="$LMD_PID" --rss letmeinfwd="$FWD_PID" | grep -v '^JSON'
        done_leases=$step
    fi
    elements=$("$LAB" exec "$PREFIX" server nft -j list ruleset | python3 -c '
import json,sys
n=0
for o in json.load(sys.stdin)["nftables"]:
    s=o.get("set")
    if s and "LETMEIN" in s.get("name","").upper() or (s and s.get("elem")): n+=len(s.get("elem") or [])
print(n)')
    echo "leases=$step  set elements in the ruleset: $elements  load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$LAB" exec "$PREFIX" client python3 "$D/connect.py" fd5e:1a8:2::1:0 fd5e:1a8:1::1 22 "$ROUNDS"
done
