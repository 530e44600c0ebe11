#!/usr/bin/env bash
# Runs one fuzz target under libFuzzer (clang-14, ASan + UBSan) for a time
# budget, on a temporary copy of its committed corpus, with the dictionaries
# fuzz/dict/targets.txt names for it.
#
#   tools/fuzz.sh TARGET [SECONDS] [--merge]   e.g. tools/fuzz.sh udp_request_fuzzer 60
#   tools/fuzz.sh --list
#
# --merge: afterwards, the inputs of the run that reach code the committed
# corpus does not are added to fuzz/corpus/TARGET (libFuzzer -merge=1, which
# keeps only inputs that add coverage): a committed corpus only ever grows
# in what it reaches. Without it the committed corpus stays as it is.
#
# A crashing, leaking or timing-out input is kept in fuzz/crashes/TARGET/ and
# the script exits non-zero. Add the input to fuzz/corpus/TARGET/ once fixed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ "${1:-}" == "--list" ]]; then
  ls fuzz/corpus
  exit 0
fi
usage="usage: tools/fuzz.sh TARGET [SECONDS] [--merge] (tools/fuzz.sh --list)"
merge=0
args=()
for arg in "$@"; do
  if [[ "${arg}" == --merge ]]; then merge=1; else args+=("${arg}"); fi
done
target="${args[0]:?${usage}}"
seconds="${args[1]:-60}"
[[ "${seconds}" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a number: ${seconds}" >&2; exit 2; }
[[ -d "fuzz/corpus/${target}" ]] || { echo "fuzz.sh: no corpus fuzz/corpus/${target}" >&2; exit 2; }

work="$(mktemp -d "/tmp/fuzz-${target}.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
if ! bazel build --config=libfuzzer "//fuzz:${target}" >"${work}/build.log" 2>&1; then
  cat "${work}/build.log"
  exit 1
fi
binary="$(bazel info --config=libfuzzer bazel-bin 2>/dev/null)/fuzz/${target}"
cp -r "fuzz/corpus/${target}" "${work}/corpus"
# The target's dictionaries, joined (libFuzzer takes one).
dict_args=()
dicts="$(awk -F': *' -v t="${target}" '$1 == t {print $2}' fuzz/dict/targets.txt)"
if [[ -n "${dicts}" ]]; then
  for name in ${dicts}; do cat "fuzz/dict/${name}.dict"; done >"${work}/joined.dict"
  dict_args=(-dict="${work}/joined.dict")
fi
crashes="fuzz/crashes/${target}"
mkdir -p "${crashes}"

echo "fuzz.sh: ${target} for ${seconds} s on $(ls "${work}/corpus" | wc -l) seed inputs${dicts:+, dictionaries: ${dicts}}"
set +e
"${binary}" "${work}/corpus" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 \
  "${dict_args[@]}" -print_final_stats=1 -artifact_prefix="${crashes}/" >"${work}/log" 2>&1
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
if [[ "${merge}" == 1 ]]; then
  before="$(find "fuzz/corpus/${target}" -type f | wc -l)"
  if ! "${binary}" -merge=1 -timeout=10 -rss_limit_mb=2048 "fuzz/corpus/${target}" "${work}/corpus" \
    >"${work}/merge.log" 2>&1; then
    tail -20 "${work}/merge.log"
    echo "fuzz.sh: ${target}: merge FAILED"
    exit 1
  fi
  after="$(find "fuzz/corpus/${target}" -type f | wc -l)"
  # The new size becomes the least tools/check_corpora.sh accepts; locked, as
  # runs of other targets may record theirs at the same time.
  (
    flock 9
    awk -v t="${target}" -v n="${after}" '$1 == t { $0 = t " " n; found = 1 } { print }
      END { if (!found) print t " " n }' fuzz/corpus_sizes.txt >"${work}/sizes"
    cp "${work}/sizes" fuzz/corpus_sizes.txt
  ) 9>"/tmp/aquatic-fuzz-corpus-sizes.lock"
  echo "fuzz.sh: ${target}: merged: corpus ${before} -> ${after} inputs ($(( $(du -sb "fuzz/corpus/${target}" | cut -f1) / 1024 )) KiB)"
fi
echo "fuzz.sh: ${target}: OK"
