#!/bin/sh
# The analysis report in a real browser: headless Chromium loads the pages
# that `make check-analysis` wrote to BUILD/analysis/ (from file:// for now;
# from the hub once it serves them), dumps the DOM and takes a screenshot.
# Checks: every chart is in the DOM with non-empty paths and one circle per
# office, and the screenshot shows them drawn (the office line's colour and
# more than a blank page). Screenshots stay in BUILD/analysis/*.png.
# Needs Debian's chromium (not in install-deps: ~350 MB); without it the
# test says so and is skipped (exit 77; in CI, CI=true, exit 1).
# Usage: sh tests/analysis/browser.sh [BUILD]
set -eu

B=${1:-build}
DIR=$(cd "$B/analysis" 2>/dev/null && pwd) || {
	echo "browser: no $B/analysis: run make check-analysis first" >&2
	exit 1
}
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
. "$(dirname "$0")/../lib/suite.sh"
[ -n "$CHROMIUM" ] || suite_skip browser "chromium is not installed (apt-get install chromium)" 77

PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
# --no-sandbox: the tests run as root; the pages carry a CSP without script.
chrome() {
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$PROFILE" --no-first-run --disable-extensions \
		--virtual-time-budget=2000 "$@" 2>"$PROFILE/stderr"
}

status=0
check_page() {
	page=$1 charts=$2 named=$3
	html="$DIR/$page.html"
	chrome --dump-dom "file://$html" > "$PROFILE/$page.dom"
	chrome --window-size=1100,3600 --screenshot="$DIR/$page.png" "file://$html" >/dev/null
	if PYTHONPATH="$(cd "$(dirname "$0")/../lib" && pwd)" \
		/usr/bin/python3 - "$PROFILE/$page.dom" "$DIR/$page.png" "$charts" "$named" <<'PY'
import re, sys
from png_colour import pixels

dom_path, png_path, charts, named = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
dom = open(dom_path, encoding="utf-8").read()
svgs = re.findall(r"<svg\b.*?</svg>", dom, re.S)
assert len(svgs) == charts, f"{len(svgs)} charts in the DOM, expected {charts}"
for s in svgs:
    assert re.search(r'viewBox="0 0 720', s), "chart without its viewBox"
    paths = re.findall(r'<path class="([a-z0-9]+)"[^>]* d="([^"]*)"', s)
    assert paths and all(d.startswith("M") for _, d in paths), "empty path in a chart"
funnel = svgs[0]
assert len(re.findall(r"<circle class=\"point", funnel)) == 23, "not one circle per office"
assert len(re.findall(r"<circle class=\"point[^\"]*named", funnel)) == named, "named points"
assert "<script" not in dom.lower(), "script in the page"

# The screenshot (tests/lib/png_colour.py decodes it).
colours, office_red, ink = set(), 0, 0
for px in pixels(png_path, step=2):
    colours.add(px)
    if px != (255, 255, 255): ink += 1
    if abs(px[0] - 0xd1) < 12 and abs(px[1] - 0x49) < 12 and abs(px[2] - 0x5b) < 12:
        office_red += 1
assert len(colours) > 20, f"screenshot nearly blank ({len(colours)} colours)"
if charts > 1:
    assert office_red > 50, f"office series not drawn ({office_red} pixels)"
print(f"{charts} charts, {len(colours)} colours, {ink} inked samples, {office_red} office-line samples")
PY
	then
		echo "browser: ok: $page ($DIR/$page.png)"
	else
		echo "browser: FAIL: $page" >&2
		status=1
	fi
}

check_page report-lead 7 6
check_page report-office 2 1
check_page report-anonymous 1 0
exit $status
