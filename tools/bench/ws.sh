#!/usr/bin/env bash
# WebTorrent (WebSocket) tracker benchmark: the same load against
#   aquatic             `aquatic ws` (this repository), 1 socket worker
#   bittorrent-tracker  npm bittorrent-tracker (the reference WebTorrent
#                       tracker; version pinned in tools/bench/ws-npm), only
#                       its ws server, via tools/bench/ws-npm/server.mjs
# Each server runs pinned to one core (taskset -c $BENCH_SERVER_CPU), the load
# tester (//loadtest:ws) to the other; warm-up discarded; repeated. Reported:
# announce responses/s, offers and answers relayed/s, and server CPU
# microseconds per announce response (utime + stime from /proc/PID/stat over
# the measured window only), and the ratios of aquatic to bittorrent-tracker
# (medians).
#
# The npm packages are installed with `npm ci --ignore-scripts` (the optional
# native WebRTC addon does not build here, and the server needs none) into
# BENCH_NPM_DIR, outside the workspace, and reused while the lock file is the
# same.
#
# Knobs (environment):
#   BENCH_DURATION=20       measured seconds per run
#   BENCH_WARMUP=3          warm-up seconds per run (not measured)
#   BENCH_REPEAT=3          runs per server
#   BENCH_SERVERS="aquatic bittorrent-tracker"
#   BENCH_CONNECTIONS=100   load tester connections (1 worker, 1 announce in flight each)
#   BENCH_TORRENTS=1000     torrents of the workload
#   BENCH_PORT=39300        first of the loopback ports used
#   BENCH_SERVER_CPU=0 BENCH_LOAD_CPU=1
#   BENCH_NPM_DIR=~/.cache/aquatic-bench/ws-npm
#   BENCH_SKIP_BUILD=1      use the binaries already built with --config=opt
#
# The last line is:
#   ws ratio vs bittorrent-tracker: X.XX (responses/s); cpu/response: Y.YY
# (cpu/response = bittorrent-tracker's CPU per response / aquatic's, so > 1
# means aquatic is cheaper; "n/a" where a server failed). Only loopback
# addresses are used.
set -uo pipefail

DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-3}"
REPEAT="${BENCH_REPEAT:-3}"
SERVERS="${BENCH_SERVERS:-aquatic bittorrent-tracker}"
CONNECTIONS="${BENCH_CONNECTIONS:-100}"
TORRENTS="${BENCH_TORRENTS:-1000}"
PORT="${BENCH_PORT:-39300}"
SERVER_CPU="${BENCH_SERVER_CPU:-0}"
LOAD_CPU="${BENCH_LOAD_CPU:-1}"
NPM_DIR="${BENCH_NPM_DIR:-${HOME}/.cache/aquatic-bench/ws-npm}"
SEED=20240601

log() { echo "ws.sh: $*" >&2; }
die() { log "$*"; exit 1; }

workspace="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${workspace}" || die "no workspace"
command -v taskset >/dev/null || die "taskset (util-linux) is missing"
CLK_TCK="$(getconf CLK_TCK)"

work="$(mktemp -d /tmp/aquatic-ws-bench.XXXXXX)" || die "mktemp failed"
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
  if [[ -n "${lt_pid}" ]]; then
    kill "${lt_pid}" 2>/dev/null
    wait "${lt_pid}" 2>/dev/null
  fi
  stop_server
  rm -rf "${work}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build and install ---------------------------------------------------------
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  log "building with --config=opt"
  bazel build --config=opt //tracker:aquatic //loadtest:ws \
    >"${work}/build.log" 2>&1 || { cat "${work}/build.log" >&2; die "build failed"; }
fi
bin_dir="$(bazel info --config=opt bazel-bin 2>/dev/null)" || die "bazel info failed"
mkdir -p "${work}/bin"
# Copies, so concurrent builds cannot swap a binary under a run.
for b in tracker/aquatic loadtest/ws; do
  cp "${bin_dir}/${b}" "${work}/bin/" || die "missing ${bin_dir}/${b}: build with --config=opt"
done
AQUATIC="${work}/bin/aquatic"
LOADTEST="${work}/bin/ws"

