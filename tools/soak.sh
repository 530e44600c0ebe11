#!/usr/bin/env bash
# Soak: `aquatic run` serving UDP, HTTPS and WebTorrent over shared swarms for
# DURATION seconds (default 120) under the three load testers at once (UDP
# announces and scrapes, HTTPS announces on a fresh connection each, WebTorrent
# announces with offers and answers), with a SIGUSR1 reload and an API write
# every second, and these fault steps in turn after a warm-up of a quarter of
# the run (at least 40 s):
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
# The load draws from 200 torrents and 1,000 peers (one source address for
# each load tester), which it has all announced within seconds, and peers
# expire after 20 s and WebTorrent offers after 15 s (cleaning every 5 s):
# the swarms reach their steady size during the warm-up, and memory that
# grows after it is a leak. Every second it samples the tracker's resident
# memory, open descriptors, threads and peers held. It ends with a table of the samples
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

soak_seconds="${1:-120}"
[[ "${soak_seconds}" =~ ^[0-9]+$ && "${soak_seconds}" -ge 60 ]] || {
  echo "usage: tools/soak.sh [SECONDS >= 60]" >&2
  exit 2
}
source "$(dirname "${BASH_SOURCE[0]}")/bench/lib.sh" || exit 1
DURATION="${soak_seconds}"
BENCH_SKIP_BUILD="${SOAK_SKIP_BUILD:-}"
PORT="${SOAK_PORT:-39600}"
UDP_PORT="${PORT}" HTTP_PORT="$((PORT + 1))" WS_PORT="$((PORT + 2))"
API_PORT="$((PORT + 3))" METRICS_PORT="$((PORT + 4))"
TOKEN="soak-api-token-0123456789"
WARMUP=$((DURATION / 4 < 40 ? 40 : DURATION / 4))

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
max_offer_age = 15
[udp.protocol]
peer_announce_interval = 10
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
[http.protocol]
peer_announce_interval = 10
[http.network]
address_ipv4 = "127.0.0.1:${HTTP_PORT}"
use_ipv6 = false
enable_tls = true
tls_certificate_path = "${work}/certificate.pem"
tls_private_key_path = "${work}/private_key.pem"
[ws]
enabled = true
[ws.protocol]
peer_announce_interval = 10
[ws.network]
address_ipv4 = "127.0.0.1:${WS_PORT}"
use_ipv6 = false
TOML
# --- the load ----------------------------------------------------------------------
# loader_config KIND PORT NETWORK_LINE...: the load tester's TOML. The three
# draw the same torrents (same seed and counts).
loader_config() {
  local kind="$1" port="$2"
  shift 2
  {
    printf 'server_address = "127.0.0.1:%s"\nduration = %s\nprogress = false\n' "${port}" "${DURATION}"
    printf '[network]\n'
    printf '%s\n' "$@"
    printf '[requests]\nnumber_of_torrents = 200\nnumber_of_peers = 1000\nseed = 7\n'
  } >"${work}/${kind}.toml"
}
loader_config udp "${UDP_PORT}" "sockets_per_worker = 2" "source_ipv4_addresses = 1" \
  "max_requests_in_flight = 16"
echo "info_hash_file = \"${work}/allow.txt\"" >>"${work}/udp.toml"
loader_config http "${HTTP_PORT}" "connections_per_worker = 8" "keep_alive = false" \
  "enable_tls = true" "source_ipv4_addresses = 1" "request_timeout_ms = 5000"
