#!/usr/bin/env bash
# HTTP tracker benchmark: the same load (//loadtest:http) against
#   aquatic            `aquatic http` (this repository), keep-alive off
#   opentracker        Debian's opentracker (allow-list build, IPv4; it has no
#                      keep-alive: one request per connection)
#   aquatic-keepalive  `aquatic http`, keep-alive on
#   aquatic-tls        `aquatic http` over TLS (test certificate), keep-alive on
#   aquatic-sqlite     as aquatic-keepalive, with [storage] backend = "sqlite"
#                      (the default; the others run without storage):
#                      completed counts written every flush_interval
#                      (announces with event=completed: 1% of seeders'
#                      announces). Compared with aquatic-keepalive, where the
#                      server and not the load tester is the limit.
# The first two are the like-for-like comparison: a new connection per
# request, as opentracker forces. Each server runs pinned to one core
# (taskset -c $BENCH_SERVER_CPU), the load tester to the other; warm-up
# discarded; the cases alternate within each repetition so slow drifts of the
# machine hit all of them. Reported: successful announce responses/s (bodies
# without `failure reason`) with the error count beside it, and server CPU
# microseconds per answered request (from /proc/PID/stat over the measured
# window only).
#
# Knobs (environment):
#   BENCH_DURATION=20       measured seconds per run
#   BENCH_WARMUP=3          warm-up seconds per run (not measured)
#   BENCH_REPEAT=3          runs per case
#   BENCH_CASES="aquatic opentracker aquatic-keepalive aquatic-tls aquatic-sqlite"
#   BENCH_BASELINE_BIN=PATH also run this `aquatic` (e.g. an earlier commit's)
#                           as CASE@baseline for every aquatic case; the last
#                           line then ends with "vs baseline: CASE X.XX (cpu Y.YY); ..."
#   BENCH_CONNECTIONS=64    load tester connections (1 request in flight each)
#   BENCH_PORT=39300        first of the loopback ports used
#   BENCH_SERVER_CPU=0 BENCH_LOAD_CPU=1
#   BENCH_SKIP_BUILD=1      use the binaries already built with --config=opt
#
# The last line is:
#   http ratio vs opentracker: X.XX; keep-alive: Y.YY; tls: Z.ZZ; storage sqlite vs off: S.SS
# (median announces/s of aquatic, aquatic-keepalive and aquatic-tls, each
# divided by opentracker's, and aquatic-sqlite's divided by
# aquatic-keepalive's; "n/a" where a case failed). Only loopback
# addresses are used. The parts shared with udp.sh and ws.sh are in
# tools/bench/lib.sh.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" || exit 1
# From lib.sh: DURATION WARMUP REPEAT SERVER_CPU LOAD_CPU SEED.

CASES="${BENCH_CASES:-aquatic opentracker aquatic-keepalive aquatic-tls aquatic-sqlite}"
CASES="$(with_baseline ${CASES})"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
PORT="${BENCH_PORT:-39300}"
TORRENTS=10000
PEERS=100000

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  exit 0
fi
[[ $# -eq 0 ]] || die "no arguments (knobs are environment variables; -h for help)"
for knob in DURATION WARMUP REPEAT CONNECTIONS PORT SERVER_CPU LOAD_CPU; do
  [[ "${!knob}" =~ ^[0-9]+$ ]] || die "BENCH_${knob} must be a number, not '${!knob}'"
done
[[ "${DURATION}" -ge 1 && "${REPEAT}" -ge 1 ]] || die "BENCH_DURATION and BENCH_REPEAT must be at least 1"
for name in ${CASES}; do
  case "$(case_base "${name}")" in
    aquatic | opentracker | aquatic-keepalive | aquatic-tls | aquatic-sqlite) ;;
    *) die "unknown case '${name}' in BENCH_CASES" ;;
  esac
done

bench_init
check_baseline
# A world-readable work folder: opentracker chroots into it and drops to
# nobody.
make_work_dir http 755

