#!/usr/bin/env bash
# Soak: `aquatic run` serving UDP, HTTPS and WebTorrent over shared swarms for
# DURATION seconds (default 120) under the three load testers at once (UDP
# announces and scrapes, HTTPS announces on a fresh connection each, WebTorrent
# announces with offers and answers), with a SIGUSR1 reload and an API write
# every second, and these fault steps in turn after a warm-up of a quarter of
# the run (at least 20 s):
#   reload-storm     100 SIGUSR1 a second for 10 s, the access-list file made
#                    invalid for the middle of it (the old list must stay)
#   bad-certificate  the TLS certificate replaced by garbage and reloaded (the
#                    old one must stay: HTTPS handshakes go on), then restored
#   out-of-files     the tracker's open-files limit lowered to what it holds
#                    plus 8 (prlimit) while 60 extra connections are opened,
#                    for 5 s, then restored: it must keep answering UDP,
#                    and accept HTTPS again afterwards
#   full-disk        the tracker's file-size limit set to 1 byte (prlimit
#                    --fsize: the SQLite file and the statistics page can no
#                    longer grow) for 5 s, then lifted: it must keep serving
#                    and write its page again afterwards
# Peers expire after 20 s (cleaning every 5 s), so the swarms reach a steady
# size during the warm-up. Every second it samples the tracker's resident
# memory, open descriptors and threads. It ends with a table of the samples
# (every tenth) and the fault steps, then one line:
#   soak: S s, requests R, errors E, rss start A MiB end B MiB max C MiB, fds start F end G, faults survived K/N
# where R counts the load testers' answered requests, E the error responses
# and failure reasons they got (none is expected: no fault step refuses a
# request), "start" is after the warm-up. Exits 1 when the tracker died, a
# fault step was not survived, E > 0, RSS end > 1.1 x start, or fds end >
# start + 16.
#
# Environment: SOAK_PORT=39600 (first of the 5 loopback ports used),
# SOAK_SKIP_BUILD=1 (use the --config=opt binaries already built).
# Needs python3 and prlimit (util-linux). Loopback only.
set -uo pipefail

DURATION="${1:-120}"
[[ "${DURATION}" =~ ^[0-9]+$ && "${DURATION}" -ge 60 ]] || {
  echo "usage: tools/soak.sh [SECONDS >= 60]" >&2
  exit 2
}
source "$(dirname "${BASH_SOURCE[0]}")/bench/lib.sh" || exit 1
BENCH_SKIP_BUILD="${SOAK_SKIP_BUILD:-}"
PORT="${SOAK_PORT:-39600}"
UDP_PORT="${PORT}" HTTP_PORT="$((PORT + 1))" WS_PORT="$((PORT + 2))"
API_PORT="$((PORT + 3))" METRICS_PORT="$((PORT + 4))"
TOKEN="soak-api-token-0123456789"
WARMUP=$((DURATION / 4 < 20 ? 20 : DURATION / 4))

bench_init
command -v prlimit >/dev/null || die "prlimit (util-linux) is missing"
command -v python3 >/dev/null || die "python3 is missing"
make_work_dir soak
loader_pids=()
soak_cleanup() {
  for pid in "${loader_pids[@]}"; do kill "${pid}" 2>/dev/null; done
  cleanup
}
trap soak_cleanup EXIT
build_and_copy //tracker:aquatic //loadtest:udp //loadtest:http //loadtest:ws
AQUATIC="${work}/bin/aquatic"

