#!/usr/bin/env bash
# Builds //tracker:aquatic twice, in two fresh Bazel output bases at different
# paths and without any cache, and fails unless the binaries are bit-identical:
# no timestamps, no absolute paths, no other host state in the output.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="//tracker:aquatic"
work="$(mktemp -d /tmp/aquatic-repro.XXXXXX)"
trap 'for b in "${work}"/base-*; do bazel --output_base="${b}" shutdown >/dev/null 2>&1 || true; done; rm -rf "${work}"' EXIT

build() {  # NAME: builds in its own output base, copies the binary out.
  local base="${work}/base-$1"
  local start=${SECONDS}
  # --disk_cache= turns off any cache user.bazelrc sets: both builds compile.
  bazel --output_base="${base}" build --disk_cache= --noshow_progress "${target}" \
    >"${work}/build-$1.log" 2>&1 || { cat "${work}/build-$1.log"; return 1; }
  cp "$(bazel --output_base="${base}" info bazel-bin 2>/dev/null)/tracker/aquatic" "${work}/aquatic-$1"
  bazel --output_base="${base}" shutdown >/dev/null 2>&1 || true
  echo "check_reproducible: build $1 took $((SECONDS - start)) s"
}

build one
build two
sha_one="$(sha256sum "${work}/aquatic-one" | cut -d' ' -f1)"
sha_two="$(sha256sum "${work}/aquatic-two" | cut -d' ' -f1)"
if [[ "${sha_one}" != "${sha_two}" ]]; then
  echo "check_reproducible: FAIL: ${target} differs between output bases"
  echo "  one: ${sha_one}"
  echo "  two: ${sha_two}"
  cmp -l "${work}/aquatic-one" "${work}/aquatic-two" | head -5
  exit 1
fi
if grep -q -a -e "${work}" -e "$(pwd)" "${work}/aquatic-one"; then
  echo "check_reproducible: FAIL: the binary contains an absolute build path"
  exit 1
fi
echo "check_reproducible: OK: ${target} is bit-identical (sha256 ${sha_one})"
