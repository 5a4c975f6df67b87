#!/usr/bin/env bash
# Knock-to-open latency in the letmein-e2e lab (docs/benchmarks.md, knock-to-open and start-up), as root:
#   1. brings up a fresh lab with letmein-e2e/lab.sh (real letmeinfwd + nft, letmeind, sshd);
#   2. from the client namespace, in ONE process (knock-to-open.py via a single `ip netns exec`):
#      ROUNDS x { revoke; wait shut; t0; bin/letmein knock HOST 22; poll TCP connect to port 22; t1 }
#      and prints the median of t1 - t0;
#   3. `letmein knock` whole process with hyperfine inside the client namespace (median);
#   4. the same for fwknop (Debian fwknop-client/fwknop-server 2.6.10, default pcap mode) in the same
#      lab's server namespace: letmein's daemons are stopped, the nft ruleset is replaced by an
#      iptables-nft INPUT policy drop (lo + established accepted), fwknopd sniffs br0 and opens tcp/22 via
#      its FWKNOP_INPUT chain; "revoke" between rounds = flush FWKNOP_INPUT (outside the timed window).
#      Prints the ratio letmein / fwknop. Skipped with a message if fwknop is not installed (FWKNOP=0 skips);
#   5. tears the lab down (trap, also on failure or Ctrl-C).
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

# ------------------------------------------------------------------------------------------- fwknop
if [ "${FWKNOP:-1}" = 0 ]; then exit 0; fi
if ! command -v fwknop >/dev/null || ! command -v fwknopd >/dev/null || ! command -v iptables >/dev/null; then
    echo "fwknop: not measured (needs fwknop, fwknopd, iptables: apt-get install fwknop-client fwknop-server iptables)"
    exit 0
fi
LETMEIN_MEDIAN=$(sed -n 's/^SUMMARY .*"median_knock_to_open_ms": \([0-9.]*\).*/\1/p' "$D/knock-to-open.jsonl")
LETMEIN_PROC=$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1e3))' "$D/hyperfine.json")
echo "--- fwknop in the same lab (letmein daemons stopped, iptables-nft in the server namespace)"
"$LAB" stop letmeind "$PREFIX"
"$LAB" stop fwd "$PREFIX"
FW="$D/fwknop"
mkdir -p "$FW/run" "$FW/home"
chmod 0700 "$FW"
srv() { "$LAB" exec "$PREFIX" server "$@"; }
srv nft flush ruleset
srv iptables -P INPUT DROP
srv iptables -A INPUT -i lo -j ACCEPT
srv iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
KEYS=$(HOME="$FW/home" fwknop --rc-file "$FW/home/fwknoprc" --key-gen)
FK=$(echo "$KEYS" | sed -n 's/^KEY_BASE64: //p')
FH=$(echo "$KEYS" | sed -n 's/^HMAC_KEY_BASE64: //p')
[ -n "$FK" ] && [ -n "$FH" ] || { echo "fwknop --key-gen printed no keys: $KEYS" >&2; exit 1; }
cat >"$FW/fwknopd.conf" <<CONF
PCAP_INTF                   br0;
FIREWALL_EXE                $(command -v iptables);
FWKNOP_RUN_DIR              $FW/run;
FWKNOP_PID_FILE             $FW/run/fwknopd.pid;
DIGEST_FILE                 $FW/run/digest.cache;
CONF
cat >"$FW/access.conf" <<CONF
SOURCE                      ANY
OPEN_PORTS                  tcp/22
KEY_BASE64                  $FK
HMAC_KEY_BASE64             $FH
FW_ACCESS_TIMEOUT           600
CONF
chmod 0600 "$FW/fwknopd.conf" "$FW/access.conf"
srv setsid fwknopd -f -c "$FW/fwknopd.conf" -a "$FW/access.conf" -p "$FW/run/fwknopd.pid" </dev/null >"$FW/fwknopd.log" 2>&1 &
FWKNOPD_PID=$!
# stop fwknopd (by PID) before the lab goes: chain the earlier cleanup
cleanup() { kill "$FWKNOPD_PID" 2>/dev/null || true; wait "$FWKNOPD_PID" 2>/dev/null || true; "$LAB" down "$PREFIX" >/dev/null 2>&1 || true; }
for _ in $(seq 50); do srv iptables -L FWKNOP_INPUT -n >/dev/null 2>&1 && break; sleep 0.1; done
srv iptables -L FWKNOP_INPUT -n >/dev/null 2>&1 || { echo "fwknopd did not create FWKNOP_INPUT:" >&2; tail -20 "$FW/fwknopd.log" >&2; exit 1; }
FWCMD=(env HOME="$FW/home" fwknop --rc-file "$FW/home/fwknoprc" --no-save-args -A tcp/22 -a 10.231.1.2 -D 10.231.1.1
       --use-hmac --key-base64-rijndael "$FK" --key-base64-hmac "$FH")
echo "load average before: $(load)"
"$LAB" exec "$PREFIX" client python3 "$REPO/letmein-bench/knock-to-open.py" "$ROUNDS" 10.231.1.1 22 \
    -- "${FWCMD[@]}" -- ip netns exec "$PREFIX-server" iptables -F FWKNOP_INPUT \
    | tee "$FW/knock-to-open.jsonl" | grep SUMMARY
echo "load average after:  $(load)"
echo "--- fwknop client, whole process (hyperfine, in the client namespace)"
echo "load average before: $(load)"
"$LAB" exec "$PREFIX" client hyperfine -N --warmup 3 --runs "$ROUNDS" --style basic --export-json "$FW/hyperfine.json" \
    "$(printf '%q ' "${FWCMD[@]}")" >/dev/null
FW_PROC=$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1e3))' "$FW/hyperfine.json")
echo "SUMMARY {\"median_ms\": $FW_PROC}"
echo "load average after:  $(load)"
FW_MEDIAN=$(sed -n 's/^SUMMARY .*"median_knock_to_open_ms": \([0-9.]*\).*/\1/p' "$FW/knock-to-open.jsonl")
echo "fwknopd RSS: $(awk '/^VmRSS/{printf "%.1f MiB", $2/1024}' "/proc/$FWKNOPD_PID/status" 2>/dev/null || echo '?')"
python3 - "$LETMEIN_MEDIAN" "$FW_MEDIAN" "$LETMEIN_PROC" "$FW_PROC" <<'PY'
import sys
lm, fm, lp, fp = (float(x) if x else float("nan") for x in sys.argv[1:])
print(f"RATIO knock-to-open  letmein {lm:.2f} ms / fwknop {fm:.2f} ms = {lm/fm:.2f}")
print(f"RATIO client process letmein {lp:.2f} ms / fwknop {fp:.2f} ms = {lp/fp:.2f}")
PY
