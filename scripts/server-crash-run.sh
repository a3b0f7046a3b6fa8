#!/usr/bin/env bash
# A long crash run of the real server: `stapje serve` is killed with SIGKILL KILLS times while starters and helpers
# talk to it, restarted on the same data directory each time, then its books are checked (ServerCrashTests).
#
#   scripts/server-crash-run.sh [kills] [seed] [scratch-path]     defaults: 100, 2026, .build
#
# Prints the figures line ("server crash test: seed=… runs=… kills=… acknowledged=… lost=… double-final=…
# unknown=…") and fails when the books do not add up. About 4 s per kill on a 2-core machine (debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-100}"
seed="${2:-2026}"
scratch="${3:-.build}"
swift build --scratch-path "$scratch" --build-tests
STAPJE_SERVER_CRASH_KILLS="$kills" STAPJE_SERVER_CRASH_SEED="$seed" \
    swift test --scratch-path "$scratch" --skip-build --filter ServerCrashTests 2>&1 \
    | grep -E "server crash test:|Expectation failed|✘|✔ Test killing"
