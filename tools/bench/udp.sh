#!/usr/bin/env bash
# UDP tracker benchmark: the same load against
#   aquatic      `aquatic udp` (this repository)
#   opentracker  Debian's opentracker (allow-list build, IPv4)
#   floor        tools/bench:noop_udp_responder, a stateless fixed reply with
#                recvmmsg/sendmmsg: the most the kernel allows
# Each server runs pinned to one core (taskset -c $BENCH_SERVER_CPU), the load
# tester (//loadtest:udp) to the other; warm-up discarded; repeated. Reported:
# announce responses/s, server CPU microseconds per answered request (from
# /proc/PID/stat over the measured window only), and the ratios of aquatic to
# opentracker and to the floor (medians). A second part fills aquatic and
# opentracker with BENCH_FILL_PEERS peers over BENCH_FILL_TORRENTS torrents
# and reports resident memory per peer (VmRSS).
#
# Knobs (environment):
#   BENCH_DURATION=20       measured seconds per run
#   BENCH_WARMUP=3          warm-up seconds per run (not measured)
#   BENCH_REPEAT=3          runs per server
#   BENCH_SERVERS="aquatic opentracker floor"
#   BENCH_FILL_PEERS=1000000 BENCH_FILL_TORRENTS=100000 (BENCH_FILL_PEERS=0 skips)
#   BENCH_FILL_TIMEOUT=180  most seconds for one fill
#   BENCH_PORT=39100        first of the loopback ports used
#   BENCH_SERVER_CPU=0 BENCH_LOAD_CPU=1
#   BENCH_SOCKETS=4 BENCH_IN_FLIGHT=64  load tester sockets and requests in flight per socket
#   BENCH_SKIP_BUILD=1      use the binaries already built with --config=opt
#
# The last line is:
#   udp ratio vs opentracker: X.XX; vs floor: Y.YY; bytes/peer aquatic A opentracker B
# ("n/a" where a server failed). Only loopback addresses are used.
set -uo pipefail

DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-3}"
REPEAT="${BENCH_REPEAT:-3}"
SERVERS="${BENCH_SERVERS:-aquatic opentracker floor}"
FILL_PEERS="${BENCH_FILL_PEERS:-1000000}"
FILL_TORRENTS="${BENCH_FILL_TORRENTS:-100000}"
FILL_TIMEOUT="${BENCH_FILL_TIMEOUT:-180}"
PORT="${BENCH_PORT:-39100}"
SERVER_CPU="${BENCH_SERVER_CPU:-0}"
LOAD_CPU="${BENCH_LOAD_CPU:-1}"
SOCKETS="${BENCH_SOCKETS:-4}"
IN_FLIGHT="${BENCH_IN_FLIGHT:-64}"
SEED=20240601
TORRENTS=10000
PEERS=100000

log() { echo "udp.sh: $*" >&2; }
die() { log "$*"; exit 1; }

workspace="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${workspace}" || die "no workspace"
command -v taskset >/dev/null || die "taskset (util-linux) is missing"
OPENTRACKER="$(command -v opentracker || true)"
CLK_TCK="$(getconf CLK_TCK)"

