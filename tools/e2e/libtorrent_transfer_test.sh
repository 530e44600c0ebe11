#!/usr/bin/env bash
# Bazel test wrapper: runs tools/e2e/libtorrent_transfer.py with Debian's
# /usr/bin/python3 (the only interpreter that imports python3-libtorrent).
# Usage: libtorrent_transfer_test.sh SCRIPT [ARGS...]
set -euo pipefail
script="$1"; shift
exec /usr/bin/python3 "${script}" "$@"
