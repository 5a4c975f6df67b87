#!/usr/bin/env bash
# Whole-process start-up of `letmein knock`, measured with hyperfine, several launchers interleaved.
#
# Starts letmein.client.testserver.BenchServer (the letmeind stand-in of the client's tests) on 127.0.0.1
# only, writes a client config for it, then runs ROUNDS hyperfine rounds; each round times every
# launcher RUNS times (-N: no shell in between), in an order that rotates from round to round, so that
# load from other processes on the machine hits all variants alike. The medians are over all the runs of
# all rounds (from hyperfine's --export-json); the ratio is each variant's median over the first one's;
# cpu is the mean user+system time of a run (less disturbed by other load than the wall time).
#
# Usage (after `mvn -B package -DskipTests`; hyperfine from Debian's package of that name):
#   letmein-client/bench/knock-hyperfine.sh [-r ROUNDS] [-n RUNS] [NAME=LAUNCHER ...]
# Default: one variant, bin/letmein of this tree. A LAUNCHER is an executable started as
# `LAUNCHER -c CONF knock 127.0.0.1 22`, e.g. /usr/bin/letmein of an installed package; it may be a
# command with arguments in front (`chroot /some/root /usr/bin/letmein`), split at spaces. The knock
# goes to 127.0.0.1, so a launcher in another root must share this machine's network namespace.
# CONF is written to a temporary directory, or to $BENCH_CONF_DIR (which must exist) when that is set:
# a launcher in a chroot sees the file only under a directory that root shares (see .ci/package-check.sh
# for such a root); $BENCH_CONF_PATH is then the path as the launcher sees it.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
tree=$(dirname "$(dirname "$here")")
target=$tree/letmein-client/target
rounds=6
runs=10
while getopts r:n: opt; do
    case $opt in
        r) rounds=$OPTARG ;;
        n) runs=$OPTARG ;;
        *) sed -n '2,17p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- "letmein=$tree/bin/letmein"
command -v hyperfine >/dev/null || { echo "knock-hyperfine.sh: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
[ -d "$target/test-classes" ] || { echo "knock-hyperfine.sh: $target/test-classes missing: build letmein-client first" >&2; exit 1; }

key=5B1F7A3C9E2D4F6A8B0C1D2E3F405162738495A6B7C8D9EAFB0C1D2E3F405162   # bench only, never a real key
tmp=$(mktemp -d /tmp/letmein-knock-bench.XXXXXX)
confdir=${BENCH_CONF_DIR:-$tmp}
exec 3> >(exec java -cp "$target/test-classes:$target/letmein-client.jar" letmein.client.testserver.BenchServer \
    00000001 "$key" 00000002 >"$tmp/port" 2>"$tmp/server.log")
server=$!
cleanup() {
    exec 3>&-          # BenchServer runs until its stdin closes
    wait "$server" 2>/dev/null || true
    rm -rf "$tmp"
    [ -z "${BENCH_CONF_DIR:-}" ] || rm -f "$BENCH_CONF_DIR/letmein-bench.conf"
}
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(head -1 "$tmp/port")
[ -n "$port" ] || { echo "knock-hyperfine.sh: the bench server did not start: $(cat "$tmp/server.log")" >&2; exit 1; }
printf '[GENERAL]\nport = %s\n[CLIENT]\ndefault-user = 00000001\n[KEYS]\n00000001 = %s\n[RESOURCES]\n00000002 = port: 22\n' \
    "$port" "$key" >"$confdir/letmein-bench.conf"
chmod 0644 "$confdir/letmein-bench.conf"
conf=${BENCH_CONF_PATH:-$confdir}/letmein-bench.conf

names=()
cmds=()
for v in "$@"; do
    names+=("${v%%=*}")
    cmds+=("${v#*=} -c $conf knock 127.0.0.1 22")
done
for c in "${cmds[@]}"; do   # every variant must work before anything is timed
    # shellcheck disable=SC2086  # a command line split at spaces on purpose
    $c >/dev/null || { echo "knock-hyperfine.sh: '$c' failed" >&2; exit 1; }
done
n=${#cmds[@]}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 0 $((rounds - 1))); do
    args=()
    for i in $(seq 0 $((n - 1))); do
        k=$(((i + r) % n))
        args+=(-n "${names[$k]}" "${cmds[$k]}")
    done
    hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$tmp/round$r.json" "${args[@]}" >/dev/null
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$tmp" "$rounds" "$runs" "$load0" "$load1" "${names[@]}" <<'PY'
import glob, json, statistics, sys
tmp, rounds, runs, load0, load1, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
times = {n: [] for n in names}
cpu = {n: [] for n in names}  # hyperfine gives user and system time only as a mean per round
for f in sorted(glob.glob(tmp + "/round*.json")):
    for res in json.load(open(f))["results"]:
        times[res["command"]] += [t * 1000 for t in res["times"]]
        cpu[res["command"]].append((res["user"] + res["system"]) * 1000)
print(f"hyperfine -N, {rounds} rounds x {runs} runs per variant, interleaved; load average {load0} -> {load1}")
base = statistics.median(times[names[0]])
for n in names:
    t = sorted(times[n])
    m = statistics.median(t)
    print(f"{n:<20} median {m:6.1f} ms  p25 {t[len(t) // 4]:6.1f}  p75 {t[3 * len(t) // 4]:6.1f}  "
          f"min {t[0]:6.1f}  cpu {statistics.mean(cpu[n]):6.1f}  ratio {m / base:5.3f}")
PY
