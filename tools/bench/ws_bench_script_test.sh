#!/usr/bin/env bash
# The benchmark script parses (bash -n), documents its knobs, pins the npm
# reference tracker, prints the ratio line, and sources lib.sh, which parses.
set -euo pipefail
dir="$(dirname "$0")"
script="${dir}/ws.sh"
[[ -f "${script}" ]] || { dir="tools/bench"; script="${dir}/ws.sh"; }
bash -n "${script}"
bash -n "${dir}/lib.sh"
grep -q '^source .*/lib\.sh" || exit 1$' "${script}" ||
  { echo "FAIL: ws.sh does not source lib.sh"; exit 1; }
for knob in BENCH_DURATION BENCH_WARMUP BENCH_REPEAT BENCH_SERVERS BENCH_CONNECTIONS; do
  grep -q "${knob}" "${script}" || { echo "FAIL: ${knob} not in ws.sh"; exit 1; }
done
grep -q 'ws ratio vs bittorrent-tracker: ' "${script}" || { echo "FAIL: no ratio line"; exit 1; }
grep -q 'npm ci --ignore-scripts' "${script}" || { echo "FAIL: not npm ci --ignore-scripts"; exit 1; }
# An exact version, locked.
grep -Eq '"bittorrent-tracker": "[0-9]+\.[0-9]+\.[0-9]+"' "${dir}/ws-npm/package.json" ||
  { echo "FAIL: bittorrent-tracker is not pinned to an exact version"; exit 1; }
grep -q '"node_modules/bittorrent-tracker"' "${dir}/ws-npm/package-lock.json" ||
  { echo "FAIL: no lock entry for bittorrent-tracker"; exit 1; }
grep -q 'ws: true' "${dir}/ws-npm/server.mjs" || { echo "FAIL: server.mjs without ws"; exit 1; }
echo PASS
