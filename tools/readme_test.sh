#!/usr/bin/env bash
# README.md must open with the two commands that work on a fresh machine; .ci/run
# runs the second one, so it reads it from README.md.
set -euo pipefail
readme="$1"
# awk stops by itself: `grep | head` under pipefail fails when head exits
# first and grep, still writing, dies of SIGPIPE.
first_commands="$(awk '/^    / { print; if (++n == 2) exit }' "${readme}")"
expected="    tools/setup.sh && bazel run //tracker:aquatic -- udp
    tools/setup.sh && bazel test //..."
if [[ "${first_commands}" != "${expected}" ]]; then
  echo "README.md must open with:"; echo "${expected}"; echo "found:"; echo "${first_commands}"
  exit 1
fi
echo "README commands OK"