# A world-readable work folder: opentracker chroots into a part of it and
# drops to nobody.
work="$(mktemp -d /tmp/aquatic-udp-bench.XXXXXX)" || die "mktemp failed"
chmod 755 "${work}"
server_pid=""
lt_pid=""
stop_server() {
  if [[ -n "${server_pid}" ]]; then
    kill "${server_pid}" 2>/dev/null
    for _ in $(seq 50); do kill -0 "${server_pid}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${server_pid}" 2>/dev/null
    wait "${server_pid}" 2>/dev/null
    server_pid=""
  fi
}
cleanup() {
  [[ -n "${lt_pid}" ]] && kill "${lt_pid}" 2>/dev/null
  stop_server
  rm -rf "${work}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -------------------------------------------------------------------
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  log "building with --config=opt"
  bazel build --config=opt //tracker:aquatic //loadtest:udp //tools/bench:noop_udp_responder \
    >"${work}/build.log" 2>&1 || { cat "${work}/build.log" >&2; die "build failed"; }
fi
bin_dir="$(bazel info --config=opt bazel-bin 2>/dev/null)" || die "bazel info failed"
mkdir -p "${work}/bin"
# Copies, so concurrent builds cannot swap a binary under a run.
for b in tracker/aquatic loadtest/udp tools/bench/noop_udp_responder; do
  cp "${bin_dir}/${b}" "${work}/bin/" || die "missing ${bin_dir}/${b}: build with --config=opt"
done
AQUATIC="${work}/bin/aquatic"
LOADTEST="${work}/bin/udp"
NOOP="${work}/bin/noop_udp_responder"

# --- configs -----------------------------------------------------------------
# load_config FILE PORT MODE TORRENTS PEERS DURATION WARMUP [HASH_FILE]
load_config() {
  cat >"$1" <<TOML
server_address = "127.0.0.1:$2"
workers = 1
duration = $6
warmup = $7
mode = "$3"
progress = false
[network]
sockets_per_worker = ${SOCKETS}
max_requests_in_flight = ${IN_FLIGHT}
[requests]
seed = ${SEED}
number_of_torrents = $4
number_of_peers = $5
info_hash_file = "${8:-}"
$([[ "$3" == fill ]] && echo "announce_peers_wanted = 1")
TOML
}

# One allow list per torrent count, both trackers read the same file.
# make_allow_list NAME TORRENTS PEERS: writes ${work}/NAME/whitelist.txt
make_allow_list() {
  mkdir -p "${work}/$1"
  chmod 755 "${work}/$1"
  load_config "${work}/$1/hashes.toml" "${PORT}" load "$2" "$3" 1 0 "${work}/$1/whitelist.txt"
  "${LOADTEST}" -c "${work}/$1/hashes.toml" -w 2>/dev/null || die "writing the allow list failed"
  chmod 644 "${work}/$1/whitelist.txt"
  printf 'access.whitelist whitelist.txt\n' >"${work}/$1/opentracker.conf"
  chmod 644 "${work}/$1/opentracker.conf"
}

port_bound() {  # PORT: a UDP socket is bound to 127.0.0.1:PORT
  grep -qi " 0100007F:$(printf '%04X' "$1") " /proc/net/udp
}

# start_server NAME PORT LIST_DIR: sets server_pid, returns 1 on failure.
start_server() {
  local name="$1" port="$2" dir="$3"
  server_pid=""
  case "${name}" in
    aquatic)
      cat >"${dir}/aquatic.toml" <<TOML
socket_workers = 1
[network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
[access_list]
mode = "allow"
path = "${dir}/whitelist.txt"
TOML
      taskset -c "${SERVER_CPU}" "${AQUATIC}" udp -c "${dir}/aquatic.toml" \
        >"${dir}/aquatic.log" 2>&1 &
      ;;
    opentracker)
      [[ -n "${OPENTRACKER}" ]] || { log "opentracker is not installed"; return 1; }
      taskset -c "${SERVER_CPU}" "${OPENTRACKER}" -f "${dir}/opentracker.conf" \
        -i 127.0.0.1 -p "${port}" -P "${port}" -d "${dir}" >"${dir}/opentracker.log" 2>&1 &
      ;;
    floor)
      taskset -c "${SERVER_CPU}" "${NOOP}" "${port}" >"${dir}/floor.log" 2>&1 &
      ;;
    *) die "unknown server ${name}" ;;
  esac
  server_pid=$!
  for _ in $(seq 50); do
    if ! kill -0 "${server_pid}" 2>/dev/null; then
      log "${name} exited at start: $(tail -n 3 "${dir}/${name}.log" 2>/dev/null | tr '\n' ' ')"
      wait "${server_pid}" 2>/dev/null
      server_pid=""
      return 1
    fi
    port_bound "${port}" && { sleep 0.2; return 0; }
    sleep 0.1
  done
  log "${name} did not bind 127.0.0.1:${port}"
  stop_server
  return 1
}

cpu_ticks() {  # PID: utime + stime of all threads
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  stat="${stat##*) }"  # fields from 3 (state) on; comm may hold spaces
  # shellcheck disable=SC2086
  set -- ${stat}
  echo $(( ${12} + ${13} ))
}

