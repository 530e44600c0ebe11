#!/usr/bin/env bash
# HTTP tracker benchmark: the same load (//loadtest:http) against
#   aquatic            `aquatic http` (this repository), keep-alive off
#   opentracker        Debian's opentracker (allow-list build, IPv4; it has no
#                      keep-alive: one request per connection)
#   aquatic-keepalive  `aquatic http`, keep-alive on
#   aquatic-tls        `aquatic http` over TLS (test certificate), keep-alive on
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
#   BENCH_CASES="aquatic opentracker aquatic-keepalive aquatic-tls"
#   BENCH_CONNECTIONS=64    load tester connections (1 request in flight each)
#   BENCH_PORT=39300        first of the loopback ports used
#   BENCH_SERVER_CPU=0 BENCH_LOAD_CPU=1
#   BENCH_SKIP_BUILD=1      use the binaries already built with --config=opt
#
# The last line is:
#   http ratio vs opentracker: X.XX; keep-alive: Y.YY; tls: Z.ZZ
# (median announces/s of aquatic, aquatic-keepalive and aquatic-tls, each
# divided by opentracker's; "n/a" where a case failed). Only loopback
# addresses are used.
set -uo pipefail

DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-3}"
REPEAT="${BENCH_REPEAT:-3}"
CASES="${BENCH_CASES:-aquatic opentracker aquatic-keepalive aquatic-tls}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
PORT="${BENCH_PORT:-39300}"
SERVER_CPU="${BENCH_SERVER_CPU:-0}"
LOAD_CPU="${BENCH_LOAD_CPU:-1}"
SEED=20240601
TORRENTS=10000
PEERS=100000

log() { echo "http.sh: $*" >&2; }
die() { log "$*"; exit 1; }

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
  case "${name}" in
    aquatic | opentracker | aquatic-keepalive | aquatic-tls) ;;
    *) die "unknown case '${name}' in BENCH_CASES" ;;
  esac
done

workspace="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${workspace}" || die "no workspace"
command -v taskset >/dev/null || die "taskset (util-linux) is missing"
OPENTRACKER="$(command -v opentracker || true)"
CLK_TCK="$(getconf CLK_TCK)"

# A world-readable work folder: opentracker chroots into it and drops to
# nobody.
work="$(mktemp -d /tmp/aquatic-http-bench.XXXXXX)" || die "mktemp failed"
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
  if [[ -n "${lt_pid}" ]]; then
    kill "${lt_pid}" 2>/dev/null
    wait "${lt_pid}" 2>/dev/null
  fi
  stop_server
  rm -rf "${work}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -------------------------------------------------------------------
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  log "building with --config=opt"
  bazel build --config=opt //tracker:aquatic //loadtest:http >"${work}/build.log" 2>&1 ||
    { cat "${work}/build.log" >&2; die "build failed"; }
fi
bin_dir="$(bazel info --config=opt bazel-bin 2>/dev/null)" || die "bazel info failed"
mkdir -p "${work}/bin"
# Copies, so concurrent builds cannot swap a binary under a run.
for b in tracker/aquatic loadtest/http; do
  cp "${bin_dir}/${b}" "${work}/bin/" || die "missing ${bin_dir}/${b}: build with --config=opt"
done
AQUATIC="${work}/bin/aquatic"
LOADTEST="${work}/bin/http"
for f in certificate.pem private_key.pem; do
  cp "tracker/base/asio/testdata/${f}" "${work}/" || die "missing the test certificate"
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
"${LOADTEST}" -c "${work}/hashes.toml" -w 2>/dev/null || die "writing the allow list failed"
chmod 644 "${list_dir}/whitelist.txt"
printf 'access.whitelist whitelist.txt\n' >"${list_dir}/opentracker.conf"
chmod 644 "${list_dir}/opentracker.conf"

port_listening() {  # PORT: a TCP socket listens on 127.0.0.1:PORT
  grep -qi " 0100007F:$(printf '%04X' "$1") 00000000:0000 0A " /proc/net/tcp
}

