#!/usr/bin/env bash
# What each JVM flag of the daemon launchers (bin/letmeind, bin/letmeinfwd) does to idle resident memory.
# As root. Copies the built tree's launchers, jars and lab into a scratch tree whose launchers take their
# JVM flags from the environment, brings up one lab (letmein-e2e/lab.sh) and then, for every variant,
# restarts both daemons with it and reads VmRSS 5 s after start and 5 s after one knock from the client.
# Variants: "all" (the launchers' flags as they are), one per flag with that flag left out ("no FLAG";
# flags sharing a prefix such as -XX:Tier3 go together, -XX:CICompilerCount goes with
# -XX:TieredStopAtLevel, whose C1+C2 needs two compiler threads; -XX:+UnlockExperimentalVMOptions is never
# left out), "no MALLOC_ARENA_MAX" when the launcher exports it, and one per flag given as an argument,
# added after the others ("add FLAG"). Variant i of letmeind runs next to variant i of letmeinfwd; the order
# rotates from round to round. Prints per variant the median over ROUNDS and its difference to "all".
# Usage: letmein-bench/flag-rss.sh [ROUNDS] [FLAG ...]   (default 3 rounds; ~15 s per variant and round)
# e.g.   letmein-bench/flag-rss.sh 3 -Dio.netty.allocator.type=unpooled
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
ROUNDS=${1:-3}
shift || true
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 20 ] || { echo "ROUNDS: 1..20" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "flag-rss.sh: must run as root (network namespaces, nftables)" >&2; exit 1; }
for j in letmeind/target/letmeind.jar letmeinfwd/target/letmeinfwd.jar letmein-client/target/letmein-client.jar; do
    [ -f "$REPO/$j" ] || { echo "flag-rss.sh: $j missing (mvn -B package -DskipTests)" >&2; exit 1; }
done

