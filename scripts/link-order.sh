#!/usr/bin/env bash
# Writes scripts/link-order/symbols.txt: the functions the release `stapje` runs, in the order they first run.
# `make release` hands it to the linker (lld --symbol-ordering-file), which puts those functions side by side at the
# start of the code. The kernel maps an executable's code 64 KB around each page a program touches; scattered over
# 24 MB of code, the few thousand functions a kiosk or a server runs made 11 MB of it resident. Side by side: 6 MB;
# 4.4 MB since `make release` compiles each function into a section of its own (-function-sections), so the linker
# moves functions rather than the whole code of a file (`stapje bench`, fifteenth session).
#
# usage: scripts/link-order.sh [BINARY]   (default .build/release/stapje; Linux x86-64, needs cc, nm and ptrace)
# Run it after changes that add or rename many functions, or with a new Swift toolchain. A stale list still links:
# names it does not find are skipped, and functions it misses stay where they were (only the memory figure suffers).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/stapje}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
server=
cc -O2 -o "$work/fcov" scripts/link-order/fcov.c
nm --defined-only "$bin" | awk '$2 ~ /^[tTwW]$/ {print $1, $3}' >"$work/symbols"
cut -d' ' -f1 "$work/symbols" >"$work/entries"
trace() { local name=$1; shift; "$work/fcov" "$work/entries" "$work/$name.ran" "$bin" "$@" >/dev/null; }

# In the order their functions should come: start-up, loading and matching first.
trace 1-bench bench ../shared/eval/dev.tsv --rounds 1
port=$((20000 + RANDOM % 20000))
"$work/fcov" "$work/entries" "$work/2-serve.ran" "$bin" serve --port "$port" --no-queue >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do "$bin" load ../shared/eval/dev.tsv --port "$port" --connections 1 --per-connection 1 \
    >/dev/null 2>&1 && break; sleep 0.2; done
"$bin" load ../shared/eval/dev.tsv --port "$port" --connections 20 --per-connection 50 >/dev/null
python3 - "$port" <<'PY'
import socket, sys
connection = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
lines = connection.makefile("rwb")
def reply():
    while (line := lines.readline().decode()) and len(line) > 3 and line[3] == "-":
        pass
reply()
for command in ["HELLO", "CAPA", "HELP", "NEW lang=nl region=VL", "ASK hoe solliciteer ik online", "NEXT", "STATUS",
                "STATS", "HUMAN", "CANCEL", "LANG fr", "ASK mot de passe oublié", "END", "HELLO format=json",
                "NEW lang=en", "ASK how do I make a video call", "PING", "QUIT"]:
    lines.write((command + "\n").encode()); lines.flush(); reply()
PY
kill -TERM "$server"; wait "$server" || true; server=
trace 3-ask ask --json "hoe maak ik een e-mailadres"
trace 4-eval eval ../shared/eval/dev.tsv
trace 5-check check
trace 6-why why "mot de pass oublie gmail"
printf 'hoe maak ik een e-mailadres\nvolgende\nstop\n' | trace 7-chat
python3 - "$work" scripts/link-order/symbols.txt <<'PY'
import collections, glob, sys
work, out = sys.argv[1], sys.argv[2]
names = collections.defaultdict(list)
for line in open(f"{work}/symbols"):
    address, name = line.split(None, 1)
    names[int(address, 16)].append(name.strip())
seen, order = set(), []
for path in sorted(glob.glob(f"{work}/*.ran")):
    for line in open(path):
        address = int(line, 16)
        if address not in seen:
            seen.add(address)
            order.append(address)
with open(out, "w") as file:
    for address in order:
        for name in names[address]:
            file.write(name + "\n")
print(f"{out}: {len(order)} functions")
PY