# --- the tracker -----------------------------------------------------------------
mkdir -p "${work}/db" "${work}/page"
cp tracker/server/testdata/certificate.pem tracker/server/testdata/private_key.pem "${work}/"
cp "${work}/certificate.pem" "${work}/certificate.good"
cat >"${work}/tracker.toml" <<TOML
socket_workers = 1
log_level = "info"
[statistics]
interval = 1
write_html_to_file = true
html_file_path = "${work}/page/stats.html"
run_prometheus_endpoint = true
prometheus_endpoint_address = "127.0.0.1:${METRICS_PORT}"
[cleaning]
torrent_cleaning_interval = 5
max_peer_age = 20
[access_list]
mode = "allow"
path = "${work}/allow.txt"
[storage]
backend = "sqlite"
path = "${work}/db/aquatic.sqlite3"
flush_interval = 1
[api]
enabled = true
address = "127.0.0.1:${API_PORT}"
access_tokens = ["${TOKEN}"]
[udp.network]
address_ipv4 = "127.0.0.1:${UDP_PORT}"
use_ipv6 = false
[http]
enabled = true
[http.network]
address_ipv4 = "127.0.0.1:${HTTP_PORT}"
use_ipv6 = false
enable_tls = true
tls_certificate_path = "${work}/certificate.pem"
tls_private_key_path = "${work}/private_key.pem"
[ws]
enabled = true
[ws.network]
address_ipv4 = "127.0.0.1:${WS_PORT}"
use_ipv6 = false
TOML
# --- the load ----------------------------------------------------------------------
cat >"${work}/udp.toml" <<TOML
server_address = "127.0.0.1:${UDP_PORT}"
duration = ${DURATION}
progress = false
[network]
sockets_per_worker = 2
max_requests_in_flight = 16
[requests]
number_of_torrents = 10000
number_of_peers = 20000
seed = 7
info_hash_file = "${work}/allow.txt"
TOML
cat >"${work}/http.toml" <<TOML
server_address = "127.0.0.1:${HTTP_PORT}"
duration = ${DURATION}
progress = false
[network]
connections_per_worker = 8
keep_alive = false
enable_tls = true
request_timeout_ms = 5000
[requests]
number_of_torrents = 10000
number_of_peers = 20000
seed = 7
TOML
cat >"${work}/ws.toml" <<TOML
server_address = "127.0.0.1:${WS_PORT}"
duration = ${DURATION}
progress = false
[network]
connections_per_worker = 20
[requests]
number_of_torrents = 10000
number_of_peers = 2000
seed = 7
TOML
# The three load testers draw the same torrents (same seed and count): the
# UDP one writes them as the allow list.
"${work}/bin/udp" -c "${work}/udp.toml" -w >/dev/null 2>&1 || die "writing the allow list failed"
cp "${work}/allow.txt" "${work}/allow.good"

"${AQUATIC}" run -c "${work}/tracker.toml" >"${work}/tracker.log" 2>&1 &
server_pid=$!
await_server aquatic "${WS_PORT}" tcp "${work}/tracker.log" 100 || die "the tracker did not start"

for kind in udp http ws; do
  "${work}/bin/${kind}" -c "${work}/${kind}.toml" >"${work}/${kind}.out" 2>"${work}/${kind}.err" &
  loader_pids+=($!)
done

# --- probes and samples ---------------------------------------------------------
alive() { kill -0 "${server_pid}" 2>/dev/null; }
udp_answers() { python3 tools/udp_probe.py 127.0.0.1 "${UDP_PORT}" --timeout 3 >/dev/null 2>&1; }
# An HTTPS announce answered (a bencoded dictionary), certificate unchecked.
https_answers() {
  python3 - "${HTTP_PORT}" <<'PY' >/dev/null 2>&1
import socket, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3) as raw:
    with context.wrap_socket(raw) as tls:
        tls.sendall(b"GET /announce?info_hash=soaksoaksoaksoaksoak&peer_id=-SK0001-soaksoaksoa"
                    b"&port=6881&left=0 HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n")
        reply = b""
        while True:
            chunk = tls.recv(4096)
            if not chunk:
                break
            reply += chunk
