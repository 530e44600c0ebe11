#!/usr/bin/env bash
# Rewrites the tested versions of the build inputs in
# third_party/debian-packages.txt ([build] section) to what is installed now,
# for the commit that moves them (after tools/setup.sh fell back to newer
# versions and `bazel test //...` and .ci/run passed with them). Test tools
# carry no exact version and are left alone. Prints each change.
#
# Usage: tools/update-pins.sh [--pins FILE]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pins_file="${repo_root}/third_party/debian-packages.txt"
if [[ "${1:-}" == "--pins" ]]; then pins_file="$2"; fi

die() { echo "update-pins.sh: $*" >&2; exit 1; }
[[ -w "${pins_file}" ]] || die "cannot write ${pins_file}"

out="$(mktemp)"
trap 'rm -f "${out}"' EXIT
section=""
changed=0
while IFS= read -r line || [[ -n "${line}" ]]; do
  bare="$(tr -d '[:space:]' <<<"${line%%#*}")"
  case "${bare}" in
    \[*) section="${bare}" ;;
  esac
  if [[ "${section}" == "[build]" && "${bare}" =~ ^([a-z0-9][a-z0-9+.-]*)=(.+)$ ]]; then
    name="${BASH_REMATCH[1]}"
    pinned="${BASH_REMATCH[2]}"
    status="$(dpkg-query -W -f='${db:Status-Status} ${Version}' "${name}" 2>/dev/null || true)"
    [[ "${status}" == installed\ * ]] || die "${name} is not installed: run tools/setup.sh first"
    installed="${status#installed }"
    if [[ "${installed}" != "${pinned}" ]]; then
      echo "update-pins.sh: ${name}: ${pinned} -> ${installed}"
      line="${line/"${name}=${pinned}"/"${name}=${installed}"}"
      changed=$((changed + 1))
    fi
  fi
  printf '%s\n' "${line}" >>"${out}"
done < "${pins_file}"
cat "${out}" >"${pins_file}"
echo "update-pins.sh: ${changed} tested version(s) moved"
