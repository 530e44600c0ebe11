#!/usr/bin/env bash
# The benchmark script parses (bash -n), documents its knobs and sources
# lib.sh, which parses too; a few of lib.sh's helpers give the expected output,
# among them those of the aquatic-private case (its config sections, the key
# insertion into a SQLite file shaped like aquatic's, the error check).
set -euo pipefail
dir="$(dirname "$0")"
script="${dir}/udp.sh"
[[ -f "${script}" ]] || { dir="tools/bench"; script="${dir}/udp.sh"; }
lib="${dir}/lib.sh"
bash -n "${script}"
bash -n "${lib}"
for knob in BENCH_DURATION BENCH_WARMUP BENCH_REPEAT BENCH_FILL_PEERS BENCH_FILL_TORRENTS; do
  grep -q "${knob}" "${script}" || { echo "FAIL: ${knob} not in udp.sh"; exit 1; }
done
grep -q 'udp ratio vs opentracker: ' "${script}" || { echo "FAIL: no ratio line"; exit 1; }
grep -q 'private vs sqlite: ' "${script}" || { echo "FAIL: no private vs sqlite ratio"; exit 1; }
grep -q 'BENCH_SERVERS:-aquatic aquatic-sqlite aquatic-private opentracker floor}' "${script}" ||
  { echo "FAIL: aquatic-private is not in the default servers after aquatic-sqlite"; exit 1; }
grep -q '^#   aquatic-private ' "${script}" || { echo "FAIL: the header does not describe aquatic-private"; exit 1; }
grep -q '^source .*/lib\.sh" || exit 1$' "${script}" ||
  { echo "FAIL: udp.sh does not source lib.sh"; exit 1; }
