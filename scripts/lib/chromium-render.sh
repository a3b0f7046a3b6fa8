# Shared by scripts/render-*.sh (source it): find or build the stapje program, and print an HTML page to PDF and
# a screenshot in headless Chromium.

# Sets STAPJE to the stapje program: $STAPJE if set, else a debug build (extra arguments go to `swift build`).
find_stapje() {
    if [ -z "${STAPJE:-}" ]; then
        swift build "$@" --product stapje >&2
        STAPJE="$(swift build "$@" --show-bin-path)/stapje"
    fi
}

# render_page HTML PDF PNG: prints HTML to PDF and a 1000x1400 screenshot. Exits 0 with a "skip" line when Chromium
# is not installed, 1 when it writes no PDF.
render_page() {
    local html="$1" pdf="$2" png="$3" chromium profile
    chromium="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
    if [ -z "$chromium" ]; then
        echo "skip: Chromium is not installed (Debian: apt-get install chromium); open the HTML in a browser instead"
        exit 0
    fi
    profile="$(dirname "$pdf")/.chromium-profile"
    # --no-sandbox: containers and CI often run as root, where Chromium's sandbox cannot start.
    local flags=(--headless --disable-gpu --no-sandbox --no-first-run --disable-extensions --hide-scrollbars
        --user-data-dir="$profile")
    "$chromium" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$pdf" "file://$html" 2>/dev/null
    "$chromium" "${flags[@]}" --window-size=1000,1400 --screenshot="$png" "file://$html" 2>/dev/null
    rm -rf "$profile"
    [ -s "$pdf" ] || { echo "Chromium wrote no PDF" >&2; exit 1; }
}
