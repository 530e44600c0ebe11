#!/usr/bin/env bash
# UDP tracker benchmark: the same load against
#   aquatic      `aquatic udp` (this repository), storage off
#   aquatic-sqlite  the same with [storage] backend = "sqlite" (the default):
#                completed counts written every flush_interval
#                (announces with event=completed: 1% of seeders' announces)
#   aquatic-private  aquatic-sqlite with [private] mode = "keys": each of the
#                PEERS load-test peers announces with a key of its own
#                (BEP 41 URL data /announce/KEY, [requests] private_keys of
#                the load tester), all PEERS keys in the SQLite file and
#                per-key transfer accounting on. Before the runs, one start
#                of aquatic makes the schema, the keys go in one transaction
#                (insert_keys, python3's sqlite3), and a 1 s probe checks that
#                keyed announces are answered and keyless ones refused; each
#                run starts from a copy of that file. UDP scrapes cannot carry
#                a key (aquatic refuses them), so this case alone sends none
#                (weight_scrape = 0; the others send 1 scrape per 100
#                announces).
#   aquatic-nolimits  aquatic with [limits] max_torrents and max_peers off
#                (every other case runs with their defaults, far above this
#                load): what the engine's memory limits cost
#   opentracker  Debian's opentracker (allow-list build, IPv4)
#   floor        tools/bench:noop_udp_responder, a stateless fixed reply with
#                recvmmsg/sendmmsg: the most the kernel allows
# Each server runs pinned to one core (taskset -c $BENCH_SERVER_CPU), the load
# tester (//loadtest:udp) to the other; warm-up discarded; repeated, the
# servers' order reversed every other round. Reported:
# announce responses/s (successful ones only: error responses are counted
# apart, and a run with any is left out of the medians), server CPU
# microseconds per answered request (from /proc/PID/stat over the measured
# window only), and the ratios of aquatic to opentracker and to the floor
# (medians). A second part fills aquatic and opentracker with
# BENCH_FILL_PEERS peers over BENCH_FILL_TORRENTS torrents and reports
# resident memory per peer (VmRSS).
#
# Knobs (environment):
#   BENCH_DURATION=20       measured seconds per run
#   BENCH_WARMUP=3          warm-up seconds per run (not measured)
#   BENCH_REPEAT=3          runs per server
#   BENCH_SERVERS="aquatic aquatic-sqlite aquatic-private opentracker floor"
#   BENCH_FILL_PEERS=1000000 BENCH_FILL_TORRENTS=100000 (BENCH_FILL_PEERS=0 skips)
#   BENCH_FILL_TIMEOUT=180  most seconds for one fill
#   BENCH_PORT=39100        first of the loopback ports used
#   BENCH_SERVER_CPU=0 BENCH_LOAD_CPU=1
#   BENCH_SOCKETS=4 BENCH_IN_FLIGHT=64  load tester sockets and requests in flight per socket
#   BENCH_SKIP_BUILD=1      use the binaries already built with --config=opt
#   BENCH_MAX_OTHER=20      paired ratios leave out rounds where other CPU (the
#                           rest of the machine) went above this percentage
#   BENCH_BASELINE_BIN=PATH also run this `aquatic` (e.g. an earlier commit's) as
#                           "aquatic@baseline" in every round; the last line then
#                           ends with "vs baseline: X.XX (cpu Y.YY)"
#
# The last line is:
#   udp ratio vs opentracker: X.XX; vs floor: Y.YY; bytes/peer aquatic A opentracker B;
#   storage sqlite vs off: S.SS; private vs sqlite: P.PP (cpu C.CC, paired R.RRR);
#   limits on vs off: L.LL (paired R.RRR)
# ("n/a" where a server failed, or was not in BENCH_SERVERS: aquatic-nolimits
# is not by default). L.LL is aquatic's median over aquatic-nolimits'. P.PP is the median announce responses/s of
# aquatic-private over aquatic-sqlite's; C.CC aquatic-sqlite's CPU us/resp over
# aquatic-private's (above 1: private mode costs less per response). "paired"
# is the median of each round's own ratio (the line before gives its
# quartiles): prefer it when the ratio sought is within a few percent of 1,
# as the host's speed drifts between rounds by more than that. If the
# private case's key setup fails the script stops before measuring; if a
# measured aquatic-private run got mostly error responses (keys refused) or
# sent no keys, the last line says "private vs sqlite: FAILED (why)" and the
# script exits 1.
# Only loopback addresses are used. The parts shared with http.sh and ws.sh
# are in tools/bench/lib.sh.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" || exit 1
# From lib.sh: DURATION WARMUP REPEAT SERVER_CPU LOAD_CPU SEED.

