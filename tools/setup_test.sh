#!/usr/bin/env bash
# tools/setup.sh against a Debian archive that has moved on, without the
# network: a local file: archive with bookworm, bookworm-security,
# bookworm-backports and trixie suites, a dpkg database of its own, and real
# apt and dpkg-query pointed at both (APT_CONFIG, DPKG_ADMINDIR). setup.sh runs
# with --dry-run: it resolves exactly as it would before installing.
set -uo pipefail

setup="$1"
tmp="$(mktemp -d "${TEST_TMPDIR:-/tmp}/setup-test.XXXXXX")"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# --- The archive -----------------------------------------------------------------
# package NAME VERSION [DEPENDS]: one stanza of a Packages index.
package() {
  printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: t <t@example.org>\n' "$1" "$2"
  [[ -n "${3:-}" ]] && printf 'Depends: %s\n' "$3"
  printf 'Filename: pool/%s_%s_amd64.deb\nSize: 1\nDescription: test package\n\n' "$1" "$2"
}
# suite NAME: reads its Packages index from stdin.
suite() {
  mkdir -p "${tmp}/repo/dists/$1/main/binary-amd64"
  cat >"${tmp}/repo/dists/$1/main/binary-amd64/Packages"
  printf 'Suite: %s\nCodename: %s\nDate: Mon, 07 Dec 2026 00:00:00 UTC\nArchitectures: amd64\nComponents: main\n' \
    "$1" "$1" >"${tmp}/repo/dists/$1/Release"
  echo "deb [trusted=yes] file:${tmp}/repo $1 main" >>"${tmp}/etc/sources.list"
}

mkdir -p "${tmp}"/{etc/apt.conf.d,etc/preferences.d,etc/sources.list.d,state/lists/partial,cache/archives/partial,dpkg/updates,dpkg/info}
: >"${tmp}/etc/sources.list"
{
  package libexact 3.0-1;
  package libexact 3.0-2;
  package libgone 1.0-2;
  package zruntime 2.0-1;
  package zdev 2.0-1 "zruntime (= 2.0-1)";
  package libinstalled 5.0-1;
  package browser 150.0-1;
  package sslcli 3.0.20-1;
  package oldtool 1.0-1;
  package libfallback 1.0-2;
} | suite bookworm
{
  package zruntime 2.0-1+deb12u1;
  package zdev 2.0-1+deb12u1 "zruntime (= 2.0-1+deb12u1)";
  package browser 156.0-1;
} | suite bookworm-security
{
  package backportonly 1.0-1~bpo12+1;
} | suite bookworm-backports
{
  package backportonly 1.0-1;
  package libexact 4.0-1;
} | suite trixie

# Installed: the security update of zruntime (as on a fresh root), libinstalled
# at its tested version, an old sslcli, libfallback at the version setup.sh
# fell back to on an earlier run.
installed() { printf 'Package: %s\nStatus: install ok installed\nVersion: %s\nArchitecture: amd64\nMaintainer: t\nDescription: d\n\n' "$1" "$2"; }
{
  installed zruntime 2.0-1+deb12u1
  installed libinstalled 5.0-1
  installed sslcli 3.0.19-1
  installed libfallback 1.0-2
} >"${tmp}/dpkg/status"

cat >"${tmp}/apt.conf" <<EOC
Dir::Etc "${tmp}/etc";
Dir::Etc::SourceList "${tmp}/etc/sources.list";
Dir::Etc::SourceParts "${tmp}/etc/sources.list.d";
Dir::Etc::Parts "${tmp}/etc/apt.conf.d";
Dir::Etc::Preferences "${tmp}/etc/preferences";
Dir::Etc::PreferencesParts "${tmp}/etc/preferences.d";
Dir::Etc::Trusted "${tmp}/etc/trusted.gpg";
Dir::Etc::TrustedParts "${tmp}/etc/trusted.gpg.d";
Dir::State "${tmp}/state";
Dir::State::status "${tmp}/dpkg/status";
Dir::Cache "${tmp}/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Sandbox::User "$(id -un)";
Debug::NoLocking "true";
EOC
export APT_CONFIG="${tmp}/apt.conf" DPKG_ADMINDIR="${tmp}/dpkg"
apt-get update -qq >"${tmp}/update.log" 2>&1 || { cat "${tmp}/update.log"; echo "FAIL: apt-get update of the test archive"; exit 1; }

