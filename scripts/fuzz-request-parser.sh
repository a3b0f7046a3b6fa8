#!/usr/bin/env bash
# Fuzzes the STAPJE/1 request parser with libFuzzer (Swift's -sanitize=fuzzer, with AddressSanitizer).
#
#   scripts/fuzz-request-parser.sh [seconds]      default 60
#
# Builds .build-fuzz/request-parser-fuzz from Sources/StapjeServer/Requests/*.swift and Tests/Fuzz/RequestParserFuzz.swift
# (not a package target: `swift build` never sees it), then runs it with the seeds in Tests/Fuzz/corpus.
# New interesting inputs go to .build-fuzz/corpus; a crash is written to .build-fuzz/crash-* and the script fails.
# Copy a crash that was fixed into Tests/Fuzz/corpus so it stays a regression seed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
out=.build-fuzz
mkdir -p "$out/corpus"
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name StapjeRequestFuzz \
    Sources/StapjeServer/Requests/*.swift Tests/Fuzz/RequestParserFuzz.swift \
    -o "$out/request-parser-fuzz"
"$out/request-parser-fuzz" -max_len=4096 -timeout=1 -rss_limit_mb=1024 -max_total_time="$seconds" \
    -artifact_prefix="$out/" "$out/corpus" Tests/Fuzz/corpus