SERVERS="$(with_baseline ${BENCH_SERVERS:-aquatic aquatic-sqlite aquatic-private opentracker floor})"
FILL_PEERS="${BENCH_FILL_PEERS:-1000000}"
FILL_TORRENTS="${BENCH_FILL_TORRENTS:-100000}"
FILL_TIMEOUT="${BENCH_FILL_TIMEOUT:-180}"
PORT="${BENCH_PORT:-39100}"
SOCKETS="${BENCH_SOCKETS:-4}"
IN_FLIGHT="${BENCH_IN_FLIGHT:-64}"
TORRENTS=10000
PEERS=100000

bench_init
check_baseline
# A world-readable work folder: opentracker chroots into a part of it and
# drops to nobody.
make_work_dir udp 755

# --- build -------------------------------------------------------------------
build_and_copy //tracker:aquatic //loadtest:udp //tools/bench:noop_udp_responder
AQUATIC="${work}/bin/aquatic"
LOADTEST="${work}/bin/udp"
NOOP="${work}/bin/noop_udp_responder"

# --- configs -----------------------------------------------------------------
# load_config FILE PORT MODE TORRENTS PEERS DURATION WARMUP [HASH_FILE] [KEYS]
# KEYS "keys": every announce with its peer's key, no scrapes (the private case).
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
$([[ "${9:-}" == keys ]] && printf 'private_keys = true\nweight_scrape = 0')
TOML
}

# One allow list per torrent count, both trackers read the same file.
# make_allow_list NAME TORRENTS PEERS: writes ${work}/NAME/whitelist.txt
make_allow_list() {
  mkdir -p "${work}/$1"
  chmod 755 "${work}/$1"
  load_config "${work}/$1/hashes.toml" "${PORT}" load "$2" "$3" 1 0 "${work}/$1/whitelist.txt"
  opentracker_allow_list "${LOADTEST}" "${work}/$1/hashes.toml" "${work}/$1"
}

# start_server NAME PORT LIST_DIR: sets server_pid, returns 1 on failure.
start_server() {
  local name="$1" port="$2" dir="$3"
  server_pid=""
  case "$(case_base "${name}")" in
    aquatic | aquatic-sqlite | aquatic-private | aquatic-nolimits)
      # A private case starts from the file with its keys (once made).
      if [[ "${name}" == *-private && -n "${PRIVATE_DB}" ]]; then
        cp "${PRIVATE_DB}" "${dir}/${name}-${port}.sqlite3" || return 1
      fi
      cat >"${dir}/${name}.toml" <<TOML
socket_workers = 1
[network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
[access_list]
mode = "allow"
path = "${dir}/whitelist.txt"
$(storage_section "${name}" "${dir}/${name}-${port}.sqlite3")
$(private_section "${name}")
$(limits_section "${name}")
TOML
      taskset -c "${SERVER_CPU}" "$(aquatic_bin "${name}")" udp -c "${dir}/${name}.toml" \
        >"${dir}/${name}.log" 2>&1 &
      ;;
    opentracker)
      launch_opentracker "${dir}" "${port}" "${dir}/opentracker.log" || return 1
      ;;
    floor)
      taskset -c "${SERVER_CPU}" "${NOOP}" "${port}" >"${dir}/floor.log" 2>&1 &
      ;;
    *) die "unknown server ${name}" ;;
  esac
  server_pid=$!
  await_server "${name}" "${port}" udp "${dir}/${name}.log" 50
}