# start_server CASE PORT: sets server_pid, returns 1 on failure.
start_server() {
  local name="$1" port="$2"
  server_pid=""
  case "${name}" in
    aquatic*)
      local keep_alive=true tls=""
      [[ "${name}" == aquatic ]] && keep_alive=false
      [[ "${name}" == aquatic-tls ]] && tls="enable_tls = true
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
TOML
      taskset -c "${SERVER_CPU}" "${AQUATIC}" http -c "${work}/${name}.toml" \
        >"${work}/${name}.log" 2>&1 &
      ;;
    opentracker)
      [[ -n "${OPENTRACKER}" ]] || { log "opentracker is not installed"; return 1; }
      taskset -c "${SERVER_CPU}" "${OPENTRACKER}" -f "${list_dir}/opentracker.conf" \
        -i 127.0.0.1 -p "${port}" -P "${port}" -d "${list_dir}" >"${work}/${name}.log" 2>&1 &
      ;;
  esac
  server_pid=$!
  for _ in $(seq 50); do
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

busy_ticks() {  # all CPUs: user+nice+system+irq+softirq+steal
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

field() {  # LINE KEY
  sed -n "s/.*[ ]$2=\\([^ ]*\\).*/\\1/p" <<<" $1"
}

now() { date +%s.%N; }

median() {  # numbers...: the median, "n/a" if none
  if [[ $# -eq 0 ]]; then echo n/a; return; fi
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# --- throughput --------------------------------------------------------------
declare -A RATES CPU_US
results="${work}/results.txt"
: >"${results}"
log "${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up) per case: ${CASES}; servers on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU}"
run_port="${PORT}"
for run in $(seq "${REPEAT}"); do
  for name in ${CASES}; do
    run_port=$((run_port + 1))
    keep_alive=true tls=false
    [[ "${name}" == aquatic || "${name}" == opentracker ]] && keep_alive=false
    [[ "${name}" == aquatic-tls ]] && tls=true
    load_config "${work}/load.toml" "${run_port}" "${keep_alive}" "${tls}"
    if ! start_server "${name}" "${run_port}"; then
      echo "${name} ${run} FAILED" >>"${results}"
      continue
    fi
    timeout $((WARMUP + DURATION + 30)) taskset -c "${LOAD_CPU}" "${LOADTEST}" -c "${work}/load.toml" \
      >"${work}/run.out" 2>"${work}/run.err" &
    lt_pid=$!
    sleep "${WARMUP}"
    t0="$(now)"; c0="$(cpu_ticks "${server_pid}")"; l0="$(cpu_ticks "${lt_pid}")"; b0="$(busy_ticks)"
    sleep "${DURATION}"
    t1="$(now)"; c1="$(cpu_ticks "${server_pid}")"; l1="$(cpu_ticks "${lt_pid}")"; b1="$(busy_ticks)"
    # CPU time the machine spent on anything but the server and the load
    # tester (other jobs, interrupts): high values mean a disturbed run.
    other="$(awk -v b="$((b1 - b0 - (c1 - c0) - (l1 - l0)))" -v hz="${CLK_TCK}" -v t0="${t0}" -v t1="${t1}" \
      'BEGIN { v = b / hz / (t1 - t0) * 100; printf "%.0f\n", v < 0 ? 0 : v }')"
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
    scrape="$(field "${result}" scrape_per_s)"
    fails="$(field "${result}" failures)"
    errors="$(field "${result}" errors)"
    timeouts="$(field "${result}" timeouts)"
    lt_cpu="$(field "${result}" cpu_percent)"
    read -r cpu_pct cpu_us < <(awk -v c0="${c0}" -v c1="${c1}" -v t0="${t0}" -v t1="${t1}" \
      -v hz="${CLK_TCK}" -v a="${announce}" -v s="${scrape}" 'BEGIN {
        util = (c1 - c0) / hz / (t1 - t0); rate = a + s;
        per = "n/a"; if (rate > 0) per = sprintf("%.2f", util * 1e6 / rate);
        printf "%.0f %s\n", util * 100, per }')
    echo "${name} ${run} ${announce} ${scrape} ${fails} ${errors} ${timeouts} ${cpu_pct} ${cpu_us} ${lt_cpu} ${other}" >>"${results}"
    log "$(printf '%-17s run %s: %7s announce/s  failures %s  errors %s  timeouts %s  server CPU %s%%  %s us/response  load tester CPU %s%%  other %s%%' \
      "${name}" "${run}" "${announce}" "${fails}" "${errors}" "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}" "${other}")"
  done
done

# --- report ------------------------------------------------------------------
echo
echo "HTTP benchmark: ${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up), ${TORRENTS} torrents, ${PEERS} peers, load tester 1 worker x ${CONNECTIONS} connections, 1 request in flight each"
echo "server on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU} ($(nproc) cpus, $(uname -r))"
echo
printf '| %-17s | %3s | %10s | %8s | %8s | %8s | %8s | %10s | %11s | %10s | %10s |\n' \
  case run announce/s scrape/s failures errors timeouts "server CPU" "CPU us/resp" "loader CPU" "other CPU"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------------- ----- ------------ ---------- \
  ---------- ---------- ---------- ------------ ------------- ------------ ------------
while read -r name run announce scrape fails errors timeouts cpu_pct cpu_us lt_cpu other; do
  if [[ "${announce}" == FAILED ]]; then
    printf '| %-17s | %3s | %10s | %8s | %8s | %8s | %8s | %10s | %11s | %10s | %10s |\n' \
      "${name}" "${run}" failed - - - - - - - -
  else
    printf '| %-17s | %3s | %10s | %8s | %8s | %8s | %8s | %9s%% | %11s | %9s%% | %9s%% |\n' \
      "${name}" "${run}" "${announce}" "${scrape}" "${fails}" "${errors}" "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}" "${other}"
  fi
done <"${results}"
echo
printf '| %-17s | %17s | %19s | %13s |\n' case "median announce/s" "median CPU us/resp" "errors (all)"
printf '|%s|%s|%s|%s|\n' ------------------- ------------------- --------------------- ---------------
for name in ${CASES}; do
  # Runs with failure responses, or errors above 1% of the announces, do not
  # count: a tracker refusing requests is fast at the wrong thing.
  valid='$1 == n && $3 != "FAILED" && $5 == 0 && $6 * 100 <= $3 * '"${DURATION}"
  mapfile -t rates < <(awk -v n="${name}" "${valid} {print \$3}" "${results}")
  mapfile -t cpus < <(awk -v n="${name}" "${valid} && \$9 != \"n/a\" {print \$9}" "${results}")
  all_errors="$(awk -v n="${name}" '$1 == n && $3 != "FAILED" {e += $6} END {print e + 0}' "${results}")"
  RATES[${name}]="$(median "${rates[@]}")"
  CPU_US[${name}]="$(median "${cpus[@]}")"
  printf '| %-17s | %17s | %19s | %13s |\n' "${name}" "${RATES[${name}]}" "${CPU_US[${name}]}" "${all_errors}"
done
ratio() {  # A B: A/B with two decimals, n/a if either is missing or zero
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}
base="${RATES[opentracker]:-n/a}"
echo
echo "announce/s counts successful announce responses only; errors are requests without a usable answer;"
echo "CPU us/resp is server CPU time per answered request; other CPU is what the rest of the machine"
echo "used meanwhile (in % of one core): high means a disturbed run. All ratios are to opentracker"
echo "(no keep-alive): aquatic without keep-alive, with keep-alive, and with TLS + keep-alive."
echo "http ratio vs opentracker: $(ratio "${RATES[aquatic]:-n/a}" "${base}"); keep-alive: $(ratio "${RATES[aquatic-keepalive]:-n/a}" "${base}"); tls: $(ratio "${RATES[aquatic-tls]:-n/a}" "${base}")"
