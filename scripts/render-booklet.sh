#!/usr/bin/env bash
# Builds the helpers' booklet (stapje sheet --all --format html) and, when Chromium is installed, prints it the
# way a browser would: a PDF, one PNG per page (with pdftoppm from poppler-utils) and a screenshot of the screen
# view. Prints the page count. Skips the rendering cleanly (exit 0) when Chromium is absent.
#
#   scripts/render-booklet.sh [--lang nl|fr|en] [--region VL|BXL|WAL|FR] [--out DIR] [--scratch-path DIR]
#
# DIR defaults to out/booklet (ignored by git). Set STAPJE=/path/to/stapje to use a program already built.
# Debian: apt-get install chromium poppler-utils
set -euo pipefail
cd "$(dirname "$0")/.."

lang=nl
region=""
out=out/booklet
scratch=()
while [ $# -gt 0 ]; do
    case "$1" in
        --lang) lang="$2"; shift 2 ;;
        --region) region="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --scratch-path) scratch=(--scratch-path "$2"); shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

. "$(dirname "$0")/lib/chromium-render.sh"
find_stapje "${scratch[@]}"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
name="booklet-$lang${region:+-$region}"
html="$out/$name.html"
"$STAPJE" sheet --all --format html --lang "$lang" ${region:+--region "$region"} -o "$html"
echo "html:  $html ($(wc -c <"$html") bytes)"

pdf="$out/$name.pdf"
rm -f "$pdf" "$out/$name"-page-*.png
render_page "$html" "$pdf" "$out/$name-screen.png"
echo "pdf:   $pdf"
echo "screen: $out/$name-screen.png"

if command -v pdfinfo >/dev/null; then
    pages="$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')"
else
    pages="$(grep -ac '/Type /Page\b' "$pdf" || true)"
fi
if command -v pdftoppm >/dev/null; then
    pdftoppm -png -r 50 "$pdf" "$out/$name-page"
    echo "pngs:  $out/$name-page-*.png"
else
    echo "no PNG pages: pdftoppm is not installed (Debian: apt-get install poppler-utils)"
fi
topics="$(grep -c '<article class="sheet"' "$html")"
echo "pages: $pages ($topics topics, each starting a new page, after the cover and the contents)"
