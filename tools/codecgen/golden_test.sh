#!/usr/bin/env bash
# Compares the generator's output for testdata/golden.proto with the goldens.
# After an intended generator change, refresh them with:
#   bazel build //tools/codecgen:golden_codec_generated &&
#   cp bazel-bin/tools/codecgen/golden.codec.h tools/codecgen/testdata/golden.codec.h.golden &&
#   cp bazel-bin/tools/codecgen/golden.codec.cc tools/codecgen/testdata/golden.codec.cc.golden
set -euo pipefail
generated_h="" generated_cc=""
for file in $1 $2; do
  case "${file}" in
    *.codec.h) generated_h="${file}" ;;
    *.codec.cc) generated_cc="${file}" ;;
  esac
done
golden_h="$3"
golden_cc="$4"
status=0
diff -u "${golden_h}" "${generated_h}" || status=1
diff -u "${golden_cc}" "${generated_cc}" || status=1
if (( status != 0 )); then echo "generated code differs from the goldens (see the comment in $0)"; fi
exit "${status}"
