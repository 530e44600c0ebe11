#!/usr/bin/env bash
# The first hour of an operator with the built `aquatic`, over real processes,
# sockets and signals (needs root, as CI runs it: privileges are dropped):
#   - a second instance, or HTTP and WebTorrent given one port, fails at start
#     naming the address ("already in use"), UDP and TCP;
#   - the start line names the version, every bound address, the metrics
#     endpoint, the workers and the open-files limit; a fatal error has the
#     log's time stamp and level; the last line says it stopped;
#   - SIGHUP reloads like SIGUSR1, with a line saying what changed; a bad
#     file reloaded again and again is logged once;
#   - after chroot and privilege drop, an access list, a client filter and a
#     TLS certificate inside the chroot are re-read; one outside is refused at
#     start; the SQLite storage, opened before the drop, still writes the
#     counts;
#   - /metrics: counters end in _total, aquatic_build_info,
#     process_start_time_seconds, other paths 404;
#   - a low open-files limit is raised (or the warning names the numbers).
# Usage: operator_test.sh AQUATIC UDP_PROBE CERTIFICATE KEY
set -uo pipefail

aquatic="$(realpath "$1")"
probe="$(realpath "$2")"
certificate="$(realpath "$3")"
key="$(realpath "$4")"
tmp="$(mktemp -d "${TEST_TMPDIR:-/tmp}/operator.XXXXXX")"
chmod 755 "${tmp}"
failures=0
pids=()

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "${pid}" 2>/dev/null; done
  rm -rf "${tmp}"
}
trap cleanup EXIT

[[ "$(id -u)" == 0 ]] || { echo "FAIL: needs root (privileges are dropped); CI runs tests as root"; exit 1; }

