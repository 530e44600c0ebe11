#!/usr/bin/env bash
# Runs //loadtest:ws for about 2 s against the real `aquatic ws` on
# 127.0.0.1 and checks that announces were answered, offers were relayed
# (and answers came back), with no failure replies or invalid messages, and
# that the RESULT line is there; also -p / -P round trip and the loopback-only
# rule.
set -uo pipefail

loadtest="$1"
aquatic="$2"
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

start_aquatic() {
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    port_in_use "${port}" && continue
    cat >"${tmp}/aquatic.toml" <<TOML
socket_workers = 1
log_level = "error"
[network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
max_connections = 100000
TOML
    "${aquatic}" ws -c "${tmp}/aquatic.toml" >"${tmp}/aquatic.log" 2>&1 &
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
  echo "FAIL: aquatic ws did not start: $(tail -n 3 "${tmp}/aquatic.log")"
  exit 1
}

field() {  # LINE KEY
  sed -n "s/.*[ ]$2=\\([^ ]*\\).*/\\1/p" <<<" $1"
}

# -p prints every key with comments and parses back (-P of it is the same).
"${loadtest}" -p >"${tmp}/defaults.toml" || fail "-p failed"
grep -q '^connections_per_worker = 100' "${tmp}/defaults.toml" || fail "-p: no connections_per_worker"
grep -q '^# ' "${tmp}/defaults.toml" || fail "-p: no comments"
"${loadtest}" -c "${tmp}/defaults.toml" -P >"${tmp}/effective.toml" || fail "-P failed"
cmp -s "${tmp}/defaults.toml" "${tmp}/effective.toml" || fail "-p does not round-trip through -P"

# Only loopback targets.
printf 'server_address = "192.0.2.1:3000"\n' >"${tmp}/remote.toml"
"${loadtest}" -c "${tmp}/remote.toml" >/dev/null 2>"${tmp}/remote.err"
[[ $? -eq 2 ]] || fail "a non-loopback server_address was not refused"
grep -q 'loopback' "${tmp}/remote.err" || fail "the refusal does not say loopback"

start_aquatic
cat >"${tmp}/load.toml" <<TOML
server_address = "127.0.0.1:${port}"
duration = 2
[network]
connections_per_worker = 20
[requests]
seed = 42
number_of_torrents = 20
TOML
timeout 30 "${loadtest}" -c "${tmp}/load.toml" >"${tmp}/load.out" 2>"${tmp}/load.err"
code=$?
cat "${tmp}/load.out"
[[ ${code} -eq 0 ]] || fail "load tester exit ${code}: $(tail -n 3 "${tmp}/load.err")"
kill -0 "${server_pid}" 2>/dev/null || fail "aquatic ws died: $(tail -n 3 "${tmp}/aquatic.log")"
result="$(tail -n 1 "${tmp}/load.out")"
[[ "${result}" == RESULT\ * ]] || fail "the last line is not RESULT: ${result}"
announces="$(field "${result}" announces)"
offers="$(field "${result}" offers_per_s)"
answers="$(field "${result}" answers_per_s)"
failures_seen="$(field "${result}" failures)"
invalid="$(field "${result}" invalid)"
[[ "${announces:-0}" -gt 0 ]] || fail "no announce responses"
[[ "${offers:-0}" -gt 0 ]] || fail "no offers relayed"
[[ "${answers:-0}" -gt 0 ]] || fail "no answers relayed"
[[ "${failures_seen:-1}" -eq 0 ]] || fail "${failures_seen} failure replies"
[[ "${invalid:-1}" -eq 0 ]] || fail "${invalid} invalid messages"
stop_server

if [[ ${failures} -ne 0 ]]; then
  echo "${failures} check(s) failed"
  exit 1
fi
echo PASS
