#!/usr/bin/env bash
# Installs the Debian packages listed in third_party/debian-packages.txt.
#
# Two kinds of dependency (the file says which is which):
#   build inputs  name=version   the version the project was tested with. It is
#                                installed when the archive still serves it and
#                                can install it without downgrading anything
#                                else; otherwise the release's newest version
#                                is installed, with one warning line naming both.
#   test tools    name[>=min]    no exact version: the newest the release
#                                serves, at least `min`.
# It fails only when a package is missing altogether, or when nothing at a
# usable version comes from the release the file names (e.g. only from
# backports or a third-party repository).
#
# Quick and offline when everything is already there; otherwise it runs
# `apt-get update` once and installs what is missing in one apt-get call.
#
# Usage: tools/setup.sh [--dry-run] [--pins FILE]
#   --dry-run   resolve against the local package lists and print what would be
#               installed; never updates or installs (no root needed).
#   --pins FILE another pin file (tests).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pins_file="${repo_root}/third_party/debian-packages.txt"
dry_run=0
while (( $# > 0 )); do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --pins) pins_file="$2"; shift ;;
    *) echo "usage: tools/setup.sh [--dry-run] [--pins FILE]" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "setup.sh: $*" >&2; exit 1; }
warn() { echo "setup.sh: warning: $*" >&2; }

[[ -r "${pins_file}" ]] || die "cannot read ${pins_file}"

# --- The pin file --------------------------------------------------------------
release=""
declare -a names=() kinds=() wants=()  # kind: build|test; want: version or min ("" = any)
section=""
while IFS= read -r line || [[ -n "${line}" ]]; do
  line="${line%%#*}"
  line="$(tr -d '[:space:]' <<<"${line}")"
  [[ -z "${line}" ]] && continue
  case "${line}" in
    release:*) release="${line#release:}"; continue ;;
    "[build]") section=build; continue ;;
    "[test]") section=test; continue ;;
    \[*) die "${pins_file}: unknown section ${line}" ;;
  esac
  [[ -n "${section}" ]] || die "${pins_file}: '${line}' is outside a [build] or [test] section"
  if [[ "${section}" == build ]]; then
    [[ "${line}" =~ ^([a-z0-9][a-z0-9+.-]*)=(.+)$ ]] \
      || die "${pins_file}: bad build input '${line}' (expected name=version)"
  else
    [[ "${line}" =~ ^([a-z0-9][a-z0-9+.-]*)(\>=(.+))?$ ]] \
      || die "${pins_file}: bad test tool '${line}' (expected name or name>=version)"
  fi
  names+=("${BASH_REMATCH[1]}")
  kinds+=("${section}")
  if [[ "${section}" == build ]]; then wants+=("${BASH_REMATCH[2]}"); else wants+=("${BASH_REMATCH[3]:-}"); fi
done < "${pins_file}"
[[ -n "${release}" ]] || die "${pins_file}: no 'release: CODENAME' line"

# --- What the archive serves -------------------------------------------------------
installed_version() {  # NAME -> the installed version, or nothing
  local status
  status="$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null || true)"
  [[ "${status}" == installed\ * ]] && echo "${status#installed }"
  return 0
}

# NAME -> "version suite" lines, one per version the configured sources serve.
archive_versions() {
  apt-cache madison "$1" 2>/dev/null | awk -F'|' '
    { gsub(/^ +| +$/, "", $2); split($3, src, " "); split(src[2], suite, "/");
      print $2, suite[1] }'
}

from_release() {  # SUITE -> true when the suite belongs to ${release}
  [[ "$1" =~ ^${release}(-updates|-security|-proposed-updates)?$ ]]
}

# NAME -> the newest version the release serves, or nothing.
newest_in_release() {
  local best="" version suite
  while read -r version suite; do
    from_release "${suite}" || continue
    if [[ -z "${best}" ]] || dpkg --compare-versions "${version}" gt "${best}"; then best="${version}"; fi
  done < <(archive_versions "$1")
  echo "${best}"
}

in_release() {  # NAME VERSION -> true when the release serves exactly that version
  local version suite
  while read -r version suite; do
    [[ "${version}" == "$2" ]] && from_release "${suite}" && return 0
  done < <(archive_versions "$1")
  return 1
}

# Explains why NAME has no usable version in the release, and exits.
die_unavailable() {
  local name="$1" others
  others="$(archive_versions "${name}" | awk '{printf "%s%s (%s)", sep, $1, $2; sep=", "}')"
  if [[ -z "${others}" ]]; then
    die "${name}: no such package in the configured Debian archive"
  fi
  die "${name}: ${release} serves no usable version (the sources offer only: ${others})"
}