# --- the private case's keys -------------------------------------------------
# prepare_private_db DIR: makes ${work}/private-keys.sqlite3 (aquatic's schema
# and the keys of all PEERS load-test peers) and sets PRIVATE_DB to it, so
# that start_server copies it for each aquatic-private run; then checks, on
# one such start, that announces with their keys are answered and announces
# without keys refused (two load tests of 1 s). Dies on any failure: a broken
# key setup must not pass as a result. DIR holds the allow list. Uses
# run_port, work.
PRIVATE_DB=""
prepare_private_db() {
  local dir="$1" db keys result announces errors loaded
  { command -v python3 && python3 -c 'import sqlite3'; } >/dev/null 2>&1 ||
    die "aquatic-private needs python3 with its sqlite3 module (or leave it out of BENCH_SERVERS)"
  # The load tester derives each peer's key from the peer's index.
  load_config "${work}/keys.toml" "${PORT}" load "${TORRENTS}" "${PEERS}" 1 0
  printf 'key_file = "%s"\n' "${work}/keys.txt" >>"${work}/keys.toml"
  "${LOADTEST}" -c "${work}/keys.toml" -w 2>/dev/null || die "writing the peers' keys failed"
  # A first start of aquatic makes the schema; a clean stop closes the file.
  run_port=$((run_port + 1))
  start_server aquatic-private "${run_port}" "${dir}" || die "aquatic-private did not start"
  stop_server
  db="${dir}/aquatic-private-${run_port}.sqlite3"
  insert_keys "${db}" "${work}/keys.txt" "${PEERS}" 2>"${work}/keys.err" ||
    die "inserting the keys into ${db} failed: $(tail -n 3 "${work}/keys.err")"
  PRIVATE_DB="${work}/private-keys.sqlite3"
  mv "${db}" "${PRIVATE_DB}" || die "moving ${db} failed"

  run_port=$((run_port + 1))
  start_server aquatic-private "${run_port}" "${dir}" ||
    die "aquatic-private did not start with ${PEERS} keys"
  loaded="$(grep -o 'private tracker: [0-9]* keys' "${dir}/aquatic-private.log" | tail -n 1)"
  for keys in keys none; do
    load_config "${work}/probe.toml" "${run_port}" load "${TORRENTS}" "${PEERS}" 1 0 "" "${keys}"
    timeout 30 taskset -c "${LOAD_CPU}" "${LOADTEST}" -c "${work}/probe.toml" \
      >"${work}/probe.out" 2>&1
    result="$(grep '^RESULT ' "${work}/probe.out" | tail -n 1)"
    announces="$(field "${result}" announces)"
    errors="$(field "${result}" errors)"
    if [[ "${keys}" == keys ]]; then
      [[ -n "${announces}" && "${announces}" -gt 0 && "${errors}" == 0 ]] ||
        die "aquatic-private refused the load tester's keys (${loaded:-no key count logged}):" \
          "${announces:-no} announces, ${errors:-no} errors in 1 s;" \
          "server log: $(tail -n 3 "${dir}/aquatic-private.log" | tr '\n' ' ')"
    else
      [[ "${announces}" == 0 && -n "${errors}" && "${errors}" -gt 0 ]] ||
        die "aquatic-private answered announces without a key (${announces:-no} announces," \
          "${errors:-no} errors): [private] mode = \"keys\" is not in effect"
    fi
  done
  stop_server
  log "aquatic-private: ${loaded:-keys} from $(basename "${PRIVATE_DB}");" \
    "probe: keyed announces answered, keyless ones refused"
}

