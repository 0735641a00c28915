#!/bin/bash
# The comparison report in a real browser, served by the hub: a PostgreSQL,
# the hub, six synthetic offices (three in group ffs, three in control) whose
# daemons push 2021-01..2023-04, and a quality lead registered for ffs
# (`kvalind-hub register-lead`). Headless Chromium loads
# https://127.0.0.1:PORT/reports/DM_ANNUAL_CHECK.html from the hub itself,
# authenticating with the lead's client certificate: the hub CA is trusted
# and the lead's certificate and key imported (PKCS#12) in a throwaway NSS
# database ($HOME/.pki/nssdb, certutil and pk12util from libnss3-tools), and
# the profile's auto_select_certificate content setting (what the
# AutoSelectCertificateForUrls policy sets) selects it for the hub's origin
# - no --ignore-certificate-errors, no proxy. Checks:
#
#  - the hub logged the page as served to lead:vest (so the certificate was
#    presented and accepted);
#  - the DOM (--dump-dom): the funnel and the three ffs offices' series
#    charts are there with non-empty paths; one circle per office (6), the
#    3 ffs offices named, no control office named, no script;
#  - the screenshot (--screenshot) is a PNG with the charts drawn, kept as
#    BUILD/hub-browser/DM_ANNUAL_CHECK-lead.png (and the index's).
#
# Part of `make check`: without /usr/bin/chromium or certutil/pk12util it
# fails (exit 1), saying to run `sh packaging/install-deps.sh`.
# Runs as root (the daemons switch users). KEEP=1 keeps the directory.
# No FILTER (KV_FILTER): one browser session over the report pages.
# Usage: bash tests/hub/browser.sh BUILD
set -u
cd "$(dirname "$0")/../.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
hub="$build/kvalind-hub"
CHROMIUM=/usr/bin/chromium
. tests/lib/suite.sh
suite_no_filter hub-browser "one browser session over the report pages"

missing_tool() {
	echo "hub-browser: FAIL: $1 is not installed; run: sh packaging/install-deps.sh (as root; it installs the Debian package $2)"
	exit 1
}
[ -x "$CHROMIUM" ] || missing_tool "$CHROMIUM" chromium
command -v certutil > /dev/null && command -v pk12util > /dev/null ||
	missing_tool "certutil/pk12util" libnss3-tools
[ "$(id -u)" = 0 ] || suite_skip hub-browser "the daemons switch users; run as root"
. tests/hub/lib.sh

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "hub-browser: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

out="$build/hub-browser"
mkdir -p "$out"
tmp=$(mktemp -d /tmp/kvbrowser.XXXXXX)
trap world_stop EXIT
world_start "$tmp" "2023-05-06 03:00" || { fail "could not start PostgreSQL and the hub"; finish; }
export BACKFILL_FROM=2021-01
i=0
for o in vest-1:ffs vest-2:ffs vest-3:ffs nord-1:control nord-2:control nord-3:control; do
	i=$((i + 1))
	office_add "${o%%:*}" $((500 + i)) "" "${o#*:}" || { fail "office ${o%%:*}"; finish; }
done
offices_wait 28 180 || { fail "the daemons did not deliver"; finish; }
"$hub" register-lead vest --group ffs --out "$tmp/lead" --config "$conf" > "$tmp/lead.out" 2>&1 ||
	{ fail "register-lead"; cat "$tmp/lead.out"; finish; }
ok "6 offices pushed 28 months each; quality lead vest registered for group ffs"

# --- a browser profile that trusts the hub CA and holds the lead's certificate ----
export HOME="$tmp/home"
nss="sql:$HOME/.pki/nssdb"
mkdir -p "$HOME/.pki/nssdb" "$tmp/profile/Default"
openssl pkcs12 -export -in "$tmp/lead/lead-vest.pem" -inkey "$tmp/lead/lead-vest.key" \
	-name lead-vest -passout pass: -out "$tmp/lead-vest.p12" 2> /dev/null &&
	certutil -N -d "$nss" --empty-password &&
	certutil -A -d "$nss" -n kvalind-hub-ca -t "C,," -i "$tmp/ca/ca.pem" &&
	pk12util -i "$tmp/lead-vest.p12" -d "$nss" -W "" > /dev/null ||
	{ fail "could not make the NSS database"; finish; }