# --- build -------------------------------------------------------------------
build_and_copy //tracker:aquatic //loadtest:http
AQUATIC="${work}/bin/aquatic"
LOADTEST="${work}/bin/http"
for f in certificate.pem private_key.pem; do
  cp "tracker/server/testdata/${f}" "${work}/" || die "missing the test certificate"
done

# --- configs -----------------------------------------------------------------
# load_config FILE PORT KEEP_ALIVE TLS [HASH_FILE]
load_config() {
  cat >"$1" <<TOML
server_address = "127.0.0.1:$2"
workers = 1
duration = ${DURATION}
warmup = ${WARMUP}
progress = false
[network]
connections_per_worker = ${CONNECTIONS}
keep_alive = $3
enable_tls = $4
[requests]
seed = ${SEED}
number_of_torrents = ${TORRENTS}
number_of_peers = ${PEERS}
info_hash_file = "${5:-}"
TOML
}

# The allow list both trackers read (opentracker: relative to its chroot).
list_dir="${work}/lists"
mkdir -p "${list_dir}"
chmod 755 "${list_dir}"
load_config "${work}/hashes.toml" "${PORT}" false false "${list_dir}/whitelist.txt"
opentracker_allow_list "${LOADTEST}" "${work}/hashes.toml" "${list_dir}"

# start_server CASE PORT: sets server_pid, returns 1 on failure.
start_server() {
  local name="$1" port="$2"
  server_pid=""
  case "${name}" in
    aquatic*)
      local keep_alive=true tls=""
      [[ "$(case_base "${name}")" == aquatic ]] && keep_alive=false
      [[ "$(case_base "${name}")" == aquatic-tls ]] && tls="enable_tls = true
tls_certificate_path = \"${work}/certificate.pem\"
tls_private_key_path = \"${work}/private_key.pem\""
      cat >"${work}/${name}.toml" <<TOML
socket_workers = 1
log_level = "error"
[network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
keep_alive = ${keep_alive}
max_connections = 4096
${tls}
[protocol]
max_response_peers = 50
[access_list]
mode = "allow"
path = "${list_dir}/whitelist.txt"
$(storage_section "${name}" "${work}/${name}-${port}.sqlite3")
$(open_connections_section "${name}")
TOML
      taskset -c "${SERVER_CPU}" "$(aquatic_bin "${name}")" http -c "${work}/${name}.toml" \
        >"${work}/${name}.log" 2>&1 &
      ;;
    opentracker)
      launch_opentracker "${list_dir}" "${port}" "${work}/${name}.log" || return 1
      ;;
  esac
  server_pid=$!
  await_server "${name}" "${port}" tcp "${work}/${name}.log" 50
}

# --- throughput --------------------------------------------------------------
declare -A RATES CPU_US
results="${work}/results.txt"
: >"${results}"
log "${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up) per case: ${CASES}; servers on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU}"
run_port="${PORT}"
for run in $(seq "${REPEAT}"); do
  for name in $(round_order "${run}" ${CASES}); do
    run_port=$((run_port + 1))
    keep_alive=true tls=false
    [[ "$(case_base "${name}")" == aquatic || "${name}" == opentracker ]] && keep_alive=false
    [[ "$(case_base "${name}")" == aquatic-tls ]] && tls=true
    load_config "${work}/load.toml" "${run_port}" "${keep_alive}" "${tls}"
    if ! start_server "${name}" "${run_port}"; then
      echo "${name} ${run} FAILED" >>"${results}"
      continue
    fi
    start_load_tester "${LOADTEST}" "${work}/load.toml" $((WARMUP + DURATION + 30))
    sleep "${WARMUP}"
    t0="$(now)"; c0="$(cpu_ticks "${server_pid}")"; b0="$(busy_ticks)"
    sleep "${DURATION}"
    t1="$(now)"; c1="$(cpu_ticks "${server_pid}")"; b1="$(busy_ticks)"
    finish_run "${name}" "${run}" "${results}" || continue
    announce="$(field "${result}" announce_per_s)"
    scrape="$(field "${result}" scrape_per_s)"
    fails="$(field "${result}" failures)"
    errors="$(field "${result}" errors)"
    timeouts="$(field "${result}" timeouts)"
    lt_cpu="$(field "${result}" cpu_percent)"
    # CPU time the machine spent on anything but the server and the load
    # tester (other jobs, interrupts): high values mean a disturbed run. The
    # load tester reports its own CPU (lt_pid is its `timeout` wrapper).
    other="$(other_cpu_percent "$((b1 - b0 - (c1 - c0)))" "${t0}" "${t1}" "${lt_cpu}")"
    read -r cpu_pct cpu_us < <(server_cpu "${c0}" "${c1}" "${t0}" "${t1}" 2 "${announce}" "${scrape}")
    echo "${name} ${run} ${announce} ${scrape} ${fails} ${errors} ${timeouts} ${cpu_pct} ${cpu_us} ${lt_cpu} ${other}" >>"${results}"
    log "$(printf '%-17s run %s: %7s announce/s  failures %s  errors %s  timeouts %s  server CPU %s%%  %s us/response  load tester CPU %s%%  other %s%%' \
      "${name}" "${run}" "${announce}" "${fails}" "${errors}" "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}" "${other}")"
  done
