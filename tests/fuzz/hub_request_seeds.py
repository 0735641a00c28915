#!/usr/bin/python3
"""hub_request_seeds.py - the seeds of the hub_request fuzz target
(fuzz_hub_request.c): raw HTTP exchanges with the hub's request path.

Each seed is FLAGS CHUNK REQUEST-BYTES (see fuzz_hub_request.c): a valid
push of office-a for 2023-01 (an extract of the target's catalogue A_ONE,
B_TWO, C_MEAN, as kvalind's extract format has it) sent whole, in pieces,
chunked, pipelined, with Expect: 100-continue; the same push answered by
each kind of store result and by each kind of client (no certificate, a
revoked office, another certificate, a quality lead); report pages; and
the HTTP-level refusals of tests/hub/hostile.sh (a part without a name,
a part twice, urlencoded, chunked with a Content-Length, ...), plus
requests that libmicrohttpd itself refuses (bad Content-Length, huge
headers, HTTP/2.0, no Host).

Usage: python3 tests/fuzz/hub_request_seeds.py tests/fuzz/corpus/hub_request
(writes the files named below; re-run after a change to the extract
format, then `make check-fuzz-corpus`).
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import kv_multipart  # noqa: E402
from kv_multipart import chunked, disp  # noqa: E402

OFFICE, MONTH = "office-a", "2023-01"
HEADER = ("participant,indicator,indicator_version,month,numerator,numerator_status,"
          "denominator,denominator_status,share,mean\n")
ROWS = [
    "A_ONE,1,{m},10,published,50,published,0.2000,",
    "B_TWO,1,{m},,suppressed_small,50,published,,",
    "C_MEAN,1,{m},,not_applicable,50,published,,1.00",
]


def extract():
    csv = (HEADER + "".join("%s,%s\n" % (OFFICE, r.format(m=MONTH)) for r in ROWS)).encode()
    sha = hashlib.sha256(csv).hexdigest()
    xid = "%s_%s_%s" % (OFFICE, MONTH, sha[:16])
    manifest = {
        "format": "kvalind-extract",
        "format_version": 2,
        "extract_id": xid,
        "participant": OFFICE,
        "kvalind_version": "0.1.0",
        "catalogue_version": "fuzz",
        "value_set_version": "fuzz",
        "months": [MONTH],
        "created": "2023-02-06T03:00:00Z",
        "disclosure": {
            "min_count": 5,
            "rounding_base": 5,
            "rounding": "nearest multiple of rounding_base, halves up; never below min_count",
            "secondary_suppression": True,
            "algorithm": 2,
            "perturbation": "none",
            "perturbation_max": 0,
        },
        "data": {"file": "data.csv", "rows": len(ROWS), "bytes": len(csv), "sha256": sha},
    }
    return json.dumps(manifest, indent=2).encode() + b"\n", csv, xid.encode()


def main(out):
    manifest, csv, key = extract()
    b = b"fuzzb0undary"
    r = kv_multipart.Requests(b, key)
    part, post, end = r.part, r.post, r.end
    man, dat = r.parts(manifest, csv)
    body = man + dat + end

    def get(path, method=b"GET", close=True):
        return method + b" " + path + b" HTTP/1.1\r\nHost: hub\r\n" + (
            b"Connection: close\r\n" if close else b"") + b"\r\n"

    valid = post(body)
    seeds = {
        # the valid push, in every way it may arrive
        "valid": (0x00, 0, valid),
        "valid-in-7-byte-pieces": (0x00, 7, valid),
        "valid-chunked": (0x00, 0, post(chunked(body, 64), length=False,
                                        extra=[b"Transfer-Encoding: chunked"])),
        "valid-expect-100": (0x00, 0, post(body, extra=[b"Expect: 100-continue"])),
        "valid-keep-alive-twice": (0x00, 0, post(body, close=False) + valid),
        "valid-token-names": (0x00, 0, post(
            part([b"content-disposition: form-data; name=manifest"], manifest)
            + part([b"CONTENT-DISPOSITION: form-data; name=data; filename=x.csv",
                    b"Content-Transfer-Encoding: binary"], csv) + end + b"epilogue")),
        # the same, answered by each store result and each client
        "store-already": (0x08, 0, valid),
        "store-superseded": (0x10, 0, valid),
        "store-conflict": (0x18, 0, valid),
        "store-database-error": (0x20, 0, valid),
        "store-revoked-meanwhile": (0x28, 0, valid),
        "store-other-certificate-meanwhile": (0x30, 0, valid),
        "no-certificate": (0x01, 0, valid),
        "revoked": (0x02, 0, valid),
        "other-certificate": (0x03, 0, valid),
        "lead-pushes": (0x04, 0, valid),
        "check-database-error": (0x05, 0, valid),
        "cn-not-an-id": (0x06, 0, valid),
        "no-database": (0x40, 0, valid),
        # the extract's content refused (422)
        "empty-data": (0x00, 0, post(man + part([disp(b"data")], b"") + end)),
        "tampered-csv": (0x00, 0, post(man + part([disp(b"data")], csv.replace(b"10,", b"15,", 1)) + end)),
        "key-not-the-id": (0x00, 0, post(body, keys=(b"office-a_2023-01_0000000000000000",))),
        # reports
        "report-index-lead": (0x04, 0, get(b"/reports/")),
        "report-page-office": (0x00, 0, get(b"/reports/A_ONE.html", close=False) + get(b"/reports/index.html")),
        "report-head": (0x00, 0, get(b"/reports/B_TWO.html", method=b"HEAD", close=False) + get(b"/reports/")),
        "report-mean": (0x00, 0, get(b"/reports/C_MEAN.html")),
        "report-unknown": (0x04, 0, get(b"/reports/../etc/passwd")),
        "report-fails": (0x80, 0, get(b"/reports/A_ONE.html")),
        "report-index-fails": (0x84, 0, get(b"/reports")),
        "report-no-certificate": (0x01, 0, get(b"/reports/")),
        "report-no-database": (0x44, 0, get(b"/reports/")),
        "report-with-body": (0x00, 0, b"GET /reports/ HTTP/1.1\r\nHost: hub\r\nContent-Length: 5\r\n\r\nhello"),
        # refused at the HTTP level (as tests/hub/hostile.sh sends them)
        "part-without-name": (0x00, 0, post(part([b"Content-Disposition: form-data"], manifest) + dat + end)),
        "part-with-filename-only": (0x00, 0, post(part([disp(None, b"manifest.json")], manifest) + dat + end)),
        "part-without-disposition": (0x00, 0, post(part([b"Content-Type: application/json"], manifest) + dat + end)),
        "part-name-twice": (0x00, 0, post(part([disp(b"manifest") + b'; name="data"'], manifest) + dat + end)),
        "part-twice": (0x00, 0, post(man + man + dat + end)),
        "empty-part-then-again": (0x00, 0, post(part([disp(b"manifest")], b"") + man + dat + end)),
        "missing-part": (0x00, 0, post(man + end)),
        "no-parts": (0x00, 0, post(end)),
        "unknown-part": (0x00, 0, post(man + dat + part([disp(b"admin")], b"1") + end)),
        "base64-part": (0x00, 0, post(part([disp(b"manifest"), b"Content-Transfer-Encoding: base64"], manifest) + dat + end)),
        "no-closing-boundary": (0x00, 0, post(man + dat)),
        "garbage-before-boundary": (0x00, 0, post(b"hello\r\n" + body)),
        "bare-lf": (0x00, 0, post(body.replace(b"\r\n", b"\n"))),
        "header-without-colon": (0x00, 0, post(part([disp(b"manifest"), b"what"], manifest) + dat + end)),
        "urlencoded": (0x00, 0, post(b"manifest=" + manifest.replace(b"&", b"%26") + b"&data=" + csv,
                                     ctype=b"application/x-www-form-urlencoded")),
        "text-plain": (0x00, 0, post(manifest, ctype=b"text/plain")),
        "no-content-type": (0x00, 0, post(body, ctype=None)),
        "multipart-without-boundary": (0x00, 0, post(body, ctype=b"multipart/form-data")),
        "boundary-a-quote": (0x00, 0, post(body, ctype=b'multipart/form-data; boundary="')),
        "boundary-quoted": (0x00, 0, post(body, ctype=b'multipart/form-data; charset=utf-8; boundary="' + b + b'"')),
        "boundary-twice": (0x00, 0, post(body, ctype=b"multipart/form-data; boundary=" + b + b"; boundary=x")),
        "boundary-too-long": (0x00, 0, post(body, ctype=b"multipart/form-data; boundary=" + b"x" * 71)),
        "chunked-and-content-length": (0x00, 0, post(chunked(body, 64), length=False,
                                                     extra=[b"Transfer-Encoding: chunked",
                                                            b"Content-Length: %d" % len(body)])),
        "transfer-encoding-gzip": (0x00, 0, post(body, length=False, extra=[b"Transfer-Encoding: gzip"])),
        "no-length": (0x00, 0, post(b"", length=False)),
        "two-content-lengths": (0x00, 0, post(body, extra=[b"Content-Length: %d" % len(body)])),
        "two-idempotency-keys": (0x00, 0, post(body, keys=(key, key))),
        "bad-idempotency-key": (0x00, 0, post(body, keys=(b"../" + key,))),
        "no-idempotency-key": (0x00, 0, post(body, keys=())),
        "put": (0x00, 0, post(body, method=b"PUT")),
        "other-path": (0x00, 0, post(body, path=b"/upload")),
        "over-max-request": (0x00, 0, post(body + b"x" * 3072)),
        "over-max-request-chunked": (0x00, 0, post(chunked(body + b"x" * 3072, 1024), length=False,
                                                   extra=[b"Transfer-Encoding: chunked"])),
        "claims-1-tib": (0x00, 0, post(body, length=False, extra=[b"Content-Length: 1099511627776"])),
        "body-cut-short": (0x00, 0, post(body)[:-40]),
        # refused by libmicrohttpd itself
        "content-length-not-a-number": (0x00, 0, post(body, length=False, extra=[b"Content-Length: 12ab"])),
        "huge-header": (0x00, 0, post(body, extra=[b"X-Big: " + b"a" * 20000])),
        "http-2": (0x00, 0, post(body, version=b"HTTP/2.0")),
        "http-1.0": (0x00, 0, post(body, version=b"HTTP/1.0")),
        "no-host": (0x00, 0, valid.replace(b"Host: hub\r\n", b"")),
        "not-http": (0x00, 0, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64),
        "nothing": (0x00, 0, b""),
    }
    os.makedirs(out, exist_ok=True)
    for name, (flags, chunk, data) in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([flags, chunk]) + data)


if __name__ == "__main__":
    main(sys.argv[1])
