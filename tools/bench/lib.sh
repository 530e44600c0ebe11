# shellcheck shell=bash
# Shared helpers of the benchmark scripts udp.sh, http.sh and ws.sh. This file
# is sourced, not run:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" || exit 1
#
# Sourcing it only defines functions and sets these globals:
#   DURATION WARMUP REPEAT  from BENCH_DURATION (20), BENCH_WARMUP (3),
#                           BENCH_REPEAT (3): measured and warm-up seconds per
#                           run, runs per server
#   SERVER_CPU LOAD_CPU     from BENCH_SERVER_CPU (0), BENCH_LOAD_CPU (1): the
#                           cores (taskset -c) of the server and load tester
#   SEED                    the workload seed of every load tester config
#   BASELINE                from BENCH_BASELINE_BIN: another `aquatic` binary
#                           (an earlier commit's, built with --config=opt) run
#                           beside this one; every aquatic case NAME gets a
#                           twin NAME@baseline in the same loop, and the last
#                           line gives the ratios of the two
#   server_pid lt_pid       empty: the running server and load tester
# Nothing else runs until the script calls:
#   bench_init              cd to the workspace (sets `workspace`), check for
#                           taskset, set CLK_TCK
#   make_work_dir           the temporary work folder (sets `work`), and the
#                           EXIT/INT/TERM traps that stop everything and remove it
#   build_and_copy          bazel build --config=opt (unless BENCH_SKIP_BUILD)
#                           and copies of the binaries in ${work}/bin
# and then: opentracker_allow_list and launch_opentracker (udp.sh, http.sh),
# await_server after starting a server in the background (udp_port_bound,
# tcp_port_listening), per run start_load_tester and finish_run, cpu_ticks /
# busy_ticks / rss_kb / now around the measured window, server_cpu and
# other_cpu_percent, field to read the load tester's `RESULT key=value ...`
# line (mostly_errors to check it), stop_server; for the report: median_column,
# median, ratio, table_header / table_row, machine_line. The aquatic cases'
# config sections: storage_section, private_section (and insert_keys for the
# keys of a private case); with_baseline and its helpers for BASELINE.
#
# Globals the functions use are named at each function; everything else is an
# argument.

# shellcheck disable=SC2034  # used by the scripts that source this file
{
  DURATION="${BENCH_DURATION:-20}"
  WARMUP="${BENCH_WARMUP:-3}"
  REPEAT="${BENCH_REPEAT:-3}"
  SERVER_CPU="${BENCH_SERVER_CPU:-0}"
  LOAD_CPU="${BENCH_LOAD_CPU:-1}"
  SEED=20240601
  BASELINE="${BENCH_BASELINE_BIN:-}"
}
server_pid=""
lt_pid=""

# The sourcing script's name (log prefix) and this folder, tools/bench.
bench_script="$(basename "${BASH_SOURCE[1]:-$0}")"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "${bench_script}: $*" >&2; }
die() { log "$*"; exit 1; }

# --- setup -------------------------------------------------------------------
bench_init() {  # sets workspace and CLK_TCK; the working directory is the workspace
  workspace="$(cd "${bench_dir}/../.." && pwd)"
  cd "${workspace}" || die "no workspace"
  command -v taskset >/dev/null || die "taskset (util-linux) is missing"
  CLK_TCK="$(getconf CLK_TCK)"
}

