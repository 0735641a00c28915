#!/bin/sh
# The local report in headless Chromium (issue 19, item 3): a synthetic
# practice in SQLite, `kvalind report`, then screenshots at 1366x768 of the
# office's page and one GP's (kept in BUILD/report-browser/), which must show
# the charts: the office's line (#2b5c9e) on both, the GP's (#d1495b) on the
# GP's page, and not a blank page. Also: no <script>, no http(s) reference
# but the SVG namespace, the directory 0700 and every page 0600, and a
# directory others can enter (0755) or a symbolic link is refused and left
# untouched. Part of `make check`: without /usr/bin/chromium it fails (exit
# 1), saying to run `sh packaging/install-deps.sh`, as a missing psqlODBC or
# sqlite3 would.
# Usage: sh tests/report_browser.sh BUILD   (run by `make check-browser`)
set -u
build=$(cd "${1:-build}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
kv="$build/kvalind"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
. "$src/tests/lib/suite.sh"
suite_no_filter report-browser "one browser session over the report pages"
if [ ! -x "$CHROMIUM" ]; then
	echo "report-browser: FAIL: $CHROMIUM is not installed; run: sh packaging/install-deps.sh (as root; it installs the Debian package chromium)"
	exit 1
fi

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "report-browser: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

out="$build/report-browser"
mkdir -p "$out"
w=$(mktemp -d /tmp/kvreport.XXXXXX)
trap 'rm -rf "$w"' EXIT
chmod 700 "$w"
"$build/kvalind-synth" --sqlite "$w/practice.sqlite" --patients 1500 --seed 19 --quiet ||
	{ fail "no synthetic practice"; finish; }
umask 077
cat > "$w/kvalind.ini" <<INI
[office]
id = report-test
name = Legekontor <b>test</b> & co
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $w/state
log_level = warning
[connector.reference]
dsn = Driver=SQLite3;Database=$w/practice.sqlite
INI
for plugin in "$build"/indicators/*.so; do
	echo "[indicator.$(basename "$plugin" .so)]" >> "$w/kvalind.ini"
done

# --- unsafe directories: refused, untouched ---------------------------------------
mkdir -m 755 "$w/open"
if ! "$kv" report --config "$w/kvalind.ini" --month 2023-04 --out "$w/open" 2> "$w/err" &&
	grep -q "$w/open.*mode 0755" "$w/err" && [ -z "$(ls -A "$w/open")" ] &&
	[ "$(stat -c %a "$w/open")" = 755 ]; then
	ok "a 0755 directory is refused, naming it and its mode, and left empty"
else
	fail "a 0755 directory"; cat "$w/err"
fi
mkdir -m 700 "$w/real"
ln -s "$w/real" "$w/link"
if ! "$kv" report --config "$w/kvalind.ini" --month 2023-04 --out "$w/link" 2> "$w/err" &&
	grep -q "symbolic link" "$w/err" && [ -z "$(ls -A "$w/real")" ]; then
	ok "a symbolic link is refused and nothing written through it"
else
	fail "a symbolic link"; cat "$w/err"
fi

# --- the report -------------------------------------------------------------------
r="$w/report"
start=$(date +%s)
if "$kv" report --config "$w/kvalind.ini" --month 2023-04 --out "$r" > "$w/out" 2> "$w/err"; then
	ok "kvalind report: $(cat "$w/out")"
else
	fail "kvalind report"; cat "$w/err"; finish
fi
gp=$(cd "$r" && ls gp-*.html 2> /dev/null | head -1)
[ -n "$gp" ] && ok "GP pages: $(cd "$r" && ls gp-*.html | wc -l)" || { fail "no GP page"; finish; }
bad=$(find "$r" -mindepth 1 \( ! -type f -o ! -perm 600 \) | head -3)
[ "$(stat -c %a "$r")" = 700 ] && [ -z "$bad" ] && ok "the directory 0700, every page 0600" ||
	fail "modes: $(stat -c %a "$r") $bad"
if grep -l "<script" "$r"/*.html > /dev/null ||
	grep -ho "https\?://[^\"' ]*" "$r"/*.html | grep -v "^http://www.w3.org/2000/svg$" | grep -q .; then
	fail "a script or an outside reference in the pages"
else
	ok "no script, no outside reference but the SVG namespace"
fi
grep -q "Legekontor &lt;b&gt;test&lt;/b&gt; &amp; co" "$r/index.html" &&
	ok "the office's name escaped" || fail "the office's name not escaped"

chrome() {
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$w/profile" --no-first-run --disable-extensions \
		--window-size=1366,768 "$@" 2>> "$w/chromium.err" > /dev/null
}
rm -f "$out/index.png" "$out/gp.png"
# the first screen holds the summary; the charts come after it: a tall
# window. The first indicator (ADD_DDD_MEAN) is a mean, drawn as no chart,
# and its follow-up list fills the office page to about 2,600 px; the first
# chart ends before 3,200 px. (Headless Chromium's screenshot does not
# scroll to a #fragment, so the height it is.)
chrome --window-size=1366,4000 --screenshot="$out/index.png" "file://$r/index.html"
chrome --window-size=1366,4000 --screenshot="$out/gp.png" "file://$r/$gp"
chrome --screenshot="$out/gp-1366x768.png" "file://$r/$gp"
for shot in index:office gp:gp; do
	png="$out/${shot%%:*}.png"
	if /usr/bin/python3 "$src/tests/lib/png_colour.py" "$png" "${shot#*:}"; then
		ok "Chromium drew the charts of ${shot%%:*} ($png)"
	else
		fail "the screenshot $png"; tail -3 "$w/chromium.err"
	fi
done
[ -s "$out/gp-1366x768.png" ] && ok "the GP page's first screen at 1366x768: $out/gp-1366x768.png" ||
	fail "no 1366x768 screenshot"
echo "     $(($(date +%s) - start)) s for the report and the screenshots"
finish
