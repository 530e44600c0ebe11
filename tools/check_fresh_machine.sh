#!/usr/bin/env bash
# Does the README's setup work on a brand-new Debian 12 machine today?
#
# Makes a fresh Debian root with Debian's mmdebstrap (minbase: only what every
# Debian system has) from this machine's own Debian apt sources, clones the
# repository's HEAD into it, and there runs the README's first command
# (`tools/setup.sh && bazel run //tracker:aquatic -- udp`) with a config that
# binds 127.0.0.1 on a free port. Passes when the tracker answers a UDP connect
# and announce (tools/udp_probe.py). A warm machine cannot see a stale pin; a
# fresh root can: setup.sh there meets today's archive and today's security
# updates.
#
# Cached between runs under ${AQUATIC_FRESH_CACHE:-/var/cache/aquatic-cpp/fresh-root}:
# the bare root as a tarball (made again when older than a week, or when the
# apt sources change) and the downloaded .deb files. Needs root (chroot) and
# the network to the Debian archive.
#
# Usage: tools/check_fresh_machine.sh [--keep]   (--keep leaves the root for a look)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${AQUATIC_FRESH_CACHE:-/var/cache/aquatic-cpp/fresh-root}"
release="$(sed -n 's/^release: *//p' "${repo_root}/third_party/debian-packages.txt")"
keep=0
[[ "${1:-}" == "--keep" ]] && keep=1

say() { echo "check_fresh_machine: $*"; }
die() { say "FAIL: $*" >&2; exit 1; }

[[ "$(id -u)" == 0 ]] || die "needs root (mmdebstrap and chroot)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (tools/setup.sh installs it)"
[[ -n "${release}" ]] || die "no release in third_party/debian-packages.txt"
mkdir -p "${cache}/apt-archives/partial"

# This machine's Debian sources (the archive it is allowed to reach), not any
# third-party repository it also has.
sources="$(mktemp)"
work="$(mktemp -d /var/tmp/aquatic-fresh.XXXXXX)"
cleanup() {
  rm -f "${sources}"
  # --one-file-system: never into a mount, should one have escaped its namespace.
  if (( keep )); then say "root kept at ${work}/root"; else rm -rf --one-file-system "${work}"; fi
}
trap cleanup EXIT
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [[ -f "${file}" ]] || continue
  grep -qE 'debian\.org|debian-archive-keyring' "${file}" || continue
  if [[ "${file}" == *.sources ]]; then cat "${file}"; echo; else grep -E '^deb ' "${file}"; fi
done >"${sources}"
[[ -s "${sources}" ]] || die "no Debian apt sources on this machine"
sources_key="$(sha256sum "${sources}" | cut -c1-12)"

# --- The bare root ------------------------------------------------------------------
tarball="${cache}/${release}-minbase-${sources_key}.tar"
if [[ ! -f "${tarball}" ]] || [[ -n "$(find "${tarball}" -mtime +7)" ]]; then
  say "making a fresh ${release} root with mmdebstrap"
  rm -f "${cache}/${release}-minbase-"*.tar
  # unsafe-io: no fsync per file while unpacking (it survives into the root
  # and only makes dpkg faster there).
  # In a mount namespace of its own: a killed mmdebstrap leaves no mounts behind.
  rm -f "${tarball}.tmp"
  unshare --mount --propagation private \
    mmdebstrap --quiet --variant=minbase --format=tar --dpkgopt=force-unsafe-io \
    "${release}" "${tarball}.tmp" "${sources}" || die "mmdebstrap failed"
  mv "${tarball}.tmp" "${tarball}"
fi
say "root from ${tarball} ($(du -h "${tarball}" | cut -f1), made $(date -r "${tarball}" '+%F %R'))"
root="${work}/root"
mkdir -p "${root}"
tar -C "${root}" -xf "${tarball}"
cp /etc/resolv.conf "${root}/etc/resolv.conf"

# --- The repository, as a new user clones it -----------------------------------------------
git -c advice.detachedHead=false clone --quiet --no-hardlinks "${repo_root}" "${root}/work/aquatic-cpp"
say "cloned $(git -C "${root}/work/aquatic-cpp" log -1 --format='%h %s' | cut -c1-72)"

# The README's first command, with a config on loopback and a free port.
readme_cmd="$(sed -n 's/^    \(tools\/setup.sh && bazel run .*\)$/\1/p' "${repo_root}/README.md" | head -n 1)"
[[ -n "${readme_cmd}" ]] || die "README.md has no 'tools/setup.sh && bazel run' command"
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"${root}/work/udp.toml" <<EOF
[network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
EOF

# Inside the root: its own mount namespace (proc, dev, sys and the shared .deb
# cache disappear with it), this machine's network (the archive, loopback).
inner="${work}/inner.sh"
cat >"${inner}" <<'EOF'
set -euo pipefail
root="$1"; cache="$2"
mount -t proc proc "${root}/proc"
mount --rbind /dev "${root}/dev"
mount --rbind /sys "${root}/sys"
mount -t tmpfs tmpfs "${root}/tmp"
mount --bind "${cache}" "${root}/var/cache/apt/archives"
exec chroot "${root}" /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash -c "cd /work/aquatic-cpp && ${3} -c /work/udp.toml"
EOF
log="${work}/run.log"
say "running in the root: ${readme_cmd} -c udp.toml (log: ${log})"
start=${SECONDS}
unshare --mount --propagation private --fork \
  bash "${inner}" "${root}" "${cache}/apt-archives" "${readme_cmd}" >"${log}" 2>&1 &
runner=$!

# Setup and a cold build take minutes; the tracker then answers at once.
answered=0
while kill -0 "${runner}" 2>/dev/null && (( SECONDS - start < 2400 )); do
  if /usr/bin/python3 "${repo_root}/tools/udp_probe.py" 127.0.0.1 "${port}" --timeout 5 \
      >"${work}/probe.log" 2>&1; then
    answered=1
    break
  fi
done
took=$((SECONDS - start))
# Stop everything that runs inside the root: the tracker, Bazel's server.
for attempt in 1 2 3 4 5; do
  left=0
  for proc in /proc/[0-9]*; do
    [[ "$(readlink "${proc}/root" 2>/dev/null)" == "${root}" ]] || continue
    kill -9 "${proc#/proc/}" 2>/dev/null || true
    left=1
  done
  (( left )) || break
  sleep 1
done
wait "${runner}" 2>/dev/null || true

grep -E '^setup\.sh: (warning|installing|all|done)' "${log}" | cut -c1-200 || true
if (( ! answered )); then
  tail -n 30 "${log}" >&2
  cat "${work}/probe.log" >&2 || true
  die "the tracker did not answer within ${took} s"
fi
say "$(cat "${work}/probe.log")"
say "OK: a fresh ${release} root set up, built and served in ${took} s"