# the JVM flags of a launcher: the words between `letmein_launch MODULE` and `--`
launcher_flags() {
    sed -n '/^letmein_launch /,/-- "\$@"/p' "$REPO/bin/$1" | tr -d '\\\n' | sed 's/^letmein_launch [a-z]* //; s/ -- "\$@".*//' | tr -s ' '
}
arena() { sed -n 's/^export MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-\([0-9]*\)}.*/\1/p' "$REPO/bin/$1"; }
# variants of a flag list, one per line: NAME<TAB>FLAGS<TAB>MALLOC_ARENA_MAX
variants() { # LAUNCHER EXTRA...
    local all arena_max f g done_groups="" rest
    all=$(launcher_flags "$1")
    arena_max=$(arena "$1")
    shift
    printf 'all\t%s\t%s\n' "$all" "$arena_max"
    for f in $all; do
        case $f in -XX:+UnlockExperimentalVMOptions | -XX:+UnlockDiagnosticVMOptions) continue ;; esac
        g=$f
        case $f in -XX:Tier3*) g=-XX:Tier3 ;; esac
        case " $done_groups " in *" $g "*) continue ;; esac
        done_groups="$done_groups $g"
        rest=""
        for x in $all; do
            case $x in
                "$g"*) ;;
                -XX:CICompilerCount=*) [ "$g" = "${g#-XX:TieredStopAtLevel}" ] && rest="$rest $x" ;;
                *) rest="$rest $x" ;;
            esac
        done
        printf 'no %s\t%s\t%s\n' "${g}" "${rest# }" "$arena_max"
    done
    [ -z "$arena_max" ] || printf 'no MALLOC_ARENA_MAX=%s\t%s\t\n' "$arena_max" "$all"
    for f in "$@"; do printf 'add %s\t%s %s\t%s\n' "$f" "$all" "$f" "$arena_max"; done
}
mapfile -t LMD < <(variants letmeind "$@")
mapfile -t FWD < <(variants letmeinfwd "$@")
n=$(( ${#LMD[@]} > ${#FWD[@]} ? ${#LMD[@]} : ${#FWD[@]} ))

SCRATCH=$(mktemp -d /tmp/letmein-flag-rss.XXXXXX)
chmod 0755 "$SCRATCH"
PREFIX=lme-f$(head -c2 /dev/urandom | od -An -tx1 | tr -d ' \n')
LAB=$SCRATCH/letmein-e2e/lab.sh
cleanup() {
    "$LAB" down "$PREFIX" >/dev/null 2>&1 || true
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$SCRATCH"/{bin,conf,letmein-e2e,letmeind/target,letmeinfwd/target,letmein-client/target}
cp "$REPO/letmein-e2e/lab.sh" "$SCRATCH/letmein-e2e/"
cp "$REPO/conf/nftables.conf" "$SCRATCH/conf/"
cp "$REPO/bin/launcher.sh" "$REPO/bin/letmein" "$SCRATCH/bin/"
cp "$REPO/letmeind/target/letmeind.jar" "$SCRATCH/letmeind/target/"
cp "$REPO/letmeinfwd/target/letmeinfwd.jar" "$SCRATCH/letmeinfwd/target/"
cp "$REPO/letmein-client/target/letmein-client.jar" "$SCRATCH/letmein-client/target/"
[ ! -f "$REPO/letmein-client/target/letmein.jsa" ] || cp "$REPO/letmein-client/target/letmein.jsa" "$SCRATCH/letmein-client/target/"
for l in letmeind letmeinfwd; do   # the same launcher, its flags and MALLOC_ARENA_MAX from the variant
    sed -e '/^export MALLOC_ARENA_MAX=/d' -e '/^letmein_launch /,/-- "\$@"/c\
[ -z "${VARIANT_ARENA:-}" ] || export MALLOC_ARENA_MAX=$VARIANT_ARENA\
letmein_launch '"$l"' ${VARIANT_FLAGS:-} -- "$@"' "$REPO/bin/$l" >"$SCRATCH/bin/$l"
    chmod 0755 "$SCRATCH/bin/$l"
done
chmod -R a+rX "$SCRATCH"

export LAB_FWD_ARGS="" LAB_LETMEIND_ARGS=""
LAB_QUIET=1 "$LAB" up "$PREFIX" --owner $$ >/dev/null
D=$("$LAB" dir "$PREFIX")
sed -i 's/^debug = true/debug = false/' "$D/letmeind.conf"
rss() { awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$1/status"; }
OUT=$SCRATCH/readings
start() { # DAEMON VARIANT-LINE
    local name flags arena_max
    IFS=$'\t' read -r name flags arena_max <<<"$2"
    VARIANT_FLAGS=$flags VARIANT_ARENA=$arena_max LAB_QUIET=1 "$LAB" start "$1" "$PREFIX" >/dev/null
}
for r in $(seq 0 $((ROUNDS - 1))); do
    for k in $(seq 0 $((n - 1))); do
        i=$(((k + r) % n))
        l=${LMD[$i]:-${LMD[0]}}
        f=${FWD[$i]:-${FWD[0]}}
        LAB_QUIET=1 "$LAB" stop letmeind "$PREFIX" >/dev/null
        LAB_QUIET=1 "$LAB" stop fwd "$PREFIX" >/dev/null
        start fwd "$f"
        start letmeind "$l"
        F=$(cat "$D/run/letmeinfwd/letmeinfwd.pid"); L=$(cat "$D/run/letmeind/letmeind.pid")
        sleep 5
        a_l=$(rss "$L"); a_f=$(rss "$F")
        "$LAB" exec "$PREFIX" client "$SCRATCH/bin/letmein" -c "$D/client/letmein.conf" knock server4.lab 22 >/dev/null
        sleep 5
        printf 'letmeind\t%s\t%s\t%s\n' "${l%%$'\t'*}" "$a_l" "$(rss "$L")" >>"$OUT"
        printf 'letmeinfwd\t%s\t%s\t%s\n' "${f%%$'\t'*}" "$a_f" "$(rss "$F")" >>"$OUT"
    done
    echo "round $((r + 1)) of $ROUNDS done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
python3 - "$OUT" "$ROUNDS" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
order = []
for line in open(sys.argv[1]):
    d, name, a, b = line.rstrip("\n").split("\t")
    if (d, name) not in rows:
        order.append((d, name))
    rows[(d, name)].append((float(a), float(b)))
print(f"VmRSS in MiB, median of {sys.argv[2]} rounds: 5 s after start / 5 s after a knock (difference to 'all')")
for d in ("letmeind", "letmeinfwd"):
    base = [statistics.median(c) for c in zip(*rows[(d, "all")])]
    print(d)
    for dd, name in order:
        if dd != d:
            continue
        m = [statistics.median(c) for c in zip(*rows[(d, name)])]
        print(f"  {name:<44} {m[0]:5.1f} ({m[0] - base[0]:+5.1f})   {m[1]:5.1f} ({m[1] - base[1]:+5.1f})")
PY
