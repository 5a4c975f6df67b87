#!/usr/bin/env bash
# Idle resident memory (docs/benchmarks.md, "Idle memory"), as root: brings up a fresh lab, restarts letmeinfwd and
# letmeind with the shipped default debug = false and the JVM options the systemd units run them with, which
# are the launchers' own (bin/letmeind, bin/letmeinfwd), plus LETMEIN_JAVA_OPTS from conf/*.service should a
# unit ever set it again (none does), then reads VmRSS of both daemons
# 5 s after start, 5 s after one knock from the client, and 15 s after it (letmeinfwd's nft session has
# ended by then). Repeats ROUNDS times, each in a fresh lab, and prints every reading and the medians.
# Usage: letmein-bench/idle-rss.sh [ROUNDS]   (default 3)
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-env.sh"
ROUNDS=${1:-3}
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 20 ] || { echo "ROUNDS: 1..20" >&2; exit 2; }
export LAB_FWD_ARGS="" LAB_LETMEIND_ARGS="" # the daemons' own defaults, as installed
unit_opts() { sed -n 's/^Environment="LETMEIN_JAVA_OPTS=\(.*\)"$/\1/p' "$REPO/conf/$1.service"; }
rss() { awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$1/status"; }
OUT=$(mktemp)
for r in $(seq 1 "$ROUNDS"); do
    lab_env_init idle-rss.sh r
    lab_env_up
    LAB_QUIET=1 "$LAB" stop letmeind "$PREFIX" >/dev/null
    LAB_QUIET=1 "$LAB" stop fwd "$PREFIX" >/dev/null
    sed -i 's/^debug = true/debug = false/' "$D/letmeind.conf"
    env -u MALLOC_ARENA_MAX LETMEIN_JAVA_OPTS="$(unit_opts letmeinfwd)" LAB_QUIET=1 "$LAB" start fwd "$PREFIX" >/dev/null
    env -u MALLOC_ARENA_MAX LETMEIN_JAVA_OPTS="$(unit_opts letmeind)" LAB_QUIET=1 "$LAB" start letmeind "$PREFIX" >/dev/null
    F=$(cat "$D/run/letmeinfwd/letmeinfwd.pid"); L=$(cat "$D/run/letmeind/letmeind.pid")
    sleep 5
    a="$(rss "$L") $(rss "$F")"
    "$LAB" exec "$PREFIX" client "$REPO/bin/letmein" -c "$D/client/letmein.conf" knock server4.lab 22 >/dev/null
    sleep 5
    b="$(rss "$L") $(rss "$F")"
    sleep 10
    c="$(rss "$L") $(rss "$F")"
    echo "$a $b $c" >>"$OUT"
    printf 'round %d (load %s): letmeind %s / %s / %s MiB, letmeinfwd %s / %s / %s MiB (after start / 5 s / 15 s after a knock)\n' \
        "$r" "$(cut -d' ' -f1 /proc/loadavg)" ${a%% *} ${b%% *} ${c%% *} ${a##* } ${b##* } ${c##* }
    lab_env_cleanup
    trap - EXIT
done
python3 - "$OUT" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
m = [statistics.median(col) for col in zip(*rows)]
print(f"median of {len(rows)}: letmeind {m[0]:.1f} / {m[2]:.1f} / {m[4]:.1f} MiB, letmeinfwd {m[1]:.1f} / {m[3]:.1f} / {m[5]:.1f} MiB"
      " (after start / 5 s / 15 s after a knock; targets 48 and 40)")
PY
rm -f "$OUT"
