"""kv_multipart.py - raw HTTP requests to the hub's POST /extracts, byte for
byte, right and wrong: the builders shared by tests/hub/hostile_client.py
(requests) and tests/fuzz/hub_request_seeds.py (the hub_request seeds).

    r = Requests(BOUNDARY, IDEMPOTENCY_KEY)
    man, dat = r.parts(manifest_bytes, csv_bytes)
    r.post(man + dat + r.end)            # a valid push
    r.post(r.part([disp(b"manifest")], b"") + ..., ctype=None, ...)

Import it with tests/lib on sys.path (both scripts add it).
"""

DEFAULT = object()  # post(): this boundary's Content-Type, this key


def disp(name, filename=None):
    """A Content-Disposition: form-data header; name None leaves it out."""
    v = b"Content-Disposition: form-data"
    if name is not None:
        v += b'; name="' + name + b'"'
    if filename is not None:
        v += b'; filename="' + filename + b'"'
    return v


def chunked(body, size=None):
    """body in the chunked transfer coding, in chunks of size bytes (None:
    one chunk), with the last, empty chunk."""
    size = size or max(len(body), 1)
    return b"".join(b"%x\r\n" % len(body[i:i + size]) + body[i:i + size] + b"\r\n"
                    for i in range(0, len(body), size)) + b"0\r\n\r\n"


class Requests:
    """The multipart pieces and the POST of one boundary and one
    Idempotency-Key."""

    def __init__(self, boundary, key):
        self.boundary = boundary
        self.key = key
        self.end = b"--" + boundary + b"--\r\n"

    def part(self, headers, content):
        return (b"--" + self.boundary + b"\r\n" + b"".join(h + b"\r\n" for h in headers)
                + b"\r\n" + content + b"\r\n")

    def parts(self, manifest, csv):
        """The manifest and data parts as kvalind sends them."""
        return (self.part([disp(b"manifest", b"manifest.json"),
                           b"Content-Type: application/json"], manifest),
                self.part([disp(b"data", b"data.csv"), b"Content-Type: text/csv"], csv))

    def post(self, body, ctype=DEFAULT, extra=(), length=True, path=b"/extracts",
             method=b"POST", keys=DEFAULT, close=True, version=b"HTTP/1.1"):
        """The request with body: ctype DEFAULT is multipart/form-data with
        this boundary (None: no Content-Type), keys DEFAULT this key."""
        if ctype is DEFAULT:
            ctype = b"multipart/form-data; boundary=" + self.boundary
        if keys is DEFAULT:
            keys = (self.key,)
        h = [method + b" " + path + b" " + version, b"Host: hub"]
        if close:
            h.append(b"Connection: close")
        h += [b"Idempotency-Key: " + k for k in keys]
        if ctype is not None:
            h.append(b"Content-Type: " + ctype)
        if length:
            h.append(b"Content-Length: " + str(len(body)).encode())
        h += list(extra)
        return b"\r\n".join(h) + b"\r\n\r\n" + body
