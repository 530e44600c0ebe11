#!/usr/bin/env bash
# Runs //loadtest:udp for about 2 s against the no-op responder on 127.0.0.1
# and checks that announces were answered and the RESULT line is there; also
# -p / -P round trip, -w (info hashes and peer keys), a run with
# [requests] private_keys, and the loopback-only rule.
set -uo pipefail

loadtest="$1"
responder="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The responder picks a free port and says which; it exits by itself after 20 s.
"${responder}" 0 20 >"${tmp}/responder.out" 2>"${tmp}/responder.err" &
responder_pid=$!
trap 'kill "${responder_pid}" 2>/dev/null; wait "${responder_pid}" 2>/dev/null' EXIT
port=""
for _ in $(seq 50); do
  port="$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "${tmp}/responder.out")"
  [[ -n "${port}" ]] && break
  sleep 0.1
done
[[ -n "${port}" ]] || { echo "FAIL: responder did not start"; cat "${tmp}/responder.err"; exit 1; }

cat >"${tmp}/load.toml" <<TOML
server_address = "127.0.0.1:${port}"
duration = 2
[network]
sockets_per_worker = 2
[requests]
seed = 42
number_of_torrents = 1000
number_of_peers = 5000
info_hash_file = "${tmp}/hashes.txt"
key_file = "${tmp}/keys.txt"
TOML

# -p prints defaults that load back; -P shows the file's values.
"${loadtest}" -p >"${tmp}/defaults.toml" || fail "-p failed"
grep -q '^# ' "${tmp}/defaults.toml" || fail "-p printed no comments"
"${loadtest}" -c "${tmp}/defaults.toml" -P >"${tmp}/defaults2.toml" || fail "-c defaults -P failed"
cmp -s "${tmp}/defaults.toml" "${tmp}/defaults2.toml" || fail "-p output does not parse back to itself"
# Into a file first: `-P | grep -q` fails under pipefail whenever grep exits
# before -P has written everything (SIGPIPE).
"${loadtest}" -c "${tmp}/load.toml" -P >"${tmp}/load-printed.toml" ||
  fail "-c load.toml -P failed"
grep -q "^server_address = \"127.0.0.1:${port}\"" "${tmp}/load-printed.toml" ||
  fail "-P does not show the configured server_address"

# Only loopback targets.
printf 'server_address = "192.0.2.1:3000"\n' >"${tmp}/remote.toml"
"${loadtest}" -c "${tmp}/remote.toml" >/dev/null 2>"${tmp}/remote.err"
[[ $? == 2 ]] || fail "a non-loopback server_address was not refused with exit code 2"
grep -q "loopback" "${tmp}/remote.err" || fail "no loopback error: $(cat "${tmp}/remote.err")"

# -w writes the allow list and exits; the same seed gives the same list.
"${loadtest}" -c "${tmp}/load.toml" -w 2>/dev/null || fail "-w failed"
[[ "$(wc -l <"${tmp}/hashes.txt")" == 1000 ]] || fail "info hash file has not 1000 lines"
grep -qvE '^[0-9a-f]{40}$' "${tmp}/hashes.txt" && fail "info hash file has a bad line"
cp "${tmp}/hashes.txt" "${tmp}/hashes1.txt"
# ... and the keys of all 5000 peers: 32 letters and digits each, distinct,
# the same for any seed.
[[ "$(wc -l <"${tmp}/keys.txt")" == 5000 ]] || fail "key file has not 5000 lines"
grep -qvE '^[0-9A-Za-z]{32}$' "${tmp}/keys.txt" && fail "key file has a bad line"
[[ "$(sort -u "${tmp}/keys.txt" | wc -l)" == 5000 ]] || fail "key file repeats keys"
sed 's/^seed = 42$/seed = 43/; s/keys\.txt/keys43.txt/; /^info_hash_file/d' "${tmp}/load.toml" \
  >"${tmp}/keys43.toml"
"${loadtest}" -c "${tmp}/keys43.toml" -w 2>/dev/null || fail "-w with key_file alone failed"
cmp -s "${tmp}/keys.txt" "${tmp}/keys43.txt" || fail "another seed wrote other keys"

# The load run itself.
timeout 30 "${loadtest}" -c "${tmp}/load.toml" >"${tmp}/run.out" 2>"${tmp}/run.err"
code=$?
cat "${tmp}/run.out"
[[ ${code} == 0 ]] || fail "load test exited ${code}: $(cat "${tmp}/run.err")"
cmp -s "${tmp}/hashes.txt" "${tmp}/hashes1.txt" || fail "same seed wrote different info hashes"
result="$(tail -n 1 "${tmp}/run.out")"
[[ "${result}" == RESULT\ announce_per_s=* ]] || fail "last line is not the RESULT line: ${result}"
announce="$(sed -n 's/.*announce_per_s=\([0-9]*\).*/\1/p' <<<"${result}")"
[[ -n "${announce}" && "${announce}" -gt 0 ]] || fail "no announce responses: ${result}"
errors="$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"${result}")"
[[ "${errors}" == 0 ]] || fail "errors from the no-op responder: ${result}"
grep -q "connect/s" "${tmp}/run.out" || fail "no progress line"
[[ "${result}" == *" private_keys=0" ]] || fail "RESULT does not say private_keys=0: ${result}"

# Every announce with its peer's key (the responder does not check it).
cat >"${tmp}/private.toml" <<TOML
server_address = "127.0.0.1:${port}"
duration = 2
progress = false
[network]
sockets_per_worker = 2
[requests]
seed = 42
number_of_torrents = 1000
number_of_peers = 5000
weight_scrape = 0
private_keys = true
TOML
timeout 30 "${loadtest}" -c "${tmp}/private.toml" >"${tmp}/private.out" 2>&1 ||
  fail "private_keys run failed: $(tail -n 3 "${tmp}/private.out")"
result="$(tail -n 1 "${tmp}/private.out")"
[[ "${result}" == *" private_keys=1" ]] || fail "RESULT does not say private_keys=1: ${result}"
grep -q "^private tracker keys: each of the 5000 peers" "${tmp}/private.out" ||
  fail "the summary does not mention the keys"
announce="$(sed -n 's/.*announce_per_s=\([0-9]*\).*/\1/p' <<<"${result}")"
[[ -n "${announce}" && "${announce}" -gt 0 ]] || fail "no announce responses with keys: ${result}"

# Fill mode announces every peer once and stops early.
cat >"${tmp}/fill.toml" <<TOML
server_address = "127.0.0.1:${port}"
duration = 10
mode = "fill"
progress = false
[requests]
seed = 42
number_of_torrents = 100
number_of_peers = 3000
TOML
timeout 30 "${loadtest}" -c "${tmp}/fill.toml" >"${tmp}/fill.out" 2>&1 || fail "fill run failed"
grep -q "filled=3000 " "${tmp}/fill.out" || fail "fill did not answer 3000 peers: $(tail -n 1 "${tmp}/fill.out")"

if [[ ${failures} -gt 0 ]]; then
  echo "${failures} failure(s)"
  exit 1
fi
echo "PASS"
