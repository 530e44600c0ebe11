#!/usr/bin/env bash
# Runs the built `aquatic` binary the way an operator does: -p, -P, -c with
# good and bad files, unknown protocols and options.
set -uo pipefail

aquatic="$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run EXPECTED_EXIT ARGS...: runs aquatic, keeps stdout/stderr in $out/$err.
run() {
  local expected="$1"; shift
  "${aquatic}" "$@" >"${tmp}/out" 2>"${tmp}/err"
  local code=$?
  out="$(cat "${tmp}/out")"
  err="$(cat "${tmp}/err")"
  if [[ "${code}" != "${expected}" ]]; then
    fail "aquatic $* exited ${code}, expected ${expected}; stderr: ${err}"
  fi
}

expect_contains() {  # HAYSTACK NEEDLE WHAT
  [[ "$1" == *"$2"* ]] || fail "$3: '$2' missing in: $1"
}

expect_one_line() {  # TEXT WHAT
  [[ "$(printf '%s\n' "$1" | wc -l)" == 1 ]] || fail "$2: expected one line, got: $1"
}

# -p: complete, commented config for each protocol that -c takes back.
for protocol in udp http ws; do
  run 0 "${protocol}" -p
  for section in '[network]' '[protocol]' '[statistics]' '[cleaning]' '[privileges]' '[access_list]'; do
    expect_contains "${out}" "${section}" "${protocol} -p"
  done
  expect_contains "${out}" 'address_ipv4 = "0.0.0.0:3000"' "${protocol} -p"
  expect_contains "${out}" 'address_ipv6 = "[::]:3000"' "${protocol} -p"
  printf '%s\n' "${out}" >"${tmp}/${protocol}.toml"
  run 0 "${protocol}" -c "${tmp}/${protocol}.toml" -P
  [[ "${out}" == "$(cat "${tmp}/${protocol}.toml")" ]] || fail "${protocol}: -P of -p output differs"
done
run 0 http -p
expect_contains "${out}" "keep_alive = true" "http -p"
run 0 ws -p
expect_contains "${out}" "websocket_max_message_size = 65536" "ws -p"

# -P shows what a partial file changed and keeps the rest.
printf 'socket_workers = 3\n[network]\nuse_ipv6 = false\n' >"${tmp}/partial.toml"
run 0 udp -c "${tmp}/partial.toml" -P
expect_contains "${out}" "socket_workers = 3" "-P partial"
expect_contains "${out}" "use_ipv6 = false" "-P partial"
expect_contains "${out}" "max_scrape_torrents = 70" "-P partial"

# Bad files: exit 2, one line naming the key.
printf '[network]\nfoo = 1\n' >"${tmp}/unknown.toml"
run 2 udp -c "${tmp}/unknown.toml"
expect_contains "${err}" "unknown key 'foo' in [network]" "unknown key"
expect_one_line "${err}" "unknown key"

printf '[network]\naddress_ipv4 = "localhost:80"\n' >"${tmp}/address.toml"
run 2 http -c "${tmp}/address.toml"
expect_contains "${err}" "[network] address_ipv4:" "bad address"
expect_one_line "${err}" "bad address"

printf '[cleaning]\nmax_peer_age = "long"\n' >"${tmp}/type.toml"
run 2 ws -c "${tmp}/type.toml"
expect_contains "${err}" "[cleaning] max_peer_age: expected an integer, got a string" "bad type"
expect_one_line "${err}" "bad type"

printf 'this is not toml\n' >"${tmp}/syntax.toml"
run 2 udp -c "${tmp}/syntax.toml"
expect_contains "${err}" "syntax.toml: TOML syntax error at line 1" "syntax"
expect_one_line "${err}" "syntax"

run 2 udp -c "${tmp}/does-not-exist.toml"
expect_contains "${err}" "does-not-exist.toml: cannot open" "missing file"

