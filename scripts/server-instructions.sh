#!/usr/bin/env bash
# The server's instructions per ASK, counted by callgrind (exact, unlike timings on a shared host):
# a stripped release `stapje serve` answers 20 connections x 100 questions of dev.tsv, then again x 300;
# per ASK = (second total - first total) / 4000, so start-up, loading and shutdown cancel out.
# Usage: scripts/server-instructions.sh [STAPJE_BINARY] [CONTENT_DIR] [PORT]   (needs valgrind, objcopy, nc)
set -euo pipefail
cd "$(dirname "$0")/.."
source_bin=${1:-.build/release/stapje}
content=${2:-$PWD}
port=${3:-4601}
questions=${QUESTIONS:-../shared/eval/dev.tsv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
objcopy --strip-debug "$source_bin" "$work/stapje"
run() {
  local n=$1
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$n.out" "$work/stapje" serve --content "$content" \
    --port "$port" --no-queue --max-connections-per-address 12000 --log-level warning > "$work/serve.$n.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do sleep 1; nc -z 127.0.0.1 "$port" 2>/dev/null && break; done
  .build/release/stapje load "$questions" --port "$port" --connections 20 --per-connection "$n" --warmup 0 \
    > "$work/load.$n.log" 2>&1
  kill -TERM "$pid"
  wait "$pid" || true
  grep -h "Collected" "$work/serve.$n.log" | awk '{print $4}' | tr -d ,
}
first=$(run 100)
second=$(run 300)
echo "server instructions: x100 $first, x300 $second, per ASK $(( (second - first) / 4000 ))"