done

# --- report ------------------------------------------------------------------
echo
echo "HTTP benchmark: ${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up), ${TORRENTS} torrents, ${PEERS} peers, load tester 1 worker x ${CONNECTIONS} connections, 1 request in flight each"
machine_line
echo
runs="-25 3 10 8 8 8 8 10% 11 10% 10%"
table_header "${runs}" case run announce/s scrape/s failures errors timeouts "server CPU" \
  "CPU us/resp" "loader CPU" "other CPU"
while read -r name run announce scrape fails errors timeouts cpu_pct cpu_us lt_cpu other; do
  if [[ "${announce}" == FAILED ]]; then
    table_row "${runs//%/}" "${name}" "${run}" failed - - - - - - - -
  else
    table_row "${runs}" "${name}" "${run}" "${announce}" "${scrape}" "${fails}" "${errors}" \
      "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}" "${other}"
  fi
done <"${results}"
echo
medians="-25 17 19 13"
table_header "${medians}" case "median announce/s" "median CPU us/resp" "errors (all)"
for name in ${CASES}; do
  # Runs with failure responses, or errors above 1% of the announces, do not
  # count: a tracker refusing requests is fast at the wrong thing.
  valid='$5 == 0 && $6 * 100 <= $3 * '"${DURATION}"
  RATES[${name}]="$(median_column "${results}" "${name}" "${valid}" 3)"
  CPU_US[${name}]="$(median_column "${results}" "${name}" "${valid}"' && $9 != "n/a"' 9)"
  all_errors="$(awk -v n="${name}" '$1 == n && $3 != "FAILED" {e += $6} END {print e + 0}' "${results}")"
  table_row "${medians}" "${name}" "${RATES[${name}]}" "${CPU_US[${name}]}" "${all_errors}"
done
base="${RATES[opentracker]:-n/a}"
echo
echo "announce/s counts successful announce responses only; errors are requests without a usable answer;"
echo "CPU us/resp is server CPU time per answered request; other CPU is what the rest of the machine"
echo "used meanwhile (in % of one core): high means a disturbed run. All ratios are to opentracker"
echo "(no keep-alive): aquatic without keep-alive, with keep-alive, and with TLS + keep-alive."
vs_baseline="$(baseline_ratios RATES CPU_US ${CASES})"
echo "http ratio vs opentracker: $(ratio "${RATES[aquatic]:-n/a}" "${base}"); keep-alive: $(ratio "${RATES[aquatic-keepalive]:-n/a}" "${base}"); tls: $(ratio "${RATES[aquatic-tls]:-n/a}" "${base}"); storage sqlite vs off: $(ratio "${RATES[aquatic-sqlite]:-n/a}" "${RATES[aquatic-keepalive]:-n/a}")${vs_baseline:+; vs baseline: ${vs_baseline}}"