# --- throughput --------------------------------------------------------------
make_allow_list load "${TORRENTS}" "${PEERS}"
load_config "${work}/load.toml" "${PORT}" load "${TORRENTS}" "${PEERS}" "${DURATION}" "${WARMUP}"
load_config "${work}/load-private.toml" "${PORT}" load "${TORRENTS}" "${PEERS}" "${DURATION}" \
  "${WARMUP}" "" keys

declare -A RATES CPU_US
results="${work}/results.txt"
: >"${results}"
log "throughput: ${REPEAT} x ${DURATION} s (+${WARMUP} s warm-up) per server; servers on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU}"
run_port="${PORT}"
[[ " ${SERVERS} " == *" aquatic-private "* ]] && prepare_private_db "${work}/load"
private_failed=""
for run in $(seq "${REPEAT}"); do
  for name in $(round_order "${run}" ${SERVERS}); do
    run_port=$((run_port + 1))
    config="${work}/load.toml"
    [[ "$(case_base "${name}")" == *-private ]] && config="${work}/load-private.toml"
    sed -i "s/^server_address = .*/server_address = \"127.0.0.1:${run_port}\"/" "${config}"
    if ! start_server "${name}" "${run_port}" "${work}/load"; then
      echo "${name} ${run} FAILED" >>"${results}"
      continue
    fi
    start_load_tester "${LOADTEST}" "${config}" $((WARMUP + DURATION + 30))
    sleep "${WARMUP}"
    t0="$(now)"; c0="$(cpu_ticks "${server_pid}")"; b0="$(busy_ticks)"
    sleep "${DURATION}"
    t1="$(now)"; c1="$(cpu_ticks "${server_pid}")"; b1="$(busy_ticks)"
    finish_run "${name}" "${run}" "${results}" || continue
    announce="$(field "${result}" announce_per_s)"
    connect="$(field "${result}" connect_per_s)"
    scrape="$(field "${result}" scrape_per_s)"
    errors="$(field "${result}" errors)"
    timeouts="$(field "${result}" timeouts)"
    lt_cpu="$(field "${result}" cpu_percent)"
    # CPU time the machine spent on anything but the server and the load
    # tester (other jobs, interrupts): high values mean a disturbed run.
    other="$(other_cpu_percent "$((b1 - b0 - (c1 - c0)))" "${t0}" "${t1}" "${lt_cpu}")"
    read -r cpu_pct cpu_us < <(server_cpu "${c0}" "${c1}" "${t0}" "${t1}" 2 "${announce}" "${connect}" "${scrape}")
    echo "${name} ${run} ${announce} ${scrape} ${errors} ${timeouts} ${cpu_pct} ${cpu_us} ${lt_cpu} ${other}" >>"${results}"
    log "$(printf '%-12s run %s: %9s announce/s  errors %s  timeouts %s  server CPU %s%%  %s us/response  load tester CPU %s%%  other %s%%' \
      "${name}" "${run}" "${announce}" "${errors}" "${timeouts}" "${cpu_pct}" "${cpu_us}" "${lt_cpu}" "${other}")"
    # Keys refused although the probe passed (expired, revoked, a changed
    # derivation), or none sent: the run did not measure private mode.
    if [[ "$(case_base "${name}")" == *-private ]]; then
      why=""
      if [[ "$(field "${result}" private_keys)" != 1 ]]; then
        why="the load tester sent no keys"
      elif mostly_errors "${errors}" "$(field "${result}" announces)"; then
        why="most responses were errors: ${errors} errors, $(field "${result}" announces) announces"
      fi
      if [[ -n "${why}" ]]; then
        private_failed+="${private_failed:+, }run ${run}: ${why}"
        log "${name} run ${run}: NOT A RESULT: ${why}"
      fi
    fi
  done
done

