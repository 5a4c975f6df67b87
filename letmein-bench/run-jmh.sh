#!/usr/bin/env bash
# Builds letmein-bench and runs its JMH micro-benchmarks (frame decode, KNOCK verify, config parse)
# with short settings, then prints the median of the measurement iterations of each benchmark.
# Usage: letmein-bench/run-jmh.sh [extra JMH arguments, e.g. a benchmark regex or -f 3 -i 10]
# Env: JMH_ARGS (default "-f 1 -wi 3 -w 1s -i 5 -r 1s"), SKIP_BUILD=1 to reuse the built jar.
# Output: a table on stdout; the raw JMH JSON in letmein-bench/target/jmh-result.json.
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$REPO"
JAR=letmein-bench/target/letmein-bench.jar
if [ -z "${SKIP_BUILD:-}" ]; then
    mvn -B -q package -pl letmein-bench -am -DskipTests
fi
[ -f "$JAR" ] || { echo "run-jmh.sh: $JAR missing (build failed?)" >&2; exit 1; }
OUT=letmein-bench/target/jmh-result.json
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)  java: $(java -version 2>&1 | head -1)"
# The config benchmark parses the shipped conf/letmeind.conf with one generated key in [KEYS] (the
# shipped file has none; a key line is part of what a daemon parses at every start).
BENCH_CONF=letmein-bench/target/letmeind-bench.conf
key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
sed "/^\[KEYS\]\$/a 00000001 = $key" conf/letmeind.conf >"$BENCH_CONF"
grep -q "^00000001 = [0-9a-f]\{64\}\$" "$BENCH_CONF" || { echo "run-jmh.sh: no key line in $BENCH_CONF" >&2; exit 1; }
# shellcheck disable=SC2086
java -jar "$JAR" ${JMH_ARGS:--f 1 -wi 3 -w 1s -i 5 -r 1s} -p file="$REPO/$BENCH_CONF" \
    -rf json -rff "$OUT" "$@" >letmein-bench/target/jmh-output.txt 2>&1 \
    || { tail -n 40 letmein-bench/target/jmh-output.txt >&2; exit 1; }
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$OUT" <<'PY'
import json, statistics, sys
rows = json.load(open(sys.argv[1]))
print(f"{'benchmark':<46} {'median':>12} {'min':>10} {'max':>10}  unit   (iterations)")
for r in rows:
    name = r["benchmark"].replace("letmein.bench.jmh.", "")
    pm = r["primaryMetric"]
    raw = [x for fork in pm["rawData"] for x in fork]
    print(f"{name:<46} {statistics.median(raw):>12.2f} {min(raw):>10.2f} {max(raw):>10.2f}  {pm['scoreUnit']:<6} ({len(raw)})")
PY