sys.exit(0 if b"\r\n\r\nd" in reply and b"failure" not in reply else 1)
PY
}
# An API write and its undo: a hash the load never uses added to the allow
# list and removed again.
api_write() {
  python3 - "${API_PORT}" "${TOKEN}" "$1" <<'PY' >/dev/null 2>&1
import http.client, sys
port, token, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
info_hash = "%040x" % (0xa000 + n % 1000)
for method in ("POST", "DELETE"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    connection.request(method, "/api/v1/whitelist/" + info_hash,
                       headers={"Authorization": "Bearer " + token})
    if connection.getresponse().status != 200:
        sys.exit(1)
PY
}
fd_count() { find "/proc/${server_pid}/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
threads() { awk '/^Threads:/ {print $2}' "/proc/${server_pid}/status" 2>/dev/null || echo 0; }
errors_logged() { grep -c ' ERROR ' "${work}/tracker.log"; }

samples="${work}/samples"
: >"${samples}"
api_failures=0
sample() {  # SECOND: one line "second rss_mib fds threads"
  echo "$1 $(($(rss_kb "${server_pid}") / 1024)) $(fd_count) $(threads)" >>"${samples}"
}
# One second of background activity: a reload, an API write, a sample.
tick() {
  kill -USR1 "${server_pid}" 2>/dev/null
  api_write "$1" || api_failures=$((api_failures + 1))
  sample "$1"
}

faults_total=0
faults_survived=0
fault_rows=()
fault_result() {  # NAME OK DETAIL
  faults_total=$((faults_total + 1))
  local verdict=FAILED
  if [[ "$2" == yes ]] && alive; then
    faults_survived=$((faults_survived + 1))
    verdict=survived
  fi
  fault_rows+=("$1|${verdict}|$3")
  log "fault ${1}: ${verdict} (${3})"
}

reload_storm() {
  local before ok=yes
  before="$(errors_logged)"
  for step in $(seq 1000); do
    (( step == 300 )) && printf 'not an info hash\n' >"${work}/allow.txt"
    (( step == 700 )) && cp "${work}/allow.good" "${work}/allow.txt"
    kill -USR1 "${server_pid}" 2>/dev/null || break
    sleep 0.01
  done
  sleep 0.5
  kill -USR1 "${server_pid}"
  sleep 0.5
  udp_answers || ok=no
  (( $(errors_logged) > before )) || ok=no  # the bad file was noticed
  tail -n 50 "${work}/tracker.log" | grep -q 'access list reloaded' || ok=no
  fault_result reload-storm "${ok}" "1000 reloads in ~10 s, $(($(errors_logged) - before)) ERROR lines"
}

bad_certificate() {
  local before ok=yes
  before="$(errors_logged)"
  head -c 700 /dev/urandom | base64 >"${work}/certificate.pem"
  kill -USR1 "${server_pid}"
  sleep 1
  https_answers || ok=no
  (( $(errors_logged) > before )) || ok=no
  cp "${work}/certificate.good" "${work}/certificate.pem"
  kill -USR1 "${server_pid}"
  sleep 1
  https_answers || ok=no
  fault_result bad-certificate "${ok}" "old certificate kept, HTTPS answered"
}

out_of_files() {
  local ok=yes held limit
  held="$(fd_count)"
  limit="$(prlimit --pid "${server_pid}" --nofile --raw --noheadings | awk '{print $2":"$3}')"
  prlimit --pid "${server_pid}" --nofile="$((held + 8)):${limit#*:}" || { fault_result out-of-files no "prlimit failed"; return; }
  python3 - "${HTTP_PORT}" <<'PY' &
import socket, sys, time
held = []
for _ in range(60):
    try:
        held.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2))
    except OSError:
        pass
time.sleep(5)
PY
  local holder=$!
  sleep 2
  udp_answers || ok=no
  wait "${holder}"
  prlimit --pid "${server_pid}" --nofile="${limit}"
  sleep 2
  https_answers || ok=no
  fault_result out-of-files "${ok}" "open-files limit ${held}+8 for 5 s with 60 extra connections"
}

full_disk() {
  local ok=yes page_before page_after
  prlimit --pid "${server_pid}" --fsize=1 || { fault_result full-disk no "prlimit failed"; return; }
  sleep 5
  udp_answers || ok=no
  https_answers || ok=no
  page_before="$(stat -c %Y "${work}/page/stats.html" 2>/dev/null || echo 0)"
  prlimit --pid "${server_pid}" --fsize=unlimited
  sleep 3
  page_after="$(stat -c %Y "${work}/page/stats.html" 2>/dev/null || echo 0)"
  (( page_after > page_before )) || ok=no
  fault_result full-disk "${ok}" "no file could grow for 5 s; page written again after"
}

