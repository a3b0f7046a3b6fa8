#!/usr/bin/env bash
# Writes a month's report (stapje report --format html) and, when Chromium is installed, prints it the way a browser
# would: a PDF and a screenshot. Skips the rendering cleanly (exit 0) when Chromium is absent.
#
#   scripts/render-report.sh [--month YYYY-MM] [--data-dir DIR] [--site S] [--out DIR] [--scratch-path DIR]
#
# DIR defaults to out/report (ignored by git). Set STAPJE=/path/to/stapje to use a program already built.
# Debian: apt-get install chromium
set -euo pipefail
cd "$(dirname "$0")/.."

month="$(date +%Y-%m)"
args=()
out=out/report
scratch=()
while [ $# -gt 0 ]; do
    case "$1" in
        --month) month="$2"; shift 2 ;;
        --data-dir) args+=(--data-dir "$2"); shift 2 ;;
        --site) args+=(--site "$2"); shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --scratch-path) scratch=(--scratch-path "$2"); shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

. "$(dirname "$0")/lib/chromium-render.sh"
find_stapje "${scratch[@]}"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
html="$out/report-$month.html"
"$STAPJE" report --month "$month" --format html "${args[@]}" -o "$html"
echo "html:   $html ($(wc -c <"$html") bytes)"

render_page "$html" "$out/report-$month.pdf" "$out/report-$month.png"
echo "pdf:    $out/report-$month.pdf"
echo "screen: $out/report-$month.png"