if [[ " ${SERVERS} " == *" bittorrent-tracker "* ]]; then
  command -v node >/dev/null || die "node is missing (apt-get install nodejs npm)"
  command -v npm >/dev/null || die "npm is missing (apt-get install npm)"
  src="${workspace}/tools/bench/ws-npm"
  mkdir -p "${NPM_DIR}"
  if ! cmp -s "${src}/package-lock.json" "${NPM_DIR}/package-lock.json" ||
     [[ ! -d "${NPM_DIR}/node_modules/bittorrent-tracker" ]]; then
    log "installing npm packages into ${NPM_DIR} (npm ci --ignore-scripts)"
    cp "${src}/package.json" "${src}/package-lock.json" "${NPM_DIR}/"
    (cd "${NPM_DIR}" && npm ci --ignore-scripts --no-audit --no-fund) \
      >"${work}/npm.log" 2>&1 || { cat "${work}/npm.log" >&2; die "npm ci failed"; }
  fi
  cp "${src}/server.mjs" "${NPM_DIR}/server.mjs"
  BT_VERSION="$(node -p "require('${NPM_DIR}/node_modules/bittorrent-tracker/package.json').version")"
fi

# --- helpers -------------------------------------------------------------------
load_config() {  # FILE PORT
  cat >"$1" <<TOML
server_address = "127.0.0.1:$2"
workers = 1
duration = ${DURATION}
warmup = ${WARMUP}
progress = false
[network]
connections_per_worker = ${CONNECTIONS}
[requests]
seed = ${SEED}
number_of_torrents = ${TORRENTS}
TOML
}

port_listening() {  # PORT: a TCP socket listens on 127.0.0.1:PORT
  grep -qi " 0100007F:$(printf '%04X' "$1") 00000000:0000 0A " /proc/net/tcp
}

# start_server NAME PORT: sets server_pid, returns 1 on failure.
start_server() {
  local name="$1" port="$2"
  server_pid=""
  case "${name}" in
    aquatic)
      cat >"${work}/aquatic.toml" <<TOML
socket_workers = 1
log_level = "error"
[network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
max_connections = 100000
TOML
      taskset -c "${SERVER_CPU}" "${AQUATIC}" ws -c "${work}/aquatic.toml" \
        >"${work}/${name}.log" 2>&1 &
      ;;
    bittorrent-tracker)
      taskset -c "${SERVER_CPU}" node "${NPM_DIR}/server.mjs" "${port}" \
        >"${work}/${name}.log" 2>&1 &
      ;;
    *) die "unknown server ${name}" ;;
  esac
  server_pid=$!
  for _ in $(seq 100); do
    if ! kill -0 "${server_pid}" 2>/dev/null; then
      log "${name} exited at start: $(tail -n 3 "${work}/${name}.log" 2>/dev/null | tr '\n' ' ')"
      wait "${server_pid}" 2>/dev/null
      server_pid=""
      return 1
    fi
    port_listening "${port}" && { sleep 0.2; return 0; }
    sleep 0.1
  done
  log "${name} did not listen on 127.0.0.1:${port}"
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

field() {  # LINE KEY
  sed -n "s/.*[ ]$2=\\([^ ]*\\).*/\\1/p" <<<" $1"
}

now() { date +%s.%N; }

