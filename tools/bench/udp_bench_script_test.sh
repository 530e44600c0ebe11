#!/usr/bin/env bash
# The benchmark script parses (bash -n) and documents its knobs.
set -euo pipefail
script="$(dirname "$0")/udp.sh"
[[ -f "${script}" ]] || script="tools/bench/udp.sh"
bash -n "${script}"
for knob in BENCH_DURATION BENCH_WARMUP BENCH_REPEAT BENCH_FILL_PEERS BENCH_FILL_TORRENTS; do
  grep -q "${knob}" "${script}" || { echo "FAIL: ${knob} not in udp.sh"; exit 1; }
done
grep -q 'udp ratio vs opentracker: ' "${script}" || { echo "FAIL: no ratio line"; exit 1; }
echo PASS