# shellcheck source-path=SCRIPTDIR source=lib.sh
(
  source "${lib}"
  [[ "$(median 3 1 2)" == 2 && "$(median 4 1 2 3)" == 2.50 && "$(median)" == n/a ]] ||
    { echo "FAIL: median"; exit 1; }
  [[ "$(field "RESULT a=1 errors=0 bb=x" errors)" == 0 ]] || { echo "FAIL: field"; exit 1; }
  [[ "$(ratio 3 2)" == 1.50 && "$(ratio 3 n/a)" == n/a && "$(ratio 3 0)" == n/a ]] ||
    { echo "FAIL: ratio"; exit 1; }
  [[ "$(table_header "-3 2%" ab c)" == "$(printf '| ab  |  c |\n|-----|----|')" ]] ||
    { echo "FAIL: table_header"; exit 1; }
  [[ "$(table_row "-3 2%" x 5)" == "| x   | 5% |" ]] || { echo "FAIL: table_row"; exit 1; }
  # The baseline twins: aquatic cases only, and only when a binary is given.
  [[ "$(with_baseline aquatic opentracker floor)" == "aquatic opentracker floor" ]] ||
    { echo "FAIL: with_baseline without BASELINE"; exit 1; }
  BASELINE=/old/aquatic AQUATIC=/new/aquatic
  [[ "$(with_baseline aquatic opentracker aquatic-tls)" == \
      "aquatic aquatic@baseline opentracker aquatic-tls aquatic-tls@baseline" ]] ||
    { echo "FAIL: with_baseline"; exit 1; }
  [[ "$(with_baseline aquatic aquatic-sqlite)" == "aquatic aquatic@baseline aquatic-sqlite" ]] ||
    { echo "FAIL: with_baseline of a storage case"; exit 1; }
  [[ "$(with_baseline aquatic-sqlite aquatic-private)" == "aquatic-sqlite aquatic-private" ]] ||
    { echo "FAIL: with_baseline of the private case"; exit 1; }
  [[ "$(storage_section aquatic-sqlite /d/s.db)" == "$(printf '[storage]\nbackend = "sqlite"\npath = "/d/s.db"')" &&
     "$(storage_section aquatic /d/s.db)" == "$(printf '[storage]\nbackend = "none"')" &&
     -z "$(storage_section aquatic@baseline /d/s.db)" ]] || { echo "FAIL: storage_section"; exit 1; }
  [[ "$(storage_section aquatic-private /d/p.db)" == "$(storage_section aquatic-sqlite /d/p.db)" ]] ||
    { echo "FAIL: storage_section of the private case differs from aquatic-sqlite's"; exit 1; }
  [[ "$(private_section aquatic-private)" == "$(printf '[private]\nmode = "keys"')" &&
     -z "$(private_section aquatic-sqlite)" && -z "$(private_section aquatic)" ]] ||
    { echo "FAIL: private_section"; exit 1; }
  [[ "$(limits_section aquatic-nolimits)" == "$(printf '[limits]\nmax_torrents = 0\nmax_peers = 0')" &&
     -z "$(limits_section aquatic)" && -z "$(limits_section aquatic-private)" ]] ||
    { echo "FAIL: limits_section"; exit 1; }
  grep -q '^#   aquatic-nolimits ' "${script}" || { echo "FAIL: the header does not describe aquatic-nolimits"; exit 1; }
  [[ "$(round_order 1 a b c)" == "a b c" && "$(round_order 2 a b c)" == "c b a" &&
     "$(round_order 3 a)" == "a" ]] || { echo "FAIL: round_order"; exit 1; }
  mostly_errors 10 5 && mostly_errors 5 0 && mostly_errors 5 5 && ! mostly_errors 0 0 &&
    ! mostly_errors 1 100000 && ! mostly_errors 0 100 && ! mostly_errors 5 "" ||
    { echo "FAIL: mostly_errors"; exit 1; }
  [[ "$(aquatic_bin aquatic-tls@baseline)" == /old/aquatic && "$(aquatic_bin aquatic)" == /new/aquatic ]] ||
    { echo "FAIL: aquatic_bin"; exit 1; }
  [[ "$(case_base aquatic-tls@baseline)" == aquatic-tls ]] || { echo "FAIL: case_base"; exit 1; }
  declare -A rates=([aquatic]=120 [aquatic@baseline]=100 [opentracker]=50)
  declare -A cpu=([aquatic]=4 [aquatic@baseline]=5)
  [[ "$(baseline_ratios rates cpu aquatic aquatic@baseline opentracker)" == "aquatic 1.20 (cpu 1.25)" ]] ||
    { echo "FAIL: baseline_ratios: $(baseline_ratios rates cpu aquatic aquatic@baseline opentracker)"; exit 1; }

  # insert_keys on a file with aquatic's tables (schema 3), as a first start
  # of aquatic leaves it; refused on an older schema or a short key list.
  if python3 -c 'import sqlite3' 2>/dev/null; then
    tmp="${TEST_TMPDIR:-$(mktemp -d)}"
    printf 'KEY0000000000000000000000000000A\nKEY0000000000000000000000000000B\n' >"${tmp}/keys.txt"
    make_db() {  # FILE VERSION
      rm -f "$1"
      python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA journal_mode=WAL")
c.execute("CREATE TABLE aquatic_schema_version (version INTEGER NOT NULL)")
c.execute("INSERT INTO aquatic_schema_version (version) VALUES (1)")
c.execute("INSERT INTO aquatic_schema_version (version) VALUES (?)", (int(sys.argv[2]),))
c.execute("CREATE TABLE aquatic_keys (key TEXT PRIMARY KEY, valid_until BIGINT NOT NULL)")
c.commit()' "$1" "$2"
    }
    make_db "${tmp}/v3.sqlite3" 3
    insert_keys "${tmp}/v3.sqlite3" "${tmp}/keys.txt" 2 || { echo "FAIL: insert_keys"; exit 1; }
    [[ "$(python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("SELECT COUNT(*), SUM(valid_until) FROM aquatic_keys").fetchone(),
      c.execute("PRAGMA journal_mode").fetchone()[0])' "${tmp}/v3.sqlite3")" == "(2, 0) delete" &&
       ! -e "${tmp}/v3.sqlite3-wal" ]] ||
      { echo "FAIL: insert_keys did not leave 2 never-expiring keys in one file"; exit 1; }
    make_db "${tmp}/v2.sqlite3" 2
    insert_keys "${tmp}/v2.sqlite3" "${tmp}/keys.txt" 2 2>"${tmp}/v2.err" &&
      { echo "FAIL: insert_keys accepted schema version 2"; exit 1; }
    grep -q "schema version 2" "${tmp}/v2.err" || { echo "FAIL: insert_keys error: $(cat "${tmp}/v2.err")"; exit 1; }
    make_db "${tmp}/short.sqlite3" 3
    insert_keys "${tmp}/short.sqlite3" "${tmp}/keys.txt" 3 2>"${tmp}/short.err" &&
      { echo "FAIL: insert_keys accepted 2 keys for 3"; exit 1; }
    grep -q "2 keys in aquatic_keys, expected 3" "${tmp}/short.err" ||
      { echo "FAIL: insert_keys error: $(cat "${tmp}/short.err")"; exit 1; }
  else
    echo "python3 with sqlite3 missing: insert_keys not tested"
  fi
)
echo PASS