# --- The cases -----------------------------------------------------------------------
# run_setup PINS...: writes a pin file (release: bookworm) and runs setup.sh.
run_setup() {
  {
    echo "release: bookworm"
    for line in "$@"; do echo "${line}"; done
  } >"${tmp}/pins.txt"
  out="$("${setup}" --dry-run --pins "${tmp}/pins.txt" 2>&1)"
  code=$?
}
expect() {  # EXIT_CODE NEEDLE WHAT
  [[ "${code}" == "$1" ]] || fail "$3: exit ${code}, expected $1; output: ${out}"
  [[ "${out}" == *"$2"* ]] || fail "$3: '$2' missing in: ${out}"
}
refuse() {  # NEEDLE WHAT
  [[ "${out}" != *"$1"* ]] || fail "$2: unexpected '$1' in: ${out}"
}

run_setup "[build]" "libexact=3.0-1"
expect 0 "would install 1 package(s): libexact=3.0-1" "tested version still served: exactly it, not the newer one"
refuse "warning" "tested version still served"

run_setup "[build]" "libinstalled=5.0-1" "[test]" "sslcli"
expect 0 "all 2 packages present" "everything installed"

run_setup "[build]" "libgone=1.0-1"
expect 0 "libgone: tested version 1.0-1 is no longer in the archive; using bookworm's 1.0-2" \
  "tested version gone: warns naming both"
expect 0 "would install 1 package(s): libgone=1.0-2" "tested version gone: falls back"

run_setup "[build]" "zdev=2.0-1"
expect 0 "zdev: tested version 2.0-1 would downgrade other installed packages; using bookworm's 2.0-1+deb12u1" \
  "tested -dev needs an older runtime than installed: warns"
expect 0 "would install 1 package(s): zdev=2.0-1+deb12u1" "tested -dev needs an older runtime: falls back"

run_setup "[build]" "libfallback=1.0-1"
expect 0 "libfallback: tested version 1.0-1 is no longer in the archive; installed is 1.0-2" \
  "fallback already installed: warns again"
expect 0 "all 1 packages present" "fallback already installed: nothing to do"

run_setup "[test]" "browser>=120"
expect 0 "would install 1 package(s): browser=156.0-1" "test tool: the release's newest, security suite included"
refuse "warning" "test tool above its minimum"

run_setup "[test]" "sslcli>=3.0"
expect 0 "all 1 packages present" "test tool installed above its minimum: left alone"

run_setup "[test]" "oldtool>=99"
expect 0 "oldtool: wants at least 99, bookworm serves 1.0-1; using it" "test tool minimum not served: warns"
expect 0 "would install 1 package(s): oldtool=1.0-1" "test tool minimum not served: newest"

run_setup "[test]" "sslcli>=3.0.20"
expect 0 "would install 1 package(s): sslcli=3.0.20-1" "test tool below its minimum: upgraded"

run_setup "[build]" "libexact=3.0-1" "no-such-package=1.0" "libgone=1.0-1"
expect 1 "no-such-package: no such package in the configured Debian archive" "missing build input fails with its name"
refuse "would install" "missing build input"

run_setup "[test]" "no-such-tool"
expect 1 "no-such-tool: no such package" "missing test tool fails with its name"

run_setup "[build]" "backportonly=1.0-1~bpo12+1"
expect 1 "backportonly: bookworm serves no usable version (the sources offer only: 1.0-1 (trixie), 1.0-1~bpo12+1 (bookworm-backports))" \
  "only another release serves it: fails"

run_setup "libexact=3.0-1"
expect 1 "outside a [build] or [test] section" "line outside a section"

out="$("${setup}" --dry-run --pins "${tmp}/nonexistent" 2>&1)"; code=$?
expect 1 "cannot read" "missing pin file"

# The project's own pin file parses and every entry is well-formed.
# The project's own pin file is well-formed (dry run on the real archive: it
# may warn, and it must not fail).
repo_pins="$(dirname "${setup}")/../third_party/debian-packages.txt"
out="$(env -u APT_CONFIG -u DPKG_ADMINDIR "${setup}" --dry-run --pins "${repo_pins}" 2>&1)"; code=$?
expect 0 "setup.sh: " "the project's pin file"

rm -rf "${tmp}"
if (( failures > 0 )); then echo "${failures} failure(s)"; exit 1; fi
echo "setup.sh: all cases passed"