median() {  # numbers...: the median, "n/a" if none
  if [[ $# -eq 0 ]]; then echo n/a; return; fi
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# --- runs ----------------------------------------------------------------------
results="${work}/results.txt"
: >"${results}"
log "${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up) per server; servers on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU}"
run_port="${PORT}"
for run in $(seq "${REPEAT}"); do
  for name in ${SERVERS}; do
    run_port=$((run_port + 1))
    while port_listening "${run_port}"; do run_port=$((run_port + 1)); done
    if ! start_server "${name}" "${run_port}"; then
      echo "${name} ${run} FAILED" >>"${results}"
      continue
    fi
    load_config "${work}/load.toml" "${run_port}"
    timeout $((WARMUP + DURATION + 30)) taskset -c "${LOAD_CPU}" "${LOADTEST}" -c "${work}/load.toml" \
      >"${work}/run.out" 2>"${work}/run.err" &
    lt_pid=$!
    sleep "${WARMUP}"
    t0="$(now)"; c0="$(cpu_ticks "${server_pid}")"
    sleep "${DURATION}"
    t1="$(now)"; c1="$(cpu_ticks "${server_pid}")"
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
    offers="$(field "${result}" offers_per_s)"
    answers="$(field "${result}" answers_per_s)"
    errors="$(field "${result}" errors)"
    timeouts="$(field "${result}" timeouts)"
    lt_cpu="$(field "${result}" cpu_percent)"
    read -r cpu_pct cpu_us < <(awk -v c0="${c0}" -v c1="${c1}" -v t0="${t0}" -v t1="${t1}" \
      -v hz="${CLK_TCK}" -v a="${announce}" 'BEGIN {
        util = (c1 - c0) / hz / (t1 - t0);
        per = "n/a"; if (a > 0) per = sprintf("%.1f", util * 1e6 / a);
        printf "%.0f %s\n", util * 100, per }')
    echo "${name} ${run} ${announce} ${offers} ${answers} ${errors} ${timeouts} ${cpu_pct} ${cpu_us} ${lt_cpu}" >>"${results}"
    log "$(printf '%-18s run %s: %7s announce/s  %7s offers/s  %7s answers/s  errors %s  timeouts %s  server CPU %s%%  %s us/response  load tester CPU %s%%' \
      "${name}" "${run}" "${announce}" "${offers}" "${answers}" "${errors}" "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}")"
  done
done

# --- report --------------------------------------------------------------------
echo
echo "WebTorrent benchmark: ${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up), ${TORRENTS} torrents, load tester 1 worker x ${CONNECTIONS} connections (2-5 offers of ~1 KB per announce, 50% answered)"
echo "server on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU} ($(nproc) cpus, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg))"
[[ -n "${BT_VERSION:-}" ]] && echo "bittorrent-tracker ${BT_VERSION} on node $(node --version)"
echo
printf '| %-18s | %3s | %10s | %9s | %10s | %6s | %8s | %10s | %11s | %10s |\n' \
  server run announce/s offers/s answers/s errors timeouts "server CPU" "CPU us/resp" "loader CPU"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------------------- ----- ------------ ----------- \
  ------------ -------- ---------- ------------ ------------- ------------
while read -r name run announce offers answers errors timeouts cpu_pct cpu_us lt_cpu; do
  if [[ "${announce}" == FAILED ]]; then
    printf '| %-18s | %3s | %10s | %9s | %10s | %6s | %8s | %10s | %11s | %10s |\n' \
      "${name}" "${run}" failed - - - - - - -
  else
    printf '| %-18s | %3s | %10s | %9s | %10s | %6s | %8s | %9s%% | %11s | %9s%% |\n' \
      "${name}" "${run}" "${announce}" "${offers}" "${answers}" "${errors}" "${timeouts}" \
      "${cpu_pct}" "${cpu_us}" "${lt_cpu}"
  fi
done <"${results}"
echo
declare -A RATES CPU_US
printf '| %-18s | %17s | %19s |\n' server "median announce/s" "median CPU us/resp"
printf '|%s|%s|%s|\n' -------------------- ------------------- ---------------------
for name in ${SERVERS}; do
  mapfile -t rates < <(awk -v n="${name}" '$1 == n && $3 != "FAILED" {print $3}' "${results}")
  mapfile -t cpus < <(awk -v n="${name}" '$1 == n && $3 != "FAILED" && $9 != "n/a" {print $9}' "${results}")
  RATES[${name}]="$(median "${rates[@]}")"
  CPU_US[${name}]="$(median "${cpus[@]}")"
  printf '| %-18s | %17s | %19s |\n' "${name}" "${RATES[${name}]}" "${CPU_US[${name}]}"
done
ratio() {  # A B: A/B with two decimals, n/a if either is missing or zero
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}
rate_ratio="$(ratio "${RATES[aquatic]:-n/a}" "${RATES[bittorrent-tracker]:-n/a}")"
cpu_ratio="$(ratio "${CPU_US[bittorrent-tracker]:-n/a}" "${CPU_US[aquatic]:-n/a}")"
echo
echo "responses = announce responses; CPU us/resp = server CPU time per announce response (offers and answers relayed are part of the work)"
echo "ws ratio vs bittorrent-tracker: ${rate_ratio} (responses/s); cpu/response: ${cpu_ratio}"