log "soak: ${DURATION} s, warm-up ${WARMUP} s; tracker pid ${server_pid}"
start_time="$(date +%s)"
second=0
faults=(reload_storm bad_certificate out_of_files full_disk)
next_fault=0
while (( second < DURATION - 2 )) && alive; do
  if (( second >= WARMUP && next_fault < ${#faults[@]} && second % 15 == 0 )); then
    "${faults[next_fault]}"
    next_fault=$((next_fault + 1))
  else
    tick "${second}"
    sleep 1
  fi
  second=$(($(date +%s) - start_time))
  (( second % 10 == 0 )) && log "${second} s: rss $(($(rss_kb "${server_pid}") / 1024)) MiB, fds $(fd_count)"
done
sample "${second}"
for name in "${faults[@]:next_fault}"; do fault_result "${name//_/-}" no "not reached before the end"; done

# --- the results -------------------------------------------------------------------
for pid in "${loader_pids[@]}"; do wait "${pid}"; done
loader_pids=()
requests=0
errors=0
for kind in udp http ws; do
  result="$(grep '^RESULT ' "${work}/${kind}.out" | tail -n 1)"
  [[ -n "${result}" ]] || { log "${kind} load tester printed no RESULT: $(tail -n 3 "${work}/${kind}.err" | tr '\n' ' ')"; errors=$((errors + 1)); continue; }
  requests=$((requests + $(field "${result}" announces)))
  case "${kind}" in
    udp) errors=$((errors + $(field "${result}" errors))) ;;
    http | ws) errors=$((errors + $(field "${result}" failures))) ;;
  esac
done
still_alive=yes
alive || still_alive=no

read -r rss_start fds_start < <(awk -v w="${WARMUP}" '$1 >= w {print $2, $3; exit}' "${samples}")
read -r rss_end fds_end < <(tail -n 1 "${samples}" | awk '{print $2, $3}')
rss_max="$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "${samples}")"

echo
echo "Soak samples (every 10th second)"
table_header "-8 9 6 8" second "rss MiB" fds threads
awk 'NR % 10 == 1' "${samples}" | while read -r s r f t; do table_row "-8 9 6 8" "${s}" "${r}" "${f}" "${t}"; done
echo
table_header "-16 9 60" fault result detail
for row in "${fault_rows[@]}"; do
  IFS='|' read -r name verdict detail <<<"${row}"
  table_row "-16 9 60" "${name}" "${verdict}" "${detail}"
done
echo
echo "API writes failed: ${api_failures}; tracker alive at the end: ${still_alive}; ERROR lines logged: $(errors_logged)"
echo "soak: ${DURATION} s, requests ${requests}, errors ${errors}, rss start ${rss_start:-0} MiB end ${rss_end:-0} MiB max ${rss_max} MiB, fds start ${fds_start:-0} end ${fds_end:-0}, faults survived ${faults_survived}/${faults_total}"

failed=""
[[ "${still_alive}" == yes ]] || failed+=" the tracker died;"
(( faults_survived == faults_total )) || failed+=" a fault step was not survived;"
(( errors == 0 )) || failed+=" ${errors} error responses;"
(( api_failures == 0 )) || failed+=" ${api_failures} API writes failed;"
awk -v s="${rss_start:-0}" -v e="${rss_end:-0}" 'BEGIN {exit !(e > 1.1 * s)}' && failed+=" resident memory grew (${rss_start} -> ${rss_end} MiB);"
(( ${fds_end:-0} <= ${fds_start:-0} + 16 )) || failed+=" descriptors grew (${fds_start} -> ${fds_end});"
if [[ -n "${failed}" ]]; then
  log "FAILED:${failed}"
  exit 1
fi