# --- memory ------------------------------------------------------------------
declare -A BYTES_PER_PEER
if [[ "${FILL_PEERS}" -gt 0 ]]; then
  make_allow_list fill "${FILL_TORRENTS}" "${FILL_PEERS}"
  log "memory: ${FILL_PEERS} peers over ${FILL_TORRENTS} torrents"
  for name in ${SERVERS}; do
    [[ "${name}" == floor || "${name}" == *-sqlite || "${name}" == *-private ]] && continue
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
machine_line
echo
runs="-17 3 11 9 8 8 10% 11 10% 10%"
table_header "${runs}" server run announce/s scrape/s errors timeouts "server CPU" "CPU us/resp" \
  "loader CPU" "other CPU"
while read -r name run announce scrape errors timeouts cpu_pct cpu_us lt_cpu other; do
  if [[ "${announce}" == FAILED ]]; then
    table_row "${runs//%/}" "${name}" "${run}" failed - - - - - - -
  else
    table_row "${runs}" "${name}" "${run}" "${announce}" "${scrape}" "${errors}" "${timeouts}" \
      "${cpu_pct}" "${cpu_us}" "${lt_cpu}" "${other}"
  fi
done <"${results}"
echo
medians="-17 17 19 12"
table_header "${medians}" server "median announce/s" "median CPU us/resp" "bytes/peer"
for name in ${SERVERS}; do
  # Runs with errors count as failed: a tracker refusing every request is fast
  # at the wrong thing.
  RATES[${name}]="$(median_column "${results}" "${name}" '$5 == 0' 3)"
  CPU_US[${name}]="$(median_column "${results}" "${name}" '$5 == 0 && $8 != "n/a"' 8)"
  table_row "${medians}" "${name}" "${RATES[${name}]}" "${CPU_US[${name}]}" "${BYTES_PER_PEER[${name}]:--}"
done
vs_ot="$(ratio "${RATES[aquatic]:-n/a}" "${RATES[opentracker]:-n/a}")"
vs_floor="$(ratio "${RATES[aquatic]:-n/a}" "${RATES[floor]:-n/a}")"
echo
echo "ratios are of median announce responses/s; CPU us/resp is server CPU time per answered request;"
echo "other CPU is what the rest of the machine used meanwhile (in % of one core): high means a disturbed run"
vs_baseline="$(baseline_ratios RATES CPU_US ${SERVERS})"
vs_off="$(ratio "${RATES[aquatic-sqlite]:-n/a}" "${RATES[aquatic]:-n/a}")"
# Each round's own ratio as well: the host's speed drifts between rounds by
# more than the few percent a mode costs, and that drift cancels in a round.
paired_private="$(paired_ratio "${results}" aquatic-private aquatic-sqlite 3)"
paired_nolimits="$(paired_ratio "${results}" aquatic aquatic-nolimits 3)"
echo "paired (median of each round's ratio, quartiles): private vs sqlite ${paired_private}, cpu $(paired_ratio "${results}" aquatic-sqlite aquatic-private 8); limits on vs off ${paired_nolimits}, cpu $(paired_ratio "${results}" aquatic-nolimits aquatic 8)"
vs_private="$(ratio "${RATES[aquatic-private]:-n/a}" "${RATES[aquatic-sqlite]:-n/a}") (cpu $(ratio "${CPU_US[aquatic-sqlite]:-n/a}" "${CPU_US[aquatic-private]:-n/a}"), paired ${paired_private%% *})"
[[ -n "${private_failed}" ]] && vs_private="FAILED (${private_failed})"
vs_nolimits="$(ratio "${RATES[aquatic]:-n/a}" "${RATES[aquatic-nolimits]:-n/a}") (paired ${paired_nolimits%% *})"
echo "udp ratio vs opentracker: ${vs_ot}; vs floor: ${vs_floor}; bytes/peer aquatic ${BYTES_PER_PEER[aquatic]:-n/a} opentracker ${BYTES_PER_PEER[opentracker]:-n/a}; storage sqlite vs off: ${vs_off}; private vs sqlite: ${vs_private}; limits on vs off: ${vs_nolimits}${vs_baseline:+; vs baseline: ${vs_baseline}}"
[[ -z "${private_failed}" ]] || exit 1
