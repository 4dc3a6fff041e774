#!/usr/bin/env bash
# End-to-end throughput: starts `cvd serve` (embedded broker) in a scratch folder, waits for the
# bundled replay to pass, then replays the corpus REPEAT times as fast as possible and reports
# events/s from the start of that replay to the last output of a stage (read from /metrics), the
# replay's own time and the service's resident memory.
#
#   bench/e2e.sh [REPEAT] [STAGE] [RECORDING...]
#     REPEAT     passes over the recordings (default 30: about 2.2 M events of the corpus, long
#                enough for the JIT to settle)
#     STAGE      the stage whose output ends the count: features or scoring (default)
#     RECORDING  default: ../shared/data/corpus/*.gz
#   CVD_JAVA_OPTS  extra options for the service's JVM (a JFR recording, a heap limit)
#   WARMUP         passes replayed, and let through, before the measured replay (default 0): the
#                  JIT compiler then no longer competes with the pipeline for the two cores
#
# Port 8080 and Kafka's 9092 must be free. Builds the application first if needed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-30}"
stage="${2:-scoring}"
shift $(($# > 2 ? 2 : $#))
recordings=("$@")
if [ ${#recordings[@]} -eq 0 ]; then
  recordings=("$root"/../shared/data/corpus/*.gz)
fi
jar="$root/target/quarkus-app/quarkus-run.jar"
"$root/cvd" --version >/dev/null

work="$(mktemp -d)"
cp -r "$root/replay" "$root/models" "$work/"
cd "$work"
# shellcheck disable=SC2086
java ${CVD_JAVA_OPTS:-} -jar "$jar" serve --speed max >serve.log 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null || true; rm -rf "$work"' EXIT

out() {
  curl -sf localhost:8080/metrics |
    awk -v s="stage=\"$stage\"" '$1 ~ /^cvd_events_out_total/ && index($1, s) {t += $2} END {printf "%d", t}'
}
settled() { # waits until the stage's output stops growing; prints it
  local last=-1 now
  while now="$(out)"; [ "$now" != "$last" ]; do
    last="$now"
    sleep 1
  done
  echo "$now"
}

for _ in $(seq 1 240); do
  curl -sf localhost:8080/health >/dev/null && break
  sleep 0.5
done
curl -sf localhost:8080/health >/dev/null || { echo "service did not come up; see $work/serve.log" >&2; exit 1; }
before="$(settled)"
if [ "${WARMUP:-0}" -gt 0 ]; then
  CVD_JAVA_OPTS="" "$root/cvd" replay --speed max --repeat "$WARMUP" -q "${recordings[@]}"
  before="$(settled)"
fi

start=$(date +%s.%N)
CVD_JAVA_OPTS="" "$root/cvd" replay --speed max --repeat "$repeat" -q "${recordings[@]}"
replayed=$(date +%s.%N)
after="$(settled)"
# settled() saw the last change up to a second before it returned.
end=$(echo "$(date +%s.%N) - 1" | bc)

events=$((after - before))
awk -v n="$events" -v s="$start" -v r="$replayed" -v e="$end" -v st="$stage" 'BEGIN {
  printf "%d events through %s in %.1f s: %.0f events/s end to end (the replay alone took %.1f s: %.0f events/s)\n",
    n, st, e - s, n / (e - s), r - s, n / (r - s) }'
echo "service RSS: $(($(ps -o rss= -p $service) / 1024)) MB"
