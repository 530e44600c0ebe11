#!/usr/bin/env bash
# How much of the parsers and request handlers the committed fuzz corpora
# reach: builds every fuzz target's corpus replay with clang-14 source-based
# coverage (--config=fuzzcov), replays fuzz/corpus/TARGET through it, and
# prints the lines covered, per target and for all targets together, in two
# groups:
#   codec     every file under codec/, the generated codecs included
#   handlers  the request handlers (UDP, HTTP, WebTorrent) and the HTTP
#             head parser, the code between a socket and the swarm engine
# The last line is `fuzz coverage: codec C% handlers H%` (all targets).
#
#   tools/fuzz_coverage.sh            every target
#   tools/fuzz_coverage.sh --files    also each file's lines (to find what no
#                                     input reaches: llvm-cov-14 show, below)
#
# To see which lines a corpus misses, after a run with AQUATIC_KEEP=1:
#   llvm-cov-14 show -instr-profile=DIR/TARGET.profdata BINARY FILE
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

show_files=0
[[ "${1:-}" == --files ]] && show_files=1
for tool in llvm-profdata-14 llvm-cov-14; do
  command -v "${tool}" >/dev/null || { echo "fuzz_coverage.sh: ${tool} missing (tools/setup.sh installs llvm-14)" >&2; exit 2; }
done

work="$(mktemp -d /tmp/fuzz-coverage.XXXXXX)"
if [[ "${AQUATIC_KEEP:-0}" == 1 ]]; then
  echo "fuzz_coverage.sh: profiles kept in ${work}"
else
  trap 'rm -rf "${work}"' EXIT
fi

targets=()
for corpus in fuzz/corpus/*/; do targets+=("$(basename "${corpus}")"); done
labels=("${targets[@]/#/\/\/fuzz:}")
if ! bazel build --config=fuzzcov "${labels[@]}" >"${work}/build.log" 2>&1; then
  tail -40 "${work}/build.log"
  exit 1
fi
bin="$(bazel info --config=fuzzcov bazel-bin 2>/dev/null)/fuzz"

for target in "${targets[@]}"; do
  if ! LLVM_PROFILE_FILE="${work}/${target}.profraw" "${bin}/${target}" "fuzz/corpus/${target}" \
    >"${work}/${target}.log" 2>&1; then
    tail -20 "${work}/${target}.log"
    echo "fuzz_coverage.sh: ${target}: the corpus replay failed" >&2
    exit 1
  fi
  llvm-profdata-14 merge -sparse "${work}/${target}.profraw" -o "${work}/${target}.profdata"
  llvm-cov-14 export -skip-functions -instr-profile="${work}/${target}.profdata" \
    "${bin}/${target}" >"${work}/${target}.json"
done

python3 - "${work}" "${show_files}" "${targets[@]}" <<'PY'
import json
import os
import re
import sys

work, show_files, targets = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]

# The request handlers and the HTTP head parser.
HANDLERS = (
    "tracker/udp/request_handler.cc",
    "tracker/http/request_handler.cc",
    "tracker/ws/ws_handler.cc",
    "tracker/server/http/http_exchange.cc",
)


def workspace_path(name):
    """The file's path in the workspace (generated files: under bazel-out)."""
    name = os.path.normpath(name)
    match = re.search(r"(?:^|/)bazel-out/[^/]+/bin/(.*)$", name)
    if match:
        return match.group(1)
    return name[2:] if name.startswith("./") else name


def group_of(path):
    if path.startswith("codec/"):
        return "codec"
    if path in HANDLERS:
        return "handlers"
    return None


def lines_of(segments):
    """{line: covered} of one file's llvm-cov export segments
    ([line, col, count, has_count, is_region_entry, is_gap]), by llvm-cov's
    own rule (LineCoverageStats): a line is executable when a region starts
    on it or one that started before runs over it, and not when a skipped
    region starts it; covered when the most any of those ran is above 0."""
    lines = {}
    if not segments:
        return lines
    wrapped = None
    at = 0
    for line in range(segments[0][0], segments[-1][0] + 1):
        on_line = []
        while at < len(segments) and segments[at][0] == line:
            on_line.append(segments[at])
            at += 1
        starts = [s for s in on_line if s[3] and s[4] and not (len(s) > 5 and s[5])]
        skipped = bool(on_line) and not on_line[0][3] and on_line[0][4]
        if not skipped and ((wrapped is not None and wrapped[3]) or starts):
            count = wrapped[2] if wrapped is not None else 0
            for segment in starts:
                count = max(count, segment[2])
            lines[line] = count > 0
        if on_line:
            wrapped = on_line[-1]
    return lines


def join_into(files, path, lines):
    """Adds `lines` ({line: covered}) of `path` to `files`: a line counts when
    either has code for it, covered when either ran it."""
    joined = files.setdefault(path, {})
    for line, covered in lines.items():
        joined[line] = joined.get(line, False) or covered


def line_coverage(export):
    """{path: {line: covered}} of the files of a group; a file that appears
    more than once covers a line if any of its entries does."""
    files = {}
    for data in export["data"]:
        for entry in data["files"]:
            path = workspace_path(entry["filename"])
            if group_of(path) is not None:
                join_into(files, path, lines_of(entry["segments"]))
    return files


def totals(files):
    result = {}
    for path, lines in files.items():
        group = group_of(path)
        found, covered = result.get(group, (0, 0))
        result[group] = (found + len(lines), covered + sum(lines.values()))
    return result


def percent(pair):
    found, covered = pair
    return f"{100.0 * covered / found:5.1f}%" if found else "    -"


def cell(pair):
    found, covered = pair
    return f"{percent(pair)} {covered:>5}/{found:<5}" if found else "-"


def row(name, sums):
    codec, handlers = (cell(sums.get(group, (0, 0))) for group in ("codec", "handlers"))
    print(f"| {name:<28} | {codec:>17} | {handlers:>17} |")


print(f"| {'target':<28} | {'codec lines':>17} | {'handler lines':>17} |")
print(f"|{'-' * 30}|{'-' * 19}|{'-' * 19}|")
# All targets: a line counts when some target's binary holds code for it,
# covered when some target's corpus ran it (the binaries are not merged into
# one profile: an inline function compiled differently in two of them would
# be dropped as mismatched).
files = {}
for target in targets:
    with open(os.path.join(work, target + ".json")) as f:
        coverage = line_coverage(json.load(f))
    row(target, totals(coverage))
    for path, lines in coverage.items():
        join_into(files, path, lines)
sums = totals(files)
row("all targets", sums)
if show_files:
    print()
    print(f"| {'file':<52} | {'lines':>17} |")
    print(f"|{'-' * 54}|{'-' * 19}|")
    for path in sorted(files):
        lines = files[path]
        print(f"| {path:<52} | {cell((len(lines), sum(lines.values()))):>17} |")
print(f"fuzz coverage: codec {percent(sums.get('codec', (0, 0))).strip()} "
      f"handlers {percent(sums.get('handlers', (0, 0))).strip()}")
PY
