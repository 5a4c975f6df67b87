#!/usr/bin/env bash
# Regenerates the benchmark charts from the JSON-lines results (no root, no lab; JDK only, headless):
#   docs/plots/load.png   knocks/s and p50/p99 latency vs concurrent clients, one line per transport x family,
#                         from letmein-bench/target/load-results.jsonl (written by load.sh);
#   docs/plots/flood.png  legit success ratio and p99 vs garbage flood rate (achieved), TCP and UDP,
#                         from letmein-bench/target/flood-results.jsonl (appended by flood.sh).
# A missing input file is skipped with a note; the same point measured twice: the later line wins.
# Usage: letmein-bench/plot.sh [LOAD_JSONL] [FLOOD_JSONL] [OUT_DIR]
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
JAR="$REPO/letmein-bench/target/letmein-bench.jar"
[ -f "$JAR" ] || { echo "plot.sh: $JAR missing (mvn -B -pl letmein-bench -am package -DskipTests)" >&2; exit 1; }
LOAD=${1:-$REPO/letmein-bench/target/load-results.jsonl}
FLOOD=${2:-$REPO/letmein-bench/target/flood-results.jsonl}
OUT=${3:-$REPO/docs/plots}
args=()
if [ -s "$LOAD" ]; then args+=(--load "$LOAD"); else echo "plot.sh: no $LOAD, skipping load.png" >&2; fi
if [ -s "$FLOOD" ]; then args+=(--flood "$FLOOD"); else echo "plot.sh: no $FLOOD, skipping flood.png" >&2; fi
[ ${#args[@]} -gt 0 ] || { echo "plot.sh: nothing to plot (run load.sh / flood.sh first)" >&2; exit 1; }
exec java -Djava.awt.headless=true -cp "$JAR" letmein.bench.load.Plot "${args[@]}" --out "$OUT"
