#!/usr/bin/env bash
# The HTTP benchmark script parses (bash -n), documents its knobs, prints its
# help, refuses bad knobs before building anything, and ends with the ratio
# line; it sources lib.sh, which parses and traps EXIT to clean up.
set -euo pipefail
script="$(dirname "$0")/http.sh"
[[ -f "${script}" ]] || script="tools/bench/http.sh"
lib="$(dirname "${script}")/lib.sh"
bash -n "${script}"
bash -n "${lib}"
grep -q '^source .*/lib\.sh" || exit 1$' "${script}" ||
  { echo "FAIL: http.sh does not source lib.sh"; exit 1; }
for knob in BENCH_DURATION BENCH_WARMUP BENCH_REPEAT BENCH_CASES BENCH_CONNECTIONS BENCH_PORT \
  BENCH_SERVER_CPU BENCH_LOAD_CPU BENCH_SKIP_BUILD; do
  grep -q "${knob}" "${script}" || { echo "FAIL: ${knob} not in http.sh"; exit 1; }
done
grep -q 'echo "http ratio vs opentracker: .*; keep-alive: .*; tls: ' "${script}" ||
  { echo "FAIL: no ratio line"; exit 1; }
grep -q '^  trap cleanup EXIT' "${lib}" || { echo "FAIL: no cleanup trap in lib.sh"; exit 1; }
grep -q '^make_work_dir ' "${script}" || { echo "FAIL: http.sh makes no work folder"; exit 1; }
help="$(bash "${script}" -h)"
grep -q 'BENCH_DURATION' <<<"${help}" || { echo "FAIL: -h does not list the knobs"; exit 1; }
if BENCH_CASES=bogus bash "${script}" 2>/dev/null; then echo "FAIL: a bad case was accepted"; exit 1; fi
if BENCH_DURATION=x bash "${script}" 2>/dev/null; then echo "FAIL: a bad number was accepted"; exit 1; fi
echo PASS