busy_ticks() {  # all CPUs: user+nice+system+irq+softirq+steal
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

field() {  # LINE KEY
  sed -n "s/.*[ ]$2=\\([^ ]*\\).*/\\1/p" <<<" $1"
}

now() { date +%s.%N; }

median() {  # numbers...: the median, "n/a" if none
  if [[ $# -eq 0 ]]; then echo n/a; return; fi
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# --- throughput --------------------------------------------------------------
make_allow_list load "${TORRENTS}" "${PEERS}"
load_config "${work}/load.toml" "${PORT}" load "${TORRENTS}" "${PEERS}" "${DURATION}" "${WARMUP}"

declare -A RATES CPU_US ERRORS
results="${work}/results.txt"
: >"${results}"
log "throughput: ${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up) per server; servers on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU}"
run_port="${PORT}"
for run in $(seq "${REPEAT}"); do
  for name in ${SERVERS}; do
    run_port=$((run_port + 1))
    sed -i "s/^server_address = .*/server_address = \"127.0.0.1:${run_port}\"/" "${work}/load.toml"
    if ! start_server "${name}" "${run_port}" "${work}/load"; then
      echo "${name} ${run} FAILED" >>"${results}"
      continue
    fi
    timeout $((WARMUP + DURATION + 30)) taskset -c "${LOAD_CPU}" "${LOADTEST}" -c "${work}/load.toml" \
      >"${work}/run.out" 2>"${work}/run.err" &
    lt_pid=$!
    sleep "${WARMUP}"
    t0="$(now)"; c0="$(cpu_ticks "${server_pid}")"; b0="$(busy_ticks)"
    sleep "${DURATION}"
    t1="$(now)"; c1="$(cpu_ticks "${server_pid}")"; b1="$(busy_ticks)"
    wait "${lt_pid}"
    lt_code=$?
    lt_pid=""
    alive=yes; kill -0 "${server_pid}" 2>/dev/null || alive=no
    stop_server
    result="$(grep '^RESULT ' "${work}/run.out" | tail -n 1)"
    if [[ ${lt_code} -ne 0 || -z "${result}" || "${alive}" == no ]]; then
      log "${name} run ${run}: load tester exit ${lt_code}, server alive: ${alive}; $(tail -n 2 "${work}/run.err")"
      echo "${name} ${run} FAILED" >>"${results}"
      continue
    fi
    announce="$(field "${result}" announce_per_s)"
    connect="$(field "${result}" connect_per_s)"
    scrape="$(field "${result}" scrape_per_s)"
    errors="$(field "${result}" errors)"
    timeouts="$(field "${result}" timeouts)"
    lt_cpu="$(field "${result}" cpu_percent)"
    # CPU time the machine spent on anything but the server and the load
    # tester (other jobs, interrupts): high values mean a disturbed run.
    other="$(awk -v b="$((b1 - b0 - (c1 - c0)))" -v hz="${CLK_TCK}" -v t0="${t0}" -v t1="${t1}" \
      -v lt="${lt_cpu}" 'BEGIN { v = b / hz / (t1 - t0) * 100 - lt; printf "%.0f\n", v < 0 ? 0 : v }')"
    read -r cpu_pct cpu_us < <(awk -v c0="${c0}" -v c1="${c1}" -v t0="${t0}" -v t1="${t1}" \
      -v hz="${CLK_TCK}" -v a="${announce}" -v c="${connect}" -v s="${scrape}" 'BEGIN {
        util = (c1 - c0) / hz / (t1 - t0); rate = a + c + s;
        per = "n/a"; if (rate > 0) per = sprintf("%.2f", util * 1e6 / rate);
        printf "%.0f %s\n", util * 100, per }')
    echo "${name} ${run} ${announce} ${scrape} ${errors} ${timeouts} ${cpu_pct} ${cpu_us} ${lt_cpu} ${other}" >>"${results}"
    log "$(printf '%-12s run %s: %9s announce/s  errors %s  timeouts %s  server CPU %s%%  %s us/response  load tester CPU %s%%  other %s%%' \
      "${name}" "${run}" "${announce}" "${errors}" "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}" "${other}")"
  done
done

# --- memory ------------------------------------------------------------------
declare -A BYTES_PER_PEER
if [[ "${FILL_PEERS}" -gt 0 ]]; then
  make_allow_list fill "${FILL_TORRENTS}" "${FILL_PEERS}"
  log "memory: ${FILL_PEERS} peers over ${FILL_TORRENTS} torrents"
  for name in ${SERVERS}; do
    [[ "${name}" == floor ]] && continue
    BYTES_PER_PEER[${name}]=n/a
    run_port=$((run_port + 1))
    if ! start_server "${name}" "${run_port}" "${work}/fill"; then continue; fi
    rss0="$(rss_kb "${server_pid}")"
    load_config "${work}/fill.toml" "${run_port}" fill "${FILL_TORRENTS}" "${FILL_PEERS}" "${FILL_TIMEOUT}" 0
    timeout $((FILL_TIMEOUT + 30)) taskset -c "${LOAD_CPU}" "${LOADTEST}" -c "${work}/fill.toml" \
      >"${work}/fill.out" 2>&1
    sleep 1
    rss1="$(rss_kb "${server_pid}")"
    stop_server
    result="$(grep '^RESULT ' "${work}/fill.out" | tail -n 1)"
    announces="$(field "${result}" announces)"
    if [[ -z "${announces}" || "${announces}" -eq 0 ]]; then
      log "${name}: fill failed: $(tail -n 2 "${work}/fill.out")"
      continue
    fi
    BYTES_PER_PEER[${name}]="$(awk -v a="${rss0}" -v b="${rss1}" -v n="${announces}" \
      'BEGIN { printf "%.1f", (b - a) * 1024 / n }')"
    log "$(printf '%-12s VmRSS %s kB -> %s kB for %s announced peers (errors %s, %s s): %s bytes/peer' \
      "${name}" "${rss0}" "${rss1}" "${announces}" "$(field "${result}" errors)" \
      "$(field "${result}" duration_s)" "${BYTES_PER_PEER[${name}]}")"
  done
fi

# --- report ------------------------------------------------------------------
echo
echo "UDP benchmark: ${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up), ${TORRENTS} torrents, ${PEERS} peers, load tester 1 worker x ${SOCKETS} sockets x ${IN_FLIGHT} in flight"
echo "server on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU} ($(nproc) cpus, $(uname -r))"
echo
printf '| %-11s | %3s | %11s | %9s | %8s | %8s | %10s | %11s | %10s | %10s |\n' \
  server run announce/s scrape/s errors timeouts "server CPU" "CPU us/resp" "loader CPU" "other CPU"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------------  -----  ------------- ----------- \
  ---------- ---------- ------------ ------------- ------------ ------------
while read -r name run announce scrape errors timeouts cpu_pct cpu_us lt_cpu other; do
  if [[ "${announce}" == FAILED ]]; then
    printf '| %-11s | %3s | %11s | %9s | %8s | %8s | %10s | %11s | %10s | %10s |\n' \
      "${name}" "${run}" failed - - - - - - -
  else
    printf '| %-11s | %3s | %11s | %9s | %8s | %8s | %9s%% | %11s | %9s%% | %9s%% |\n' \
      "${name}" "${run}" "${announce}" "${scrape}" "${errors}" "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}" "${other}"
  fi
done <"${results}"
echo
printf '| %-11s | %17s | %19s | %12s |\n' server "median announce/s" "median CPU us/resp" "bytes/peer"
printf '|%s|%s|%s|%s|\n' ------------- ------------------- --------------------- --------------
for name in ${SERVERS}; do
  # Runs with errors count as failed: a tracker refusing every request is fast
  # at the wrong thing.
  mapfile -t rates < <(awk -v n="${name}" '$1 == n && $3 != "FAILED" && $5 == 0 {print $3}' "${results}")
  mapfile -t cpus < <(awk -v n="${name}" '$1 == n && $3 != "FAILED" && $5 == 0 && $8 != "n/a" {print $8}' "${results}")
  RATES[${name}]="$(median "${rates[@]}")"
  CPU_US[${name}]="$(median "${cpus[@]}")"
  printf '| %-11s | %17s | %19s | %12s |\n' "${name}" "${RATES[${name}]}" "${CPU_US[${name}]}" \
    "${BYTES_PER_PEER[${name}]:--}"
done
ratio() {  # A B: A/B with two decimals, n/a if either is missing or zero
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}
vs_ot="$(ratio "${RATES[aquatic]:-n/a}" "${RATES[opentracker]:-n/a}")"
vs_floor="$(ratio "${RATES[aquatic]:-n/a}" "${RATES[floor]:-n/a}")"
echo
echo "ratios are of median announce responses/s; CPU us/resp is server CPU time per answered request;"
echo "other CPU is what the rest of the machine used meanwhile (in % of one core): high means a disturbed run"
echo "udp ratio vs opentracker: ${vs_ot}; vs floor: ${vs_floor}; bytes/peer aquatic ${BYTES_PER_PEER[aquatic]:-n/a} opentracker ${BYTES_PER_PEER[opentracker]:-n/a}"