# True when apt can install NAME=VERSION without downgrading or removing any
# other package (a fresh system carries security updates that an old -dev
# package's exact dependency would have to undo).
installable() {
  local out
  # apt never downgrades a package it was not asked to, so a dependency that
  # would need one makes the simulation fail; removals are refused here.
  out="$(apt-get install -s -qq --no-install-recommends "$1=$2" 2>&1)" || return 1
  ! grep -q '^Remv ' <<<"${out}"
}

# Decides the version to install for package I (echoes it), or nothing when the
# installed one is acceptable. Warnings go to stderr.
resolve() {
  local name="${names[$1]}" kind="${kinds[$1]}" want="${wants[$1]}"
  local have newest
  have="$(installed_version "${name}")"
  if [[ "${kind}" == build ]]; then
    [[ "${have}" == "${want}" ]] && return 0
    if in_release "${name}" "${want}" && installable "${name}" "${want}"; then
      echo "${want}"; return 0
    fi
    newest="$(newest_in_release "${name}")"
    [[ -n "${newest}" ]] || die_unavailable "${name}"
    if in_release "${name}" "${want}"; then
      warn "${name}: tested version ${want} would downgrade other installed packages; using ${release}'s ${newest}"
    else
      warn "${name}: tested version ${want} is no longer in the archive; using ${release}'s ${newest}"
    fi
    [[ "${have}" == "${newest}" ]] || echo "${newest}"
    return 0
  fi
  # A test tool: any installed version at least the minimum is fine.
  if [[ -n "${have}" ]] && { [[ -z "${want}" ]] || dpkg --compare-versions "${have}" ge "${want}"; }; then
    return 0
  fi
  newest="$(newest_in_release "${name}")"
  [[ -n "${newest}" ]] || die_unavailable "${name}"
  if [[ -n "${want}" ]] && dpkg --compare-versions "${newest}" lt "${want}"; then
    warn "${name}: wants at least ${want}, ${release} serves ${newest}; using it"
  fi
  echo "${newest}"
}

# True when package I is acceptable as installed, judged without the network.
installed_ok() {
  local name="${names[$1]}" want="${wants[$1]}" have
  have="$(installed_version "${name}")"
  [[ -n "${have}" ]] || return 1
  if [[ "${kinds[$1]}" == build ]]; then
    [[ "${have}" == "${want}" ]] && return 0
    # Installed at another version: fine when that is the release's newest and
    # the tested one is gone (the warning says so every run until the pins move).
    in_release "${name}" "${want}" && return 1
    [[ "${have}" == "$(newest_in_release "${name}")" ]] || return 1
    warn "${name}: tested version ${want} is no longer in the archive; installed is ${have} (tools/update-pins.sh moves the pin)"
    return 0
  fi
  [[ -z "${want}" ]] || dpkg --compare-versions "${have}" ge "${want}"
}

# --- Resolve, install, verify ---------------------------------------------------------
declare -a todo=()
for i in "${!names[@]}"; do
  installed_ok "${i}" || todo+=("${i}")
done
if (( ${#todo[@]} == 0 )); then
  echo "setup.sh: all ${#names[@]} packages present"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if (( ! dry_run )); then
  [[ "$(id -u)" == 0 ]] || die "need root to install: $(for i in "${todo[@]}"; do printf '%s ' "${names[$i]}"; done)"
  apt-get update -qq -o DPkg::Lock::Timeout=300 || die "apt-get update failed"
fi

declare -a install=()
for i in "${todo[@]}"; do
  version="$(resolve "${i}")" || exit 1
  [[ -n "${version}" ]] && install+=("${names[$i]}=${version}")
done
if (( ${#install[@]} == 0 )); then
  echo "setup.sh: all ${#names[@]} packages present"
  exit 0
fi
if (( dry_run )); then
  echo "setup.sh: would install ${#install[@]} package(s): ${install[*]}"
  exit 0
fi

echo "setup.sh: installing ${#install[@]} package(s): ${install[*]}"
apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends --allow-downgrades \
  "${install[@]}" || die "apt-get install failed"

# A package manager that silently picked another version is a failure.
for pin in "${install[@]}"; do
  got="$(installed_version "${pin%%=*}")"
  [[ "${got}" == "${pin#*=}" ]] || die "${pin%%=*}: wanted ${pin#*=}, installed '${got}'"
done
# A running Bazel server keeps the package versions it read (the version stamp
# of //third_party/system:build_inputs.bzl): the next build starts a new one.
if command -v bazel >/dev/null && [[ -f "${repo_root}/WORKSPACE" ]]; then
  (cd "${repo_root}" && bazel shutdown >/dev/null 2>&1) || true
fi
echo "setup.sh: done"
