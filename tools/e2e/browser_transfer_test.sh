#!/usr/bin/env bash
# Bazel test wrapper for tools/e2e/browser/webtorrent_transfer.mjs: two
# headless Chromium browsers transfer a file with WebTorrent through aquatic ws.
#
# Usage: browser_transfer_test.sh AQUATIC_BIN DRIVER [DRIVER_ARGS...]
#
# 1. Installs the npm packages pinned in the driver's package-lock.json
#    (`npm ci --ignore-scripts`: webtorrent's optional native addons do not
#    build here and the browser needs none; puppeteer-core downloads nothing)
#    into a cache folder named after the lock file's SHA-256, unless they are
#    there already. This needs the npm registry, so it comes before step 2.
# 2. Runs the driver in a network namespace of its own with only loopback up:
#    the tracker, the pages' server and both browsers can reach nothing else,
#    and nothing else on the machine can take their ports.
#
# Environment: AQUATIC_E2E_NPM_DIR replaces the cache folder's parent
# (default ${XDG_CACHE_HOME:-$HOME/.cache}/aquatic-e2e/browser-npm; Bazel
# runs tests without HOME, then it is the user's home directory from passwd).
# Exit codes are the driver's: 0 pass, 1 failed transfer, 2 setup error.
set -euo pipefail

die() { echo "browser_transfer_test: SETUP ERROR: $*" >&2; exit 2; }

(( $# >= 2 )) || die "usage: $0 AQUATIC_BIN DRIVER [DRIVER_ARGS...]"
aquatic="$1"
driver="$2"
shift 2
browser_dir="$(dirname "${driver}")"

# Bazel's strict test environment leaves the sbin folders out of PATH.
export PATH="${PATH}:/usr/sbin:/sbin"
for tool in node npm unshare ip flock sha256sum; do
  command -v "${tool}" >/dev/null || die "${tool} is not installed"
done

# --- npm packages ---------------------------------------------------------------
# The cache must outlive the test's own temporary folder, or every run would
# download the packages again. npm keeps its own download cache under HOME.
if [[ -z "${HOME:-}" ]]; then
  HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"
  [[ -n "${HOME}" ]] || die "HOME is not set and user $(id -u) has no home directory"
  export HOME
fi
cache_root="${AQUATIC_E2E_NPM_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/aquatic-e2e/browser-npm}"
lock_hash="$(sha256sum "${browser_dir}/package-lock.json" | cut -c1-16)"
npm_dir="${cache_root}/${lock_hash}"
mkdir -p "${cache_root}" || die "cannot create ${cache_root}"
# One installer at a time (tests may run in parallel); the marker is written
# last, so an install that was cut short is redone.
exec 9>"${cache_root}/.lock"
flock -w 600 9 || die "waited 10 minutes for ${cache_root}/.lock"
if [[ ! -e "${npm_dir}/.installed" ]]; then
  echo "installing npm packages into ${npm_dir} (npm ci --ignore-scripts)"
  rm -rf "${npm_dir}"
  mkdir -p "${npm_dir}"
  cp "${browser_dir}/package.json" "${browser_dir}/package-lock.json" "${npm_dir}/"
  started=${SECONDS}
  if ! (cd "${npm_dir}" && npm ci --ignore-scripts --no-audit --no-fund) \
      >"${npm_dir}/npm-ci.log" 2>&1; then
    cat "${npm_dir}/npm-ci.log" >&2
    die "npm ci failed (the npm registry must be reachable once)"
  fi
  touch "${npm_dir}/.installed"
  echo "npm ci took $((SECONDS - started)) s"
fi
exec 9>&-

# --- network namespace ----------------------------------------------------------
# A test that cannot isolate itself fails rather than skips: running the
# browsers on the host's network is not the same test.
unshare -n true 2>/dev/null ||
  die "cannot create a network namespace (unshare -n): this test needs root or CAP_SYS_ADMIN"
# A new namespace has only `lo`, down. Bringing it up adds 127.0.0.1 and ::1,
# unless the host has new namespaces inherit its settings
# (net.core.devconf_inherit_init_net) with IPv6 disabled: the IPv6 test needs
# ::1, so enable IPv6 on lo then.
# shellcheck disable=SC2016 # "$@" and $f are the inner shell's.
exec unshare -n -- sh -c '
  set -e
  ip link set lo up
  f=/proc/sys/net/ipv6/conf/lo/disable_ipv6
  if [ -w "$f" ] && [ "$(cat "$f")" = 1 ]; then echo 0 >"$f"; fi
  exec node "$@"
' sh "${driver}" --aquatic-bin="${aquatic}" --npm-dir="${npm_dir}" "$@"
