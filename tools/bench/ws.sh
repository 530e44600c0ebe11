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
# (medians); the same per message sent (responses, offers and answers), since
# the two trackers relay different numbers of offers per announce.
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
#   BENCH_BASELINE_BIN=PATH also run this `aquatic` (e.g. an earlier commit's) as
#                           "aquatic@baseline" in every round; the last line then
#                           ends with "vs baseline: aquatic X.XX (cpu Y.YY)"
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
# addresses are used. The parts shared with udp.sh and http.sh are in
# tools/bench/lib.sh.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" || exit 1
# From lib.sh: DURATION WARMUP REPEAT SERVER_CPU LOAD_CPU SEED.

SERVERS="$(with_baseline ${BENCH_SERVERS:-aquatic bittorrent-tracker})"
CONNECTIONS="${BENCH_CONNECTIONS:-100}"
TORRENTS="${BENCH_TORRENTS:-1000}"
PORT="${BENCH_PORT:-39300}"
NPM_DIR="${BENCH_NPM_DIR:-${HOME}/.cache/aquatic-bench/ws-npm}"

bench_init
check_baseline
make_work_dir ws

# --- build and install ---------------------------------------------------------
build_and_copy //tracker:aquatic //loadtest:ws
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

# start_server NAME PORT: sets server_pid, returns 1 on failure.
start_server() {
  local name="$1" port="$2"
  server_pid=""
  case "$(case_base "${name}")" in
    aquatic)
      cat >"${work}/aquatic.toml" <<TOML
socket_workers = 1
log_level = "error"
[network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
max_connections = 100000
$(storage_section "${name}" "")
$(open_connections_section "${name}")
TOML
      taskset -c "${SERVER_CPU}" "$(aquatic_bin "${name}")" ws -c "${work}/aquatic.toml" \
        >"${work}/${name}.log" 2>&1 &
      ;;
    bittorrent-tracker)
      taskset -c "${SERVER_CPU}" node "${NPM_DIR}/server.mjs" "${port}" \
        >"${work}/${name}.log" 2>&1 &
      ;;
    *) die "unknown server ${name}" ;;
  esac
  server_pid=$!
  await_server "${name}" "${port}" tcp "${work}/${name}.log" 100
}

# --- runs ----------------------------------------------------------------------
results="${work}/results.txt"
: >"${results}"
log "${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up) per server; servers on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU}"
run_port="${PORT}"
for run in $(seq "${REPEAT}"); do
  for name in $(round_order "${run}" ${SERVERS}); do
    run_port=$((run_port + 1))
    while tcp_port_listening "${run_port}"; do run_port=$((run_port + 1)); done
    if ! start_server "${name}" "${run_port}"; then
      echo "${name} ${run} FAILED" >>"${results}"
      continue
    fi
    load_config "${work}/load.toml" "${run_port}"
    start_load_tester "${LOADTEST}" "${work}/load.toml" $((WARMUP + DURATION + 30))
    sleep "${WARMUP}"
    t0="$(now)"; c0="$(cpu_ticks "${server_pid}")"
    sleep "${DURATION}"
    t1="$(now)"; c1="$(cpu_ticks "${server_pid}")"
    finish_run "${name}" "${run}" "${results}" || continue
    announce="$(field "${result}" announce_per_s)"
    offers="$(field "${result}" offers_per_s)"
    answers="$(field "${result}" answers_per_s)"
    errors="$(field "${result}" errors)"
    timeouts="$(field "${result}" timeouts)"
    lt_cpu="$(field "${result}" cpu_percent)"
    read -r cpu_pct cpu_us < <(server_cpu "${c0}" "${c1}" "${t0}" "${t1}" 1 "${announce}")
    # Every message the server sent: the trackers relay different numbers of
    # offers per announce (aquatic sends a seeder's offers to leechers only).
    messages=$((announce + offers + answers))
    read -r _ cpu_us_message < <(server_cpu "${c0}" "${c1}" "${t0}" "${t1}" 2 "${messages}")
    echo "${name} ${run} ${announce} ${offers} ${answers} ${errors} ${timeouts} ${cpu_pct} ${cpu_us} ${lt_cpu} ${messages} ${cpu_us_message}" >>"${results}"
    log "$(printf '%-18s run %s: %7s announce/s  %7s offers/s  %7s answers/s  errors %s  timeouts %s  server CPU %s%%  %s us/response  load tester CPU %s%%' \
      "${name}" "${run}" "${announce}" "${offers}" "${answers}" "${errors}" "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}")"
  done
done

# --- report --------------------------------------------------------------------
echo
echo "WebTorrent benchmark: ${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up), ${TORRENTS} torrents, load tester 1 worker x ${CONNECTIONS} connections (2-5 offers of ~1 KB per announce, 50% answered)"
machine_line ", load average $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n "${BT_VERSION:-}" ]] && echo "bittorrent-tracker ${BT_VERSION} on node $(node --version)"
echo
runs="-18 3 10 9 10 6 8 10% 11 10%"
table_header "${runs}" server run announce/s offers/s answers/s errors timeouts "server CPU" \
  "CPU us/resp" "loader CPU"
while read -r name run announce offers answers errors timeouts cpu_pct cpu_us lt_cpu _; do
  if [[ "${announce}" == FAILED ]]; then
    table_row "${runs//%/}" "${name}" "${run}" failed - - - - - - -
  else
    table_row "${runs}" "${name}" "${run}" "${announce}" "${offers}" "${answers}" "${errors}" \
      "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}"
  fi
done <"${results}"
echo
declare -A RATES CPU_US MESSAGES CPU_US_MESSAGE
medians="-18 17 19 17 21"
table_header "${medians}" server "median announce/s" "median CPU us/resp" "median messages/s" \
  "median CPU us/message"
for name in ${SERVERS}; do
  RATES[${name}]="$(median_column "${results}" "${name}" 1 3)"
  CPU_US[${name}]="$(median_column "${results}" "${name}" '$9 != "n/a"' 9)"
  MESSAGES[${name}]="$(median_column "${results}" "${name}" 1 11)"
  CPU_US_MESSAGE[${name}]="$(median_column "${results}" "${name}" '$12 != "n/a"' 12)"
  table_row "${medians}" "${name}" "${RATES[${name}]}" "${CPU_US[${name}]}" \
    "${MESSAGES[${name}]}" "${CPU_US_MESSAGE[${name}]}"
done
rate_ratio="$(ratio "${RATES[aquatic]:-n/a}" "${RATES[bittorrent-tracker]:-n/a}")"
cpu_ratio="$(ratio "${CPU_US[bittorrent-tracker]:-n/a}" "${CPU_US[aquatic]:-n/a}")"
message_ratio="$(ratio "${MESSAGES[aquatic]:-n/a}" "${MESSAGES[bittorrent-tracker]:-n/a}")"
cpu_message_ratio="$(ratio "${CPU_US_MESSAGE[bittorrent-tracker]:-n/a}" "${CPU_US_MESSAGE[aquatic]:-n/a}")"
echo
echo "responses = announce responses; CPU us/resp = server CPU time per announce response (offers and answers relayed are part of the work)"
echo "messages = announce responses + offers + answers the server sent (offers per announce differ: aquatic sends a seeder's offers to leechers only)"
echo "per message: ${message_ratio} (messages/s); cpu/message: ${cpu_message_ratio}"
vs_baseline="$(baseline_ratios RATES CPU_US ${SERVERS})"
echo "ws ratio vs bittorrent-tracker: ${rate_ratio} (responses/s); cpu/response: ${cpu_ratio}${vs_baseline:+; vs baseline: ${vs_baseline}}"