loader_config ws "${WS_PORT}" "connections_per_worker = 20"
# The UDP load tester writes the torrents they draw as the allow list.
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
# A UDP connect and announce answered (on a torrent of the allow list),
# each request tried up to 3 times with 1 s to answer.
udp_answers() {
  python3 - "${UDP_PORT}" "$(head -n 1 "${work}/allow.good")" <<'PY' >/dev/null 2>&1
import os, socket, struct, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(1)
address = ("127.0.0.1", int(sys.argv[1]))
def ask(payload, action):
    for _ in range(3):
        sock.sendto(payload, address)
        try:
            while True:
                reply = sock.recv(2048)
                if reply[4:8] == payload[12:16]:
                    return reply if struct.unpack(">I", reply[:4])[0] == action else None
        except socket.timeout:
            continue
    return None
reply = ask(struct.pack(">QII", 0x41727101980, 0, 0x50a1), 0)
if reply is None:
    sys.exit(1)
announce = struct.pack(">QII20s20sQQQIIIiH", struct.unpack(">Q", reply[8:16])[0], 1, 0x50a2,
                       bytes.fromhex(sys.argv[2]), b"-SK0001-" + os.urandom(12), 0, 100, 0,
                       2, 0, 0, 5, 6881)
sys.exit(0 if ask(announce, 1) is not None else 1)
PY
}
# An HTTPS request answered with a bencoded dictionary (a failure reason
# too: the probe's torrent is not on the allow list), certificate unchecked.
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
sys.exit(0 if b"\r\n\r\nd" in reply else 1)
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
# Peers held (both swarm engines), from /metrics.
peers_held() {
  local metrics
  metrics="$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/${METRICS_PORT} &&
    printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3" 2>/dev/null)"
  awk '/^aquatic_peers\{/ {sum += $NF} END {printf "%d", sum}' <<<"${metrics}"
}
fd_count() { find "/proc/${server_pid}/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
threads() { awk '/^Threads:/ {print $2}' "/proc/${server_pid}/status" 2>/dev/null || echo 0; }
errors_logged() { grep -c ' ERROR ' "${work}/tracker.log"; }

samples="${work}/samples"
: >"${samples}"
api_failures=0
sample() {  # SECOND: one line "second rss_mib fds threads peers"
  echo "$1 $(($(rss_kb "${server_pid}") / 1024)) $(fd_count) $(threads) $(peers_held)" >>"${samples}"
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

# check_step WHAT COMMAND...: runs the check; on failure notes WHAT in
# `missed` and sets ok=no (both the calling fault step's).
check_step() {
  local what="$1"
  shift
  "$@" && return 0
  ok=no
  missed+=" ${what};"
}

reload_storm() {
  local before ok=yes missed=""
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
  check_step "UDP unanswered" udp_answers
  check_step "bad file not logged" test "$(errors_logged)" -gt "${before}"
  check_step "good file not reloaded" grep -q 'access list reloaded' <(tail -n 20 "${work}/tracker.log")
  fault_result reload-storm "${ok}" \
    "1000 reloads in ~10 s, $(($(errors_logged) - before)) ERROR lines${missed:+;${missed}}"
}

bad_certificate() {
  local before ok=yes missed=""
  before="$(errors_logged)"
  head -c 700 /dev/urandom | base64 >"${work}/certificate.pem"
  kill -USR1 "${server_pid}"
  sleep 1
  check_step "HTTPS unanswered with the bad file" https_answers
  check_step "bad certificate not logged" test "$(errors_logged)" -gt "${before}"
  cp "${work}/certificate.good" "${work}/certificate.pem"
  kill -USR1 "${server_pid}"
  sleep 1
  check_step "HTTPS unanswered after the restore" https_answers
  fault_result bad-certificate "${ok}" "old certificate kept, HTTPS answered${missed:+;${missed}}"
}

out_of_files() {
  local ok=yes missed="" held limit
  held="$(fd_count)"
  limit="$(prlimit --pid "${server_pid}" --nofile --output=SOFT,HARD --noheadings --raw | awk '{print $1":"$2}')"
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
  check_step "UDP unanswered" udp_answers
  wait "${holder}"
  prlimit --pid "${server_pid}" --nofile="${limit}"
  sleep 2
  check_step "HTTPS unanswered after" https_answers
  fault_result out-of-files "${ok}" \
    "open-files limit ${held}+8 for 5 s with 60 extra connections${missed:+;${missed}}"
}

full_disk() {
  local ok=yes missed="" page_before page_after limit
  limit="$(prlimit --pid "${server_pid}" --fsize --output=SOFT --noheadings --raw)"
  # The soft limit only: raising a hard limit back needs CAP_SYS_RESOURCE.
  prlimit --pid "${server_pid}" --fsize=1: || { fault_result full-disk no "prlimit failed"; return; }
  sleep 5
  check_step "UDP unanswered" udp_answers
  check_step "HTTPS unanswered" https_answers
  page_before="$(stat -c %Y "${work}/page/stats.html" 2>/dev/null || echo 0)"
  prlimit --pid "${server_pid}" --fsize="${limit}:"
  sleep 3
  page_after="$(stat -c %Y "${work}/page/stats.html" 2>/dev/null || echo 0)"
  check_step "page not written again" test "${page_after}" -gt "${page_before}"
  fault_result full-disk "${ok}" "no file could grow for 5 s; page written again after${missed:+;${missed}}"
}

log "soak: ${DURATION} s, warm-up ${WARMUP} s; tracker pid ${server_pid}"
start_time="$(date +%s)"
second=0
faults=(reload_storm bad_certificate out_of_files full_disk)
next_fault=0
fault_time="${WARMUP}"
while (( second < DURATION - 2 )) && alive; do
  if (( second >= fault_time && next_fault < ${#faults[@]} )); then
    sample "${second}"
    "${faults[next_fault]}"
    next_fault=$((next_fault + 1))
    fault_time=$(($(date +%s) - start_time + 5))
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
table_header "-8 9 6 8 10" second "rss MiB" fds threads peers
awk 'NR % 10 == 1' "${samples}" | while read -r s r f t p; do
  table_row "-8 9 6 8 10" "${s}" "${r}" "${f}" "${t}" "${p}"
done
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