free_port() {
  /usr/bin/python3 -c 'import socket
for kind in (socket.SOCK_STREAM,):
    s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME ARGS...: runs aquatic in the background, logs in ${tmp}/NAME.log,
# waits (at most 5 s) for its start line; sets `pid`. Returns 1 if it exited.
start() {
  local name="$1"; shift
  "${aquatic}" "$@" >"${tmp}/${name}.out" 2>"${tmp}/${name}.log" &
  pid=$!
  pids+=("${pid}")
  for _ in $(seq 50); do
    grep -q " serving " "${tmp}/${name}.log" 2>/dev/null && return 0
    kill -0 "${pid}" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# stop PID: SIGTERM and wait; sets `code` to the exit code.
stop() {
  kill -TERM "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  code=$?
}

# wait_for FILE PATTERN: up to 5 s for PATTERN in FILE.
wait_for() {
  for _ in $(seq 50); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

http_get() {  # PORT PATH: "STATUS\nBODY"
  /usr/bin/python3 - "$1" "$2" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
c.request("GET", sys.argv[2])
r = c.getresponse()
print(r.status)
print(r.read().decode("utf-8", "replace"))
PY
}

# --- one port, one tracker ------------------------------------------------------------
port="$(free_port)"
cat >"${tmp}/udp.toml" <<EOF
[network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
[statistics]
run_prometheus_endpoint = true
prometheus_endpoint_address = "127.0.0.1:0"
EOF
if start first-udp udp -c "${tmp}/udp.toml"; then
  first_udp=${pid}
  "${aquatic}" udp -c "${tmp}/udp.toml" >/dev/null 2>"${tmp}/second-udp.log"
  code=$?
  [[ "${code}" == 1 ]] || fail "a second aquatic udp on port ${port} exited ${code}, not 1"
  grep -q "bind 127.0.0.1:${port} (udp): already in use" "${tmp}/second-udp.log" ||
    fail "second udp instance: no 'already in use' line: $(cat "${tmp}/second-udp.log")"
  grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z ERROR aquatic: bind' "${tmp}/second-udp.log" ||
    fail "the fatal error lacks the log's time stamp and level: $(cat "${tmp}/second-udp.log")"
  # The start line: version, address, metrics endpoint, workers, open files.
  line="$(grep " serving " "${tmp}/first-udp.log")"
  for part in "aquatic-cpp " "udp on 127.0.0.1:${port}" "metrics on http://127.0.0.1:" \
      "1 socket worker" "open files limit "; do
    [[ "${line}" == *"${part}"* ]] || fail "start line lacks '${part}': ${line}"
  done
  # /metrics: names and types.
  metrics_port="$(sed -n 's|.*metrics on http://127.0.0.1:\([0-9]*\)/metrics.*|\1|p' "${tmp}/first-udp.log")"
  /usr/bin/python3 "${probe}" 127.0.0.1 "${port}" --timeout 5 >/dev/null || fail "udp probe"
  metrics="$(http_get "${metrics_port}" /metrics)"
  for expected in $'^200$' '# TYPE aquatic_completed_downloads_total counter' \
      '# TYPE aquatic_requests_total counter' 'aquatic_build_info{version="' \
      '# TYPE process_start_time_seconds gauge' 'protocol="udp",type="announce",ip_version="4"} 1'; do
    grep -qE -- "${expected}" <<<"${metrics}" || grep -qF -- "${expected}" <<<"${metrics}" ||
      fail "/metrics lacks ${expected}"
  done
  # Every counter's name ends in _total.
  grep -E '^# TYPE [a-z_]+ counter$' <<<"${metrics}" | grep -vE '_total counter$' &&
    fail "a counter without _total"
  [[ "$(http_get "${metrics_port}" /other | head -n 1)" == 404 ]] || fail "/other is not a 404"
  stop "${first_udp}"
  [[ "${code}" == 0 ]] || fail "aquatic udp exited ${code} after SIGTERM"
  tail -n 1 "${tmp}/first-udp.log" | grep -q "INFO stopped" || fail "no last line 'stopped'"
else
  fail "aquatic udp did not start: $(cat "${tmp}/first-udp.log")"
fi

# TCP: the same protocol twice, and HTTP then WebTorrent on one port.
port="$(free_port)"
printf '[network]\naddress_ipv4 = "127.0.0.1:%s"\nuse_ipv6 = false\n' "${port}" >"${tmp}/tcp.toml"
if start first-http http -c "${tmp}/tcp.toml"; then
  for protocol in http ws; do
    "${aquatic}" "${protocol}" -c "${tmp}/tcp.toml" >/dev/null 2>"${tmp}/second-${protocol}.log"
    code=$?
    [[ "${code}" == 1 ]] || fail "aquatic ${protocol} on the port of aquatic http exited ${code}"
    grep -q "bind 127.0.0.1:${port} (tcp): already in use" "${tmp}/second-${protocol}.log" ||
      fail "aquatic ${protocol} on a used TCP port: $(cat "${tmp}/second-${protocol}.log")"
  done
  stop "${pid}"
else
  fail "aquatic http did not start: $(cat "${tmp}/first-http.log")"
fi

# --- reloads after chroot and privilege drop --------------------------------------------
jail="${tmp}/jail"
mkdir -p "${jail}/etc"
chmod 755 "${jail}" "${jail}/etc"
hash_a="$(printf 'a%.0s' $(seq 40))"
hash_b="$(printf 'b%.0s' $(seq 40))"
echo "${hash_a}" >"${jail}/etc/allow.txt"
echo "-XX" >"${jail}/etc/clients.txt"
cp "${certificate}" "${jail}/etc/cert.pem"
cp "${key}" "${jail}/etc/key.pem"
chmod 644 "${jail}"/etc/*
port="$(free_port)"
cat >"${tmp}/jailed.toml" <<EOF
[udp.network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
[http]
enabled = true
[http.network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
enable_tls = true
tls_certificate_path = "${jail}/etc/cert.pem"
tls_private_key_path = "${jail}/etc/key.pem"
[privileges]
drop_privileges = true
chroot_path = "${jail}"
user = "nobody"
[access_list]
mode = "allow"
path = "${jail}/etc/allow.txt"
[client_filter]
mode = "deny"
path = "${jail}/etc/clients.txt"
[storage]
backend = "sqlite"
path = "${tmp}/jailed.sqlite3"
flush_interval = 1
EOF
# LeakSanitizer (in the sanitizer builds) reads /proc at exit, which the
# chroot hides: it would fail the clean exit below.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
if start jailed run -c "${tmp}/jailed.toml"; then
  echo "${hash_b}" >>"${jail}/etc/allow.txt"
  echo "-YY" >>"${jail}/etc/clients.txt"
  kill -HUP "${pid}"
  wait_for "${tmp}/jailed.log" "SIGHUP: access list reloaded: 2 info hashes (1 added, 0 removed)" ||
    fail "SIGHUP did not reload the access list inside the chroot: $(tail -n 3 "${tmp}/jailed.log")"
  wait_for "${tmp}/jailed.log" "SIGHUP: client filter reloaded: 2 peer id prefixes" ||
    fail "SIGHUP did not reload the client filter inside the chroot: $(tail -n 3 "${tmp}/jailed.log")"
  wait_for "${tmp}/jailed.log" "http: TLS certificate reloaded: subject " ||
    fail "no TLS reload line: $(tail -n 3 "${tmp}/jailed.log")"
  kill -USR1 "${pid}"
  wait_for "${tmp}/jailed.log" "SIGUSR1: access list reloaded: 2 info hashes (0 added, 0 removed)" ||
    fail "SIGUSR1 did not reload: $(tail -n 3 "${tmp}/jailed.log")"
  kill -0 "${pid}" 2>/dev/null || fail "the tracker died on SIGHUP"
  # A download counted after the drop is written through the file opened
  # before it (outside the chroot, owned by root).
  /usr/bin/python3 "${probe}" 127.0.0.1 "${port}" --timeout 5 --info-hash "${hash_b}" --completed \
    >/dev/null || fail "udp probe with event=completed inside the chroot"
  sleep 2
  grep -q "reload failed" "${tmp}/jailed.log" && fail "a reload failed: $(grep 'reload failed' "${tmp}/jailed.log")"
  # A bad file reloaded again and again is logged once, and the good one
  # after it says how many reloads failed.
  cp "${jail}/etc/allow.txt" "${tmp}/allow.good"
  echo "not an info hash" >>"${jail}/etc/allow.txt"
  for _ in 1 2 3 4 5; do kill -USR1 "${pid}"; sleep 0.2; done
  cp "${tmp}/allow.good" "${jail}/etc/allow.txt"
  kill -USR1 "${pid}"
  wait_for "${tmp}/jailed.log" "info hashes (0 added, 0 removed) after 5 failed reloads" ||
    fail "no reload line after the failed ones: $(tail -n 3 "${tmp}/jailed.log")"
  failed_lines="$(grep -c "access list reload failed" "${tmp}/jailed.log")"
  [[ "${failed_lines}" == 1 ]] || fail "5 failed reloads logged ${failed_lines} lines, not 1"
  stop "${pid}"
  [[ "${code}" == 0 ]] ||
    fail "the jailed tracker exited ${code} after SIGTERM: $(tail -n 5 "${tmp}/jailed.log")"
  grep -q "ERROR storage" "${tmp}/jailed.log" &&
    fail "storage failed after the privilege drop: $(grep 'ERROR storage' "${tmp}/jailed.log")"
  stored="$(/usr/bin/python3 -c 'import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT completed FROM aquatic_torrents WHERE swarm = ? AND info_hash = ?",
    ("ip", sys.argv[2])).fetchall()
print(rows[0][0] if rows else 0)' "${tmp}/jailed.sqlite3" "${hash_b}")"
  [[ "${stored}" == 1 ]] || fail "the jailed tracker stored ${stored} completions of ${hash_b}, not 1"
else
  fail "the jailed tracker did not start: $(cat "${tmp}/jailed.log")"
fi

# Outside the chroot, or unreadable by the user: refused at start.
cp "${jail}/etc/allow.txt" "${tmp}/allow-outside.txt"
sed "/^\[access_list\]/,/^\[/ s|^path = .*|path = \"${tmp}/allow-outside.txt\"|" "${tmp}/jailed.toml" \
  >"${tmp}/outside.toml"
"${aquatic}" run -c "${tmp}/outside.toml" >/dev/null 2>"${tmp}/outside.log"
[[ $? == 1 ]] || fail "a tracker with its access list outside the chroot started"
grep -q "\[access_list\] path: ${tmp}/allow-outside.txt is outside \[privileges\] chroot_path" \
  "${tmp}/outside.log" || fail "outside the chroot: $(cat "${tmp}/outside.log")"
chmod 600 "${jail}/etc/key.pem"
"${aquatic}" run -c "${tmp}/jailed.toml" >/dev/null 2>"${tmp}/unreadable.log"
[[ $? == 1 ]] || fail "a tracker whose TLS key nobody cannot read started"
grep -q "\[http.network\] tls_private_key_path: ${jail}/etc/key.pem is not readable by user nobody (mode 600)" \
  "${tmp}/unreadable.log" || fail "unreadable key: $(cat "${tmp}/unreadable.log")"

# --- a low open-files limit ---------------------------------------------------------------
port="$(free_port)"
printf '[network]\naddress_ipv4 = "127.0.0.1:%s"\nuse_ipv6 = false\n' "${port}" >"${tmp}/limit.toml"
(
  ulimit -n 256
  exec "${aquatic}" http -c "${tmp}/limit.toml" 2>"${tmp}/limit.log"
) &
pid=$!
pids+=("${pid}")
if wait_for "${tmp}/limit.log" " serving "; then
  soft="$(awk '/^Max open files/ {print $4}' "/proc/${pid}/limits")"
  if grep -q "open files: soft limit raised from 256 to " "${tmp}/limit.log"; then
    (( soft > 256 )) || fail "the log says raised, the limit is ${soft}"
  else
    grep -q "open files: soft limit .* is below the .* descriptors" "${tmp}/limit.log" ||
      fail "neither raised nor warned at ulimit -n 256: $(cat "${tmp}/limit.log")"
  fi
  stop "${pid}"
else
  fail "aquatic http under ulimit -n 256 did not start: $(cat "${tmp}/limit.log")"
fi

if (( failures > 0 )); then
  echo "${failures} check(s) failed"
  exit 1
fi
echo "all operator checks passed"