# Usage errors.
run 2 tcp
expect_contains "${err}" "unknown protocol 'tcp'" "unknown protocol"
run 2
expect_contains "${err}" "no protocol given" "no protocol"
run 2 udp -x
expect_contains "${err}" "unknown option '-x'" "unknown option"
run 2 udp -c
expect_contains "${err}" "-c needs a FILE" "-c without file"

run 0 -v
expect_contains "${out}" "aquatic-cpp " "-v"
# --verbose: the Debian build inputs it was built from, at their installed
# versions.
run 0 --version --verbose
expect_contains "${out}" "built with these Debian packages" "--version --verbose"
for package in bazel-bootstrap g++ libabsl-dev libboost1.81-dev android-libboringssl-dev \
    libprotobuf-dev zlib1g-dev; do
  installed="$(dpkg-query -W -f='${Version}' "${package}")"
  expect_contains $'\n'"${out}"$'\n' $'\n'"${package} ${installed}"$'\n' "--version --verbose"
done
run 0 -h
expect_contains "${out}" "Usage: aquatic PROTOCOL" "-h"
for command in udp http ws run; do
  expect_contains "${out}" $'\n'"  ${command} " "-h lists ${command}"
done

# aquatic run: one file, shared keys at the top, a table per front-end.
run 0 run -p
for table in '[statistics]' '[cleaning]' '[access_list]' '[udp]' '[udp.network]' '[http]' \
    '[http.network]' '[http.protocol]' '[ws]' '[ws.network]' '[ws.protocol]'; do
  expect_contains "${out}" $'\n'"${table}"$'\n' "run -p"
done
expect_contains "${out}" "max_connection_age = 120" "run -p: every cleaning key"
expect_contains "${out}" "max_offer_age = 120" "run -p: every cleaning key"
printf '%s\n' "${out}" >"${tmp}/run.toml"
run 0 run -c "${tmp}/run.toml" -P
[[ "${out}" == "$(cat "${tmp}/run.toml")" ]] || fail "run: -P of -p output differs"
printf '[http]\nenabled = true\n[ws]\nenabled = true\n' >"${tmp}/shared-port.toml"
run 2 run -c "${tmp}/shared-port.toml"
expect_contains "${err}" "both listen on 0.0.0.0:3000 (TCP)" "run: two front-ends on one port"
expect_one_line "${err}" "run: two front-ends on one port"
printf '[udp]\nenabled = false\n' >"${tmp}/none.toml"
run 2 run -c "${tmp}/none.toml"
expect_contains "${err}" "no front-end is enabled" "run: nothing enabled"
printf '[udp.network]\nfoo = 1\n' >"${tmp}/run-unknown.toml"
run 2 run -c "${tmp}/run-unknown.toml"
expect_contains "${err}" "run-unknown.toml: unknown key 'foo' in [udp.network]" "run: unknown key"
run 2 run extra
expect_contains "${err}" "unexpected argument 'extra'" "run: extra argument"

# aquatic run serves: UDP and HTTP from one process, stopped by SIGTERM.
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"${tmp}/serve.toml" <<EOF
log_level = "info"
[udp.network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
[http]
enabled = true
[http.network]
address_ipv4 = "127.0.0.1:${port}"
use_ipv6 = false
EOF
"${aquatic}" run -c "${tmp}/serve.toml" 2>"${tmp}/serve.err" &
pid=$!
served=0
for _ in $(seq 50); do
  if grep -q "serving" "${tmp}/serve.err" 2>/dev/null; then served=1; break; fi
  sleep 0.1
done
(( served )) || fail "aquatic run did not log that it serves: $(cat "${tmp}/serve.err")"
expect_contains "$(cat "${tmp}/serve.err")" "udp on 127.0.0.1:${port}" "run: start line"
expect_contains "$(cat "${tmp}/serve.err")" "http on 127.0.0.1:${port}" "run: start line"
kill -TERM "${pid}"
wait "${pid}"
code=$?
[[ "${code}" == 0 ]] || fail "aquatic run exited ${code} after SIGTERM"

if (( failures > 0 )); then
  echo "${failures} check(s) failed"
  exit 1
fi
echo "all CLI checks passed"
