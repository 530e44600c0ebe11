#!/usr/bin/env bash
# Checks the committed fuzz corpora: each fuzz/corpus/TARGET holds at least
# the inputs fuzz/corpus_sizes.txt records for it (corpora only grow:
# tools/fuzz.sh --merge adds inputs and raises the record), and each target
# has a record and a line in fuzz/dict/targets.txt naming dictionaries that
# exist. Prints one line per target: its inputs and KiB.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
for corpus in fuzz/corpus/*/; do
  target="$(basename "${corpus}")"
  have="$(find "${corpus}" -type f | wc -l)"
  recorded="$(awk -v t="${target}" '$1 == t {print $2}' fuzz/corpus_sizes.txt)"
  printf 'corpus %-28s %6d inputs %6d KiB (recorded %s)\n' "${target}" "${have}" \
    "$(( $(du -sb "${corpus}" | cut -f1) / 1024 ))" "${recorded:-none}"
  if [[ -z "${recorded}" ]]; then
    echo "check_corpora.sh: ${target}: no line in fuzz/corpus_sizes.txt" >&2; status=1
  elif [[ "${have}" -lt "${recorded}" ]]; then
    echo "check_corpora.sh: ${target}: the corpus shrank: ${have} inputs, ${recorded} recorded" >&2
    status=1
  fi
  if ! grep -q "^${target}:" fuzz/dict/targets.txt; then
    echo "check_corpora.sh: ${target}: no line in fuzz/dict/targets.txt" >&2; status=1
  fi
  for name in $(awk -F': *' -v t="${target}" '$1 == t {print $2}' fuzz/dict/targets.txt); do
    [[ -f "fuzz/dict/${name}.dict" ]] \
      || { echo "check_corpora.sh: ${target}: no dictionary fuzz/dict/${name}.dict" >&2; status=1; }
  done
done
exit "${status}"
