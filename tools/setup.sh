#!/usr/bin/env bash
# Installs exactly the Debian packages pinned in third_party/debian-packages.txt.
#
# Idempotent and quick when everything is already there: it only asks apt when a
# package is missing or at another version, and then runs `apt-get update` once.
# Fails loudly when the archive cannot serve the pinned version.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pins_file="${repo_root}/third_party/debian-packages.txt"

die() { echo "setup.sh: $*" >&2; exit 1; }

[[ -r "${pins_file}" ]] || die "cannot read ${pins_file}"

declare -a wanted=()
declare -a missing=()
while IFS= read -r line; do
  line="${line%%#*}"
  line="$(echo "${line}" | tr -d '[:space:]')"
  [[ -z "${line}" ]] && continue
  [[ "${line}" == *=* ]] || die "bad pin line '${line}' (expected name=version)"
  wanted+=("${line}")
  name="${line%%=*}"
  version="${line#*=}"
  installed="$(dpkg-query -W -f='${db:Status-Status} ${Version}' "${name}" 2>/dev/null || true)"
  if [[ "${installed}" != "installed ${version}" ]]; then
    missing+=("${line}")
  fi
done < "${pins_file}"

if (( ${#missing[@]} == 0 )); then
  echo "setup.sh: all ${#wanted[@]} pinned packages present"
  exit 0
fi

[[ "$(id -u)" == 0 ]] || die "need root to install: ${missing[*]}"

echo "setup.sh: installing ${#missing[@]} package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed"
for pin in "${missing[@]}"; do
  name="${pin%%=*}"
  version="${pin#*=}"
  candidates="$(apt-cache madison "${name}" | awk -F'|' '{gsub(/ /, "", $2); print $2}')"
  if ! grep -qxF -- "${version}" <<<"${candidates}"; then
    die "${name}: pinned version ${version} is not in the archive (available: $(echo ${candidates}))"
  fi
done
apt-get install -y -qq --no-install-recommends --allow-downgrades "${missing[@]}" \
  || die "apt-get install failed"

# Verify: a package manager that silently picked another version is a failure.
for pin in "${missing[@]}"; do
  name="${pin%%=*}"
  version="${pin#*=}"
  got="$(dpkg-query -W -f='${Version}' "${name}" 2>/dev/null || true)"
  [[ "${got}" == "${version}" ]] || die "${name}: wanted ${version}, installed '${got}'"
done
echo "setup.sh: done"