# make_work_dir NAME [MODE]: sets work to a new /tmp/aquatic-NAME-bench.XXXXXX
# (chmod MODE if given: opentracker chroots into it and drops to nobody, so
# 755), and traps EXIT to cleanup (which uses work, server_pid, lt_pid).
make_work_dir() {
  work="$(mktemp -d "/tmp/aquatic-$1-bench.XXXXXX")" || die "mktemp failed"
  [[ -n "${2:-}" ]] && chmod "$2" "${work}"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

stop_server() {  # the server of server_pid: TERM, up to 5 s, then KILL; clears server_pid
  if [[ -n "${server_pid}" ]]; then
    kill "${server_pid}" 2>/dev/null
    for _ in $(seq 50); do kill -0 "${server_pid}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${server_pid}" 2>/dev/null
    wait "${server_pid}" 2>/dev/null
    server_pid=""
  fi
}

cleanup() {  # EXIT trap: stops lt_pid and server_pid, removes work
  if [[ -n "${lt_pid}" ]]; then
    kill "${lt_pid}" 2>/dev/null
    wait "${lt_pid}" 2>/dev/null
  fi
  stop_server
  rm -rf "${work}"
}

# build_and_copy LABEL...: builds the targets with --config=opt (unless
# BENCH_SKIP_BUILD is set) and copies each binary to ${work}/bin/NAME, so
# concurrent builds cannot swap a binary under a run. Uses work.
build_and_copy() {
  local label path bin_dir
  if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
    log "building with --config=opt"
    bazel build --config=opt "$@" >"${work}/build.log" 2>&1 ||
      { cat "${work}/build.log" >&2; die "build failed"; }
  fi
  bin_dir="$(bazel info --config=opt bazel-bin 2>/dev/null)" || die "bazel info failed"
  mkdir -p "${work}/bin"
  for label in "$@"; do
    path="${label#//}"
    path="${path/://}"
    cp "${bin_dir}/${path}" "${work}/bin/" || die "missing ${bin_dir}/${path}: build with --config=opt"
  done
}

# --- the baseline binary --------------------------------------------------------
# with_baseline NAMES...: the names, each aquatic one followed by its
# NAME@baseline twin when BASELINE is set (not the storage and private cases:
# an earlier binary may have no [storage] or [private]).
with_baseline() {
  local name out=()
  for name in "$@"; do
    out+=("${name}")
    [[ -n "${BASELINE}" && "${name}" == aquatic* && "${name}" != *-sqlite &&
       "${name}" != *-private ]] && out+=("${name}@baseline")
  done
  echo "${out[*]}"
}

# storage_section NAME FILE: the [storage] keys of an aquatic case: SQLite in
# FILE for the *-sqlite and *-private cases, none otherwise; nothing for a
# baseline binary, which may predate [storage].
storage_section() {
  [[ "$1" == *@baseline ]] && return 0
  if [[ "$1" == *-sqlite || "$1" == *-private ]]; then
    printf '[storage]\nbackend = "sqlite"\npath = "%s"\n' "$2"
  else
    printf '[storage]\nbackend = "none"\n'
  fi
}

# private_section NAME: the [private] keys of an aquatic case: keys required
# for the *-private cases (their keys come from insert_keys), nothing otherwise.
private_section() {
  [[ "$1" == *-private ]] && printf '[private]\nmode = "keys"\n'
  return 0
}

# insert_keys DB KEY_FILE COUNT: adds every line of KEY_FILE (a load tester's
# [requests] key_file) to the aquatic_keys table of the SQLite file DB, never
# expiring, in one transaction; DB must hold aquatic's schema (version 3 or
# later: start aquatic on it once). Leaves DB one self-contained file (no WAL),
# ready to copy. Fails, saying why, unless aquatic_keys then holds exactly
# COUNT keys. Needs python3 with its sqlite3 module.
insert_keys() {
  python3 - "$1" "$2" "$3" <<'PY'
import sqlite3, sys
db, key_file, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(key_file) as lines:
    keys = [line.strip() for line in lines if line.strip()]
connection = sqlite3.connect(db)
try:
    version = connection.execute("SELECT MAX(version) FROM aquatic_schema_version").fetchone()[0]
    if version is None or version < 3:
        sys.exit(f"{db}: schema version {version}, keys need 3 or later")
    with connection:  # one transaction
        connection.executemany(
            "INSERT INTO aquatic_keys (key, valid_until) VALUES (?, 0)", ((k,) for k in keys))
    count = connection.execute("SELECT COUNT(*) FROM aquatic_keys").fetchone()[0]
    connection.execute("PRAGMA journal_mode=DELETE")
finally:
    connection.close()
if count != expected:
    sys.exit(f"{db}: {count} keys in aquatic_keys, expected {expected}")
PY
}

# limits_section NAME: the [limits] of a case; *-nolimits turns the engine's
# torrent and peer limits off (the other cases keep the defaults, far above
# any benchmark's swarms), to measure what the limits cost.
limits_section() {
  [[ "$1" == *-nolimits ]] && printf '[limits]\nmax_torrents = 0\nmax_peers = 0\n'
  return 0
}

# open_connections_section NAME: turns [limits] max_connections_per_ip off
# (every load-test connection comes from a loopback address); nothing for a
# baseline binary, which may predate [limits].
open_connections_section() {
  [[ "$1" == *@baseline ]] || printf '[limits]\nmax_connections_per_ip = 0\n'
}

# round_order RUN NAMES...: the names in order for odd runs, reversed for
# even ones. Measured on this machine, the second server of a round ran up to
# 10% faster than the first whatever the two were; alternating the order
# cancels that out of the medians when REPEAT is even.
round_order() {
  local run="$1"
  shift
  if (( run % 2 == 1 )); then
    echo "$@"
  else
    local reversed=() name
    for name in "$@"; do reversed=("${name}" "${reversed[@]}"); done
    echo "${reversed[@]}"
  fi
}

case_base() { echo "${1%@baseline}"; }  # NAME: the case without @baseline

# aquatic_bin NAME: the binary a case runs (uses AQUATIC and BASELINE).
aquatic_bin() {
  if [[ "$1" == *@baseline ]]; then echo "${BASELINE}"; else echo "${AQUATIC}"; fi
}

check_baseline() {  # dies unless BASELINE is empty or an executable
  [[ -z "${BASELINE}" || -x "${BASELINE}" ]] ||
    die "BENCH_BASELINE_BIN=${BASELINE} is not an executable"
}

# baseline_ratios RATES_ARRAY CPU_ARRAY NAMES...: for each aquatic case with a
# twin, "NAME x.xx (cpu y.yy)": this binary's median rate over the baseline's,
# and the baseline's CPU per response over this one's (above 1: faster).
baseline_ratios() {
  # Names of their own: a nameref to a caller's array of the same name loops.
  local -n baseline_rates_="$1" baseline_cpu_="$2"
  shift 2
  local name parts=()
  for name in "$@"; do
    [[ "${name}" == aquatic* && "${name}" != *@baseline ]] || continue
    [[ -n "${baseline_rates_[${name}@baseline]:-}" ]] || continue
    parts+=("${name} $(ratio "${baseline_rates_[${name}]:-n/a}" "${baseline_rates_[${name}@baseline]}") (cpu $(ratio "${baseline_cpu_[${name}@baseline]:-n/a}" "${baseline_cpu_[${name}]:-n/a}"))")
  done
  local IFS=";"
  echo "${parts[*]}" | sed 's/;/; /g'
}

# --- servers -----------------------------------------------------------------
udp_port_bound() {  # PORT: a UDP socket is bound to 127.0.0.1:PORT
  grep -qi " 0100007F:$(printf '%04X' "$1") " /proc/net/udp
}

tcp_port_listening() {  # PORT: a TCP socket listens on 127.0.0.1:PORT
  grep -qi " 0100007F:$(printf '%04X' "$1") 00000000:0000 0A " /proc/net/tcp
}

# opentracker_allow_list LOADTEST HASHES_TOML DIR: the load tester (-w) writes
# the info hashes of the workload of HASHES_TOML to its info_hash_file, which
# must be DIR/whitelist.txt; DIR/opentracker.conf makes opentracker (chrooted
# to DIR) read it. Both world-readable.
opentracker_allow_list() {
  "$1" -c "$2" -w 2>/dev/null || die "writing the allow list failed"
  chmod 644 "$3/whitelist.txt"
  printf 'access.whitelist whitelist.txt\n' >"$3/opentracker.conf"
  chmod 644 "$3/opentracker.conf"
}

# launch_opentracker DIR PORT LOG: starts Debian's opentracker in the
# background (take its PID from $!), pinned to SERVER_CPU, on 127.0.0.1:PORT
# (UDP and TCP), chrooted to DIR of opentracker_allow_list; returns 1 if
# opentracker is not installed. Uses SERVER_CPU.
launch_opentracker() {
  local opentracker
  opentracker="$(command -v opentracker)" || { log "opentracker is not installed"; return 1; }
  taskset -c "${SERVER_CPU}" "${opentracker}" -f "$1/opentracker.conf" \
    -i 127.0.0.1 -p "$2" -P "$2" -d "$1" >"$3" 2>&1 &
}

# await_server NAME PORT udp|tcp LOG TRIES: after the server of server_pid was
# started, waits up to TRIES x 0.1 s for it to bind (udp) or listen on (tcp)
# 127.0.0.1:PORT. Returns 1, with server_pid cleared and the end of LOG logged,
# if it exits or does not bind in time. Uses server_pid.
await_server() {
  local name="$1" port="$2" proto="$3" log_file="$4" tries="$5"
  for _ in $(seq "${tries}"); do
    if ! kill -0 "${server_pid}" 2>/dev/null; then
      log "${name} exited at start: $(tail -n 3 "${log_file}" 2>/dev/null | tr '\n' ' ')"
      wait "${server_pid}" 2>/dev/null
      server_pid=""
      return 1
    fi
    if [[ "${proto}" == udp ]]; then
      udp_port_bound "${port}" && { sleep 0.2; return 0; }
    else
      tcp_port_listening "${port}" && { sleep 0.2; return 0; }
    fi
    sleep 0.1
  done
  if [[ "${proto}" == udp ]]; then
    log "${name} did not bind 127.0.0.1:${port}"
  else
    log "${name} did not listen on 127.0.0.1:${port}"
  fi
  stop_server
  return 1
}

# --- runs --------------------------------------------------------------------
# start_load_tester LOADTEST CONFIG SECONDS: runs `LOADTEST -c CONFIG` in the
# background, pinned to LOAD_CPU, killed after SECONDS, output in
# ${work}/run.out and ${work}/run.err; sets lt_pid. Uses LOAD_CPU, work.
start_load_tester() {
  timeout "$3" taskset -c "${LOAD_CPU}" "$1" -c "$2" >"${work}/run.out" 2>"${work}/run.err" &
  lt_pid=$!
}

# finish_run NAME RUN RESULTS: waits for the load tester of lt_pid, stops the
# server and sets `result` to the load tester's last RESULT line. If the load
# tester failed or printed no RESULT, or the server died meanwhile, logs why,
# appends "NAME RUN FAILED" to RESULTS and returns 1. Uses lt_pid, server_pid,
# work, result.
finish_run() {
  local lt_code alive=yes
  wait "${lt_pid}"
  lt_code=$?
  lt_pid=""
  kill -0 "${server_pid}" 2>/dev/null || alive=no
  stop_server
  result="$(grep '^RESULT ' "${work}/run.out" | tail -n 1)"
  if [[ ${lt_code} -ne 0 || -z "${result}" || "${alive}" == no ]]; then
    log "$1 run $2: load tester exit ${lt_code}, server alive: ${alive}; $(tail -n 2 "${work}/run.err")"
    echo "$1 $2 FAILED" >>"$3"
    return 1
  fi
}

# mostly_errors ERRORS ANSWERS: whether ERRORS error responses are at least as
# many as ANSWERS successful ones (a tracker refusing the load, e.g. keys it
# does not know); false when ANSWERS is missing.
mostly_errors() {
  [[ -n "$1" && -n "$2" ]] && awk -v e="$1" -v a="$2" 'BEGIN { exit !(e > 0 && e >= a) }'
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

field() {  # LINE KEY: the value of KEY=value in LINE
  sed -n "s/.*[ ]$2=\\([^ ]*\\).*/\\1/p" <<<" $1"
}

now() { date +%s.%N; }

# server_cpu C0 C1 T0 T1 DECIMALS RATE...: "PERCENT US" for a server that used
# C1 - C0 ticks (cpu_ticks) from T0 to T1 (now): percent of one core, and CPU
# microseconds per response at the sum of the RATEs (responses/s) with
# DECIMALS decimals, "n/a" if that sum is 0. Uses CLK_TCK.
server_cpu() {
  local c0="$1" c1="$2" t0="$3" t1="$4" decimals="$5"
  shift 5
  awk -v c0="${c0}" -v c1="${c1}" -v t0="${t0}" -v t1="${t1}" -v hz="${CLK_TCK}" \
    -v d="${decimals}" -v rates="$*" 'BEGIN {
      util = (c1 - c0) / hz / (t1 - t0);
      n = split(rates, r, " "); rate = 0; for (i = 1; i <= n; i++) rate += r[i];
      per = "n/a"; if (rate > 0) per = sprintf("%." d "f", util * 1e6 / rate);
      printf "%.0f %s\n", util * 100, per }'
}

# other_cpu_percent TICKS T0 T1 [MINUS]: TICKS (busy ticks of the whole machine
# less those of the measured processes) from T0 to T1 in percent of one core,
# less MINUS percent, rounded, at least 0: what other jobs and interrupts used,
# high values mean a disturbed run. Uses CLK_TCK.
other_cpu_percent() {
  awk -v b="$1" -v hz="${CLK_TCK}" -v t0="$2" -v t1="$3" -v lt="${4:-0}" \
    'BEGIN { v = b / hz / (t1 - t0) * 100 - lt; printf "%.0f\n", v < 0 ? 0 : v }'
}

# --- report ------------------------------------------------------------------
median() {  # numbers...: the median, "n/a" if none
  if [[ $# -eq 0 ]]; then echo n/a; return; fi
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# median_column RESULTS NAME CONDITION COLUMN: the median of column COLUMN of
# the lines of RESULTS ("NAME RUN VALUE..." or "NAME RUN FAILED") of NAME that
# did not fail and meet the awk CONDITION ("1" for all).
median_column() {
  local values
  mapfile -t values < <(awk -v n="$2" "\$1 == n && \$3 != \"FAILED\" && ($3) {print \$$4}" "$1")
  median "${values[@]}"
}

# paired_ratio RESULTS A B COLUMN: the median over rounds of A's COLUMN over
# B's in the same round (lines "NAME RUN VALUE..." with the other CPU last,
# rounds where both ran without errors and neither was disturbed: other CPU
# at most BENCH_MAX_OTHER percent, 20 by default), then its first and third
# quartiles and the number of rounds: "M.MMM (Q1-Q3, N rounds)", or "n/a".
# The servers of one round ran minutes apart at most, so drift of the host's
# speed, which moves whole runs, cancels in each round's ratio; the
# quartiles say how far one round can be trusted.
paired_ratio() {
  awk -v a="$2" -v b="$3" -v c="$4" -v most="${BENCH_MAX_OTHER:-20}" '
    $3 != "FAILED" && $5 == 0 && $NF + 0 <= most && $1 == a { x[$2] = $c }
    $3 != "FAILED" && $5 == 0 && $NF + 0 <= most && $1 == b { y[$2] = $c }
    END {
      n = 0
      for (r in x) if ((r in y) && y[r] + 0 > 0 && x[r] != "n/a") q[++n] = x[r] / y[r]
      if (n == 0) { print "n/a"; exit }
      for (i = 2; i <= n; ++i) { v = q[i]; for (j = i - 1; j >= 1 && q[j] > v; --j) q[j + 1] = q[j]; q[j + 1] = v }
      m = (n % 2) ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2
      printf "%.3f (%.2f-%.2f, %d rounds)\n", m, q[int((n + 3) / 4)], q[int((3 * n + 3) / 4)], n
    }' "$1"
}

ratio() {  # A B: A/B with two decimals, n/a if either is missing or zero
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}

# Markdown tables. A SPEC is a string of column widths, one per column:
#   -N  left-aligned in N characters
#   N   right-aligned in N characters
#   N%  right-aligned in N characters of which the last is a % sign
# table_header SPEC TITLE...: the title row (no % signs) and the rule under it.
# table_row SPEC VALUE...: one row; with "${SPEC//%/}" a row without % signs.
table_row() {
  local fmt="|" w widths
  read -ra widths <<<"$1"
  shift
  for w in "${widths[@]}"; do
    if [[ "${w}" == *% ]]; then fmt+=" %$((${w%\%} - 1))s%% |"; else fmt+=" %${w}s |"; fi
  done
  # shellcheck disable=SC2059
  printf "${fmt}\n" "$@"
}

table_header() {
  local rule="|" w widths dashes
  table_row "${1//%/}" "${@:2}"
  read -ra widths <<<"${1//%/}"
  for w in "${widths[@]}"; do
    printf -v dashes '%*s' "$((${w#-} + 2))" ''
    rule+="${dashes// /-}|"
  done
  printf '%s\n' "${rule}"
}

# machine_line [EXTRA]: the report line of where server and load tester ran;
# EXTRA goes at the end of the parentheses. Uses SERVER_CPU, LOAD_CPU.
machine_line() {
  echo "server on cpu ${SERVER_CPU}, load tester on cpu ${LOAD_CPU} ($(nproc) cpus, $(uname -r)${1:-})"
}
