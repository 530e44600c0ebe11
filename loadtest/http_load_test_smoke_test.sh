#!/usr/bin/env bash
# Runs //loadtest:http for about 2 s per case against the real `aquatic http`
# on 127.0.0.1: keep-alive on, keep-alive off (a connection per request; also
# closed with resets), and TLS with keep-alive. Checks that announces were answered without failures
# or errors and that the RESULT line is there; also -p / -P round trip, -w,
# and the loopback-only rule.
set -uo pipefail

loadtest="$1"
aquatic="$2"
certificate="$(realpath "$3")"
private_key="$(realpath "$4")"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

server_pid=""
stop_server() {
  if [[ -n "${server_pid}" ]]; then
    kill "${server_pid}" 2>/dev/null
    wait "${server_pid}" 2>/dev/null
    server_pid=""
  fi
}
trap stop_server EXIT

port_in_use() {  # PORT: something listens on (or is connected from) it over TCP/IPv4
  grep -qi ":$(printf '%04X' "$1") " /proc/net/tcp
}

# start_aquatic NAME EXTRA_NETWORK_TOML: starts aquatic http on a free port,
# sets server_pid and port.
start_aquatic() {
  local name="$1" extra="$2"
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    port_in_use "${port}" && continue
    cat >"${tmp}/${name}.toml" <<TOML
socket_workers = 1
log_level = "error"
[network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
${extra}
[protocol]
max_response_peers = 50
[access_list]
mode = "allow"
path = "${tmp}/hashes.txt"
TOML
    "${aquatic}" http -c "${tmp}/${name}.toml" >"${tmp}/${name}.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 50); do
      if ! kill -0 "${server_pid}" 2>/dev/null; then break; fi
      if grep -qi " 0100007F:$(printf '%04X' "${port}") 00000000:0000 0A " /proc/net/tcp; then
        return 0
      fi
      sleep 0.1
    done
    stop_server
  done
  echo "FAIL: aquatic http (${name}) did not start: $(tail -n 3 "${tmp}/${name}.log")"
  exit 1
}

# run_case NAME NETWORK_TOML: runs the load tester for 2 s against ${port}.
run_case() {
  local name="$1" network="$2"
  cat >"${tmp}/${name}-load.toml" <<TOML
server_address = "127.0.0.1:${port}"
duration = 2
[network]
connections_per_worker = 16
${network}
[requests]
seed = 42
number_of_torrents = 1000
number_of_peers = 5000
TOML
  timeout 30 "${loadtest}" -c "${tmp}/${name}-load.toml" >"${tmp}/${name}.out" 2>"${tmp}/${name}.err"
  local code=$?
  echo "--- ${name}"
  cat "${tmp}/${name}.out"
  [[ ${code} == 0 ]] || fail "${name}: load test exited ${code}: $(cat "${tmp}/${name}.err")"
  local result
  result="$(tail -n 1 "${tmp}/${name}.out")"
  [[ "${result}" == RESULT\ announce_per_s=* ]] || fail "${name}: last line is not the RESULT line: ${result}"
  local announce errors fails
  announce="$(sed -n 's/.*announce_per_s=\([0-9]*\).*/\1/p' <<<"${result}")"
  [[ -n "${announce}" && "${announce}" -gt 0 ]] || fail "${name}: no announce responses: ${result}"
  fails="$(sed -n 's/.* failures=\([0-9]*\).*/\1/p' <<<"${result}")"
  [[ "${fails}" == 0 ]] || fail "${name}: failure responses: ${result}"
  errors="$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"${result}")"
  [[ "${errors}" == 0 ]] || fail "${name}: errors: ${result}"
  grep -q "announce/s" "${tmp}/${name}.out" || fail "${name}: no progress line"
}

# -p prints defaults that load back; -P shows the file's values.
"${loadtest}" -p >"${tmp}/defaults.toml" || fail "-p failed"
grep -q '^# ' "${tmp}/defaults.toml" || fail "-p printed no comments"
"${loadtest}" -c "${tmp}/defaults.toml" -P >"${tmp}/defaults2.toml" || fail "-c defaults -P failed"
cmp -s "${tmp}/defaults.toml" "${tmp}/defaults2.toml" || fail "-p output does not parse back to itself"
printf 'server_address = "127.0.0.1:4321"\n[network]\nkeep_alive = false\n' >"${tmp}/some.toml"
"${loadtest}" -c "${tmp}/some.toml" -P >"${tmp}/some.out" || fail "-P failed"
grep -q '^server_address = "127.0.0.1:4321"' "${tmp}/some.out" || fail "-P does not show server_address"
grep -q '^keep_alive = false' "${tmp}/some.out" || fail "-P does not show keep_alive"

# Only loopback targets.
printf 'server_address = "192.0.2.1:3000"\n' >"${tmp}/remote.toml"
"${loadtest}" -c "${tmp}/remote.toml" >/dev/null 2>"${tmp}/remote.err"
[[ $? == 2 ]] || fail "a non-loopback server_address was not refused with exit code 2"
grep -q "loopback" "${tmp}/remote.err" || fail "no loopback error: $(cat "${tmp}/remote.err")"

# -w writes the allow list (the same seed and torrents as the runs below).
printf '[requests]\nseed = 42\nnumber_of_torrents = 1000\ninfo_hash_file = "%s"\n' \
  "${tmp}/hashes.txt" >"${tmp}/hashes.toml"
"${loadtest}" -c "${tmp}/hashes.toml" -w 2>/dev/null || fail "-w failed"
[[ "$(wc -l <"${tmp}/hashes.txt")" == 1000 ]] || fail "info hash file has not 1000 lines"
grep -qvE '^[0-9a-f]{40}$' "${tmp}/hashes.txt" && fail "info hash file has a bad line"

start_aquatic keep-alive "keep_alive = true"
run_case keep-alive "keep_alive = true"
stop_server

start_aquatic no-keep-alive "keep_alive = false"
run_case no-keep-alive "keep_alive = false"
connects="$(sed -n 's/.* connects_per_s=\([0-9]*\).*/\1/p' <<<"$(tail -n 1 "${tmp}/no-keep-alive.out")")"
[[ -n "${connects}" && "${connects}" -gt 16 ]] || fail "keep-alive off did not reconnect per request"
run_case reset "keep_alive = false
close_with_reset = true"
stop_server

start_aquatic tls "keep_alive = true
enable_tls = true
tls_certificate_path = \"${certificate}\"
tls_private_key_path = \"${private_key}\""
run_case tls "keep_alive = true
enable_tls = true"
stop_server

if [[ ${failures} -gt 0 ]]; then
  echo "${failures} failure(s)"
  exit 1
fi
echo "PASS"