cat > "$tmp/profile/Default/Preferences" <<JSON
{"profile": {"content_settings": {"exceptions": {"auto_select_certificate": {
  "https://127.0.0.1:$port,*": {"setting": {"filters": [{"ISSUER": {"CN": "kvalind-hub CA"}}]}}}}}}}
JSON

# --no-sandbox: the tests run as root; the pages carry a CSP without script.
chrome() {
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/profile" --no-first-run --disable-extensions \
		--virtual-time-budget=3000 "$@" 2>> "$tmp/chromium.err"
}

url="https://127.0.0.1:$port/reports/DM_ANNUAL_CHECK.html"
png="$out/DM_ANNUAL_CHECK-lead.png"
rm -f "$png" "$out/index-lead.png"
chrome --dump-dom "$url" > "$tmp/page.dom"
chrome --window-size=1100,2600 --screenshot="$png" "$url" > /dev/null
chrome --window-size=1100,1400 --screenshot="$out/index-lead.png" "https://127.0.0.1:$port/reports/" > /dev/null

# the hub logs a report page by its indicator (hub_server.c: "GET DM_ANNUAL_CHECK
# 200"), the index by its path
if [ "$(grep -c "lead:vest GET \(/reports/\)\?DM_ANNUAL_CHECK\(\.html\)\? 200" "$tmp/hub.log")" -ge 2 ]; then
	ok "the hub served the page to Chromium as lead:vest (client certificate from the NSS database, CA trusted)"
else
	fail "the hub did not serve the page to the lead"; tail -5 "$tmp/hub.log"; tail -5 "$tmp/chromium.err"
fi

if PYTHONPATH="$src/tests/lib" /usr/bin/python3 - "$tmp/page.dom" "$png" <<'PY'
import re, sys
from png_colour import pixels, size

dom_path, png_path = sys.argv[1], sys.argv[2]
dom = open(dom_path, encoding="utf-8").read()
assert "diabetics with a Noklus annual check" in dom, "not the report page"
svgs = re.findall(r"<svg\b.*?</svg>", dom, re.S)
assert len(svgs) == 4, f"{len(svgs)} charts in the DOM, expected the funnel and 3 series"
for s in svgs:
    assert re.search(r'viewBox="0 0 720', s), "chart without its viewBox"
    paths = re.findall(r'<path class="([a-z0-9]+)"[^>]* d="([^"]*)"', s)
    assert paths and all(len(d) > 10 and d.startswith("M") for _, d in paths), "empty path"
funnel = svgs[0]
assert len(re.findall(r'<circle class="point', funnel)) == 6, "not one circle per office"
assert len(re.findall(r'<circle class="point[^"]*named', funnel)) == 3, "not 3 named points"
for s in svgs[1:]:
    assert re.search(r'<path class="band"', s), "series chart without its group band"
    assert re.search(r'<path class="office"', s), "series chart without the office's line"
for o in ("vest-1", "vest-2", "vest-3"):
    assert o in dom, f"{o} not named"
assert not re.search(r"nord-\d", dom), "a control office is named"
assert "<script" not in dom.lower(), "script in the page"
assert "mean monthly denominator" in dom and "about 12 times" in dom, "x-axis not explained"

w, h = size(png_path)
colours, office_red = set(), 0
for px in pixels(png_path, step=2):
    colours.add(px)
    if abs(px[0] - 0xd1) < 12 and abs(px[1] - 0x49) < 12 and abs(px[2] - 0x5b) < 12:
        office_red += 1
assert len(colours) > 20, f"screenshot nearly blank ({len(colours)} colours)"
assert office_red > 50, f"the offices' series not drawn ({office_red} pixels)"
print(f"     {len(svgs)} charts, {len(colours)} colours, {office_red} office-line samples, {w}x{h}")
PY
then
	ok "Chromium rendered the funnel (6 points, 3 named) and 3 series charts; screenshot $png"
else
	fail "the page in Chromium (DOM $tmp/page.dom, screenshot $png)"
fi
[ -s "$out/index-lead.png" ] && ok "the index too: $out/index-lead.png" || fail "index screenshot"
finish
