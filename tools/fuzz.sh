#!/usr/bin/env bash
# Runs one fuzz target under libFuzzer (clang-14, ASan + UBSan) for a time
# budget, on a temporary copy of its seed corpus (libFuzzer writes new inputs
# into its first corpus folder; the committed corpus stays as it is).
#
#   tools/fuzz.sh TARGET [SECONDS]      e.g. tools/fuzz.sh udp_request_fuzzer 60
#   tools/fuzz.sh --list
#
# A crashing, leaking or timing-out input is kept in fuzz/crashes/TARGET/ and
# the script exits non-zero. Add the input to fuzz/corpus/TARGET/ once fixed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ "${1:-}" == "--list" ]]; then
  ls fuzz/corpus
  exit 0
fi
target="${1:?usage: tools/fuzz.sh TARGET [SECONDS] (tools/fuzz.sh --list)}"
seconds="${2:-60}"
[[ -d "fuzz/corpus/${target}" ]] || { echo "fuzz.sh: no corpus fuzz/corpus/${target}" >&2; exit 2; }

work="$(mktemp -d "/tmp/fuzz-${target}.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
if ! bazel build --config=libfuzzer "//fuzz:${target}" >"${work}/build.log" 2>&1; then
  cat "${work}/build.log"
  exit 1
fi
binary="$(bazel info --config=libfuzzer bazel-bin 2>/dev/null)/fuzz/${target}"
cp -r "fuzz/corpus/${target}" "${work}/corpus"
crashes="fuzz/crashes/${target}"
mkdir -p "${crashes}"

echo "fuzz.sh: ${target} for ${seconds} s on $(ls "${work}/corpus" | wc -l) seed inputs"
set +e
"${binary}" "${work}/corpus" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="${crashes}/" >"${work}/log" 2>&1
code=$?
set -e
grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added' \
  "${work}/log" | sed "s/^/fuzz.sh: ${target}: /" || true
if [[ "${code}" != 0 ]]; then
  tail -40 "${work}/log"
  echo "fuzz.sh: ${target}: FAILED (exit ${code}); inputs kept in ${crashes}/"
  exit 1
fi
rmdir "${crashes}" 2>/dev/null || true
echo "fuzz.sh: ${target}: OK"
