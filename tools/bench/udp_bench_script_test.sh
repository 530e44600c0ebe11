#!/usr/bin/env bash
# The benchmark script parses (bash -n), documents its knobs and sources
# lib.sh, which parses too; a few of lib.sh's helpers give the expected output.
set -euo pipefail
dir="$(dirname "$0")"
script="${dir}/udp.sh"
[[ -f "${script}" ]] || { dir="tools/bench"; script="${dir}/udp.sh"; }
lib="${dir}/lib.sh"
bash -n "${script}"
bash -n "${lib}"
for knob in BENCH_DURATION BENCH_WARMUP BENCH_REPEAT BENCH_FILL_PEERS BENCH_FILL_TORRENTS; do
  grep -q "${knob}" "${script}" || { echo "FAIL: ${knob} not in udp.sh"; exit 1; }
done
grep -q 'udp ratio vs opentracker: ' "${script}" || { echo "FAIL: no ratio line"; exit 1; }
grep -q '^source .*/lib\.sh" || exit 1$' "${script}" ||
  { echo "FAIL: udp.sh does not source lib.sh"; exit 1; }
# shellcheck source-path=SCRIPTDIR source=lib.sh
(
  source "${lib}"
  [[ "$(median 3 1 2)" == 2 && "$(median 4 1 2 3)" == 2.50 && "$(median)" == n/a ]] ||
    { echo "FAIL: median"; exit 1; }
  [[ "$(field "RESULT a=1 errors=0 bb=x" errors)" == 0 ]] || { echo "FAIL: field"; exit 1; }
  [[ "$(ratio 3 2)" == 1.50 && "$(ratio 3 n/a)" == n/a && "$(ratio 3 0)" == n/a ]] ||
    { echo "FAIL: ratio"; exit 1; }
  [[ "$(table_header "-3 2%" ab c)" == "$(printf '| ab  |  c |\n|-----|----|')" ]] ||
    { echo "FAIL: table_header"; exit 1; }
  [[ "$(table_row "-3 2%" x 5)" == "| x   | 5% |" ]] || { echo "FAIL: table_row"; exit 1; }
  # The baseline twins: aquatic cases only, and only when a binary is given.
  [[ "$(with_baseline aquatic opentracker floor)" == "aquatic opentracker floor" ]] ||
    { echo "FAIL: with_baseline without BASELINE"; exit 1; }
  BASELINE=/old/aquatic AQUATIC=/new/aquatic
  [[ "$(with_baseline aquatic opentracker aquatic-tls)" == \
      "aquatic aquatic@baseline opentracker aquatic-tls aquatic-tls@baseline" ]] ||
    { echo "FAIL: with_baseline"; exit 1; }
  [[ "$(with_baseline aquatic aquatic-sqlite)" == "aquatic aquatic@baseline aquatic-sqlite" ]] ||
    { echo "FAIL: with_baseline of a storage case"; exit 1; }
  [[ "$(storage_section aquatic-sqlite /d/s.db)" == "$(printf '[storage]\nbackend = "sqlite"\npath = "/d/s.db"')" &&
     "$(storage_section aquatic /d/s.db)" == "$(printf '[storage]\nbackend = "none"')" &&
     -z "$(storage_section aquatic@baseline /d/s.db)" ]] || { echo "FAIL: storage_section"; exit 1; }
  [[ "$(aquatic_bin aquatic-tls@baseline)" == /old/aquatic && "$(aquatic_bin aquatic)" == /new/aquatic ]] ||
    { echo "FAIL: aquatic_bin"; exit 1; }
  [[ "$(case_base aquatic-tls@baseline)" == aquatic-tls ]] || { echo "FAIL: case_base"; exit 1; }
  declare -A rates=([aquatic]=120 [aquatic@baseline]=100 [opentracker]=50)
  declare -A cpu=([aquatic]=4 [aquatic@baseline]=5)
  [[ "$(baseline_ratios rates cpu aquatic aquatic@baseline opentracker)" == "aquatic 1.20 (cpu 1.25)" ]] ||
    { echo "FAIL: baseline_ratios: $(baseline_ratios rates cpu aquatic aquatic@baseline opentracker)"; exit 1; }
)
echo PASS
