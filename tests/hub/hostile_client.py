#!/usr/bin/python3
"""hostile_client.py - the hostile clients of tests/hub/hostile.sh (Python's
ssl and threads; python3-cryptography for the certificates).

  slow N HOST PORT CERT KEY CA SECONDS OUT
      N clients that each open a TLS connection with CERT and send a POST to
      /extracts, its headers at once and its body one byte a second (an
      authenticated request that never ends), plus one that sends its TLS
      ClientHello one byte a second and one that connects and sends nothing,
      each from its own loopback address (127.0.2.1.., 127.0.3.1, 127.0.3.2:
      max_connections_per_address is not what is tested here); each stops
      when the hub closes its connection or after SECONDS. Writes to OUT, per
      kind, how many the hub closed and the longest time it took:
        body N_CLOSED MAX_SECONDS / handshake ... / idle ...
  big-length HOST PORT CERT KEY CA KEY_HEADER
      a POST claiming Content-Length 1 TiB with a short body: prints the
      status line's code (the hub must answer without reading on).
  malformed SRC OUT
      from a valid extract SRC (manifest.json, data.csv) the malformed
      manifests OUT/NAME/{manifest.json,data.csv,key}, data.csv and key
      unchanged, one per kind of malformation.
  requests SRC OUT
      from a valid extract SRC (manifest.json, data.csv, id) raw HTTP
      requests OUT/NAME.http that are wrong at the HTTP level (a part
      without a name, a part twice, a missing part, urlencoded, chunked and
      a Content-Length, ...); prints "NAME EXPECTED-STATUS" per line.
  raw HOST PORT CERT KEY CA FILE BODY_OUT
      sends FILE as it is over TLS with CERT (no Host header is added) and
      prints the reply's status code (000: none), its body to BODY_OUT.
  flood N SOURCES HOST PORT SECONDS STATUS STOP
      N connections from the loopback SOURCES (comma-separated addresses),
      half of them silent, half sending a TLS ClientHello a byte a second;
      each one the hub closes is opened again a second later, until STOP
      exists or SECONDS have passed. Every second STATUS gets "opened N
      held H max_held M closed C": connections made, open now, the most
      open at once after their first second, and closed by the hub.
  cert CA_PEM CA_KEY CN NOT_BEFORE NOT_AFTER OUT_STEM
      a client certificate from the hub CA with the given validity
      (YYYY-MM-DD), like the hub's own (ECDSA P-256, clientAuth): writes
      OUT_STEM.pem and OUT_STEM.key (0600), prints its serial as the hub
      records it (lower-case hex).
"""
import os
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import kv_multipart  # noqa: E402
from kv_multipart import chunked, disp  # noqa: E402


def tls_context(cert, key, ca):
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    ctx.load_cert_chain(cert, key)
    return ctx


def slow(n, host, port, cert, key, ca, seconds, out):
    ctx = tls_context(cert, key, ca)
    headers = (b"POST /extracts HTTP/1.1\r\nHost: hub\r\nIdempotency-Key: slow\r\n"
               b"Content-Type: multipart/form-data; boundary=x\r\n"
               b"Content-Length: 100000\r\n\r\n")
    request = b"--x\r\n" + b"a" * 100000
    results = {"body": [], "handshake": [], "idle": []}
    lock = threading.Lock()

    def note(kind, closed, t):
        with lock:
            results[kind].append((closed, t))

    def body_client(i):
        t0 = time.monotonic()
        try:
            raw = socket.create_connection((host, port), timeout=seconds + 5,
                                           source_address=("127.0.2.%d" % (1 + i), 0))
            s = ctx.wrap_socket(raw, server_hostname=host)
            s.settimeout(1.0)
            s.sendall(headers)
            for b in request:
                if time.monotonic() - t0 > seconds:
                    note("body", False, time.monotonic() - t0)
                    return
                s.send(bytes([b]))
                try:
                    if s.recv(4096) == b"":
                        break
                except socket.timeout:
                    pass
                except (ssl.SSLError, OSError):
                    break
        except (ssl.SSLError, OSError):
            pass
        note("body", True, time.monotonic() - t0)

    def handshake_client():
        # a TLS 1.2 ClientHello-ish record header, then junk, a byte a second
        t0 = time.monotonic()
        hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 600
        try:
            s = socket.create_connection((host, port), timeout=seconds + 5,
                                         source_address=("127.0.3.1", 0))
            s.settimeout(1.0)
            for b in hello:
                if time.monotonic() - t0 > seconds:
                    note("handshake", False, time.monotonic() - t0)
                    return
                s.send(bytes([b]))
                try:
                    if s.recv(4096) == b"":
                        break
                except socket.timeout:
                    pass
        except OSError:
            pass
        note("handshake", True, time.monotonic() - t0)

    def idle_client():
        t0 = time.monotonic()
        try:
            s = socket.create_connection((host, port), timeout=seconds + 5,
                                         source_address=("127.0.3.2", 0))
            s.settimeout(seconds)
            s.recv(1)  # EOF, or the TLS alert the hub sends as it closes
            closed = True
        except socket.timeout:
            closed = False
        except OSError:
            closed = True
        note("idle", closed, time.monotonic() - t0)

    threads = [threading.Thread(target=body_client, args=(i,)) for i in range(n)]
    threads.append(threading.Thread(target=handshake_client))
    threads.append(threading.Thread(target=idle_client))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(out, "w") as f:
        for kind in ("body", "handshake", "idle"):
            r = results[kind]
            closed = [t for c, t in r if c]
            f.write("%s %d %d %.1f\n" % (kind, len(r), len(closed), max(closed) if closed else -1))


def big_length(host, port, cert, key, ca, idem):
    ctx = tls_context(cert, key, ca)
    s = ctx.wrap_socket(socket.create_connection((host, port), timeout=10), server_hostname=host)
    s.sendall(("POST /extracts HTTP/1.1\r\nHost: hub\r\nIdempotency-Key: %s\r\n"
               "Content-Type: multipart/form-data; boundary=x\r\n"
               "Content-Length: 1099511627776\r\n\r\n--x\r\n" % idem).encode())
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, OSError):
        pass
    line = data.split(b"\r\n")[0].decode(errors="replace")
    print(line.split(" ")[1] if line.startswith("HTTP/") else "000")


def malformed(src, out):
    with open(os.path.join(src, "manifest.json"), "rb") as f:
        m = f.read()
    with open(os.path.join(src, "data.csv"), "rb") as f:
        csv = f.read()
    key = m.split(b'"extract_id": "')[1].split(b'"')[0]

    def sub(a, b):
        assert a in m, a
        return m.replace(a, b, 1)

    cases = {
        "invalid-json": m[: len(m) // 2],
        "not-an-object": b'["kvalind-extract"]',
        "wrong-type": sub(b'"format_version": 2', b'"format_version": "2"'),
        "huge-number": sub(b'"rows": ', b'"rows": 1e999999, "x": '),
        "huge-integer": sub(b'"min_count": 5', b'"min_count": 123456789012345678901234567890'),
        "duplicate-key": sub(b'"participant": ', b'"participant": "office-b", "participant": '),
        "deep-nesting": b"[" * 5000 + b"]" * 5000,
        "invalid-utf8": sub(b'"value_set_version": "', b'"value_set_version": "\xff\xfe'),
        "encoded-surrogate": sub(b'"value_set_version": "', b'"value_set_version": "\xed\xa0\x80'),
        "nul-in-key": sub(b'"format": ', b'"format\\u0000x": 1, "format": '),
        "nul-in-value": sub(b'"value_set_version": "', b'"value_set_version": "\\u0000'),
        "lone-surrogate": sub(b'"value_set_version": "', b'"value_set_version": "\\udc00'),
        "control-character": sub(b'"value_set_version": "', b'"value_set_version": "\\u001b[2J'),
        "unknown-key": sub(b'"participant": ', b'"admin": true, "participant": '),
        "manifest-over-64k": sub(b'"value_set_version": "', b'"value_set_version": "' + b"v" * 70000),
    }
    for name, text in cases.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "manifest.json"), "wb") as f:
            f.write(text)
        with open(os.path.join(d, "data.csv"), "wb") as f:
            f.write(csv)
        with open(os.path.join(d, "key"), "wb") as f:
            f.write(key + b"\n")
    print(" ".join(cases))


def requests(src, out):
    with open(os.path.join(src, "manifest.json"), "rb") as f:
        manifest = f.read()
    with open(os.path.join(src, "data.csv"), "rb") as f:
        csv = f.read()
    with open(os.path.join(src, "id"), "rb") as f:
        key = f.read().strip()
    r = kv_multipart.Requests(b"kvb0undary", key)
    part, post, end = r.part, r.post, r.end
    man, dat = r.parts(manifest, csv)

    cases = {
        # the crash of issue 17: a part whose Content-Disposition has no name
        "part-without-name": (post(part([b"Content-Disposition: form-data"], manifest) + dat + end), 400),
        "part-with-filename-only": (post(part([disp(None, b"manifest.json")], manifest) + dat + end), 400),
        "part-without-disposition": (post(part([b"Content-Type: application/json"], manifest) + dat + end), 400),
        "part-twice": (post(man + man + dat + end), 400),
        "empty-part-then-again": (post(part([disp(b"manifest")], b"") + man + dat + end), 400),
        "missing-part": (post(man + end), 400),
        "unknown-part": (post(man + dat + part([disp(b"admin")], b"1") + end), 400),
        "base64-part": (post(part([disp(b"manifest"), b"Content-Transfer-Encoding: base64"], manifest) + dat + end), 400),
        "no-closing-boundary": (post(man + dat), 400),
        "garbage-before-boundary": (post(b"hello\r\n" + man + dat + end), 400),
        "urlencoded": (post(b"manifest=" + manifest.replace(b"&", b"%26") + b"&data=" + csv,
                            ctype=b"application/x-www-form-urlencoded"), 415),
        "text-plain": (post(manifest, ctype=b"text/plain"), 415),
        "no-content-type": (post(man + dat + end, ctype=None), 415),
        "multipart-without-boundary": (post(man + dat + end, ctype=b"multipart/form-data"), 400),
        "boundary-a-quote": (post(man + dat + end, ctype=b'multipart/form-data; boundary="'), 400),
        "boundary-too-long": (post(man + dat + end, ctype=b"multipart/form-data; boundary=" + b"x" * 71), 400),
        "chunked-and-content-length": (post(chunked(man + dat + end), length=False,
                                            extra=[b"Transfer-Encoding: chunked",
                                                   b"Content-Length: %d" % len(man + dat + end)]), 400),
        "transfer-encoding-gzip": (post(man + dat + end, length=False, extra=[b"Transfer-Encoding: gzip"]), 400),
        "no-length": (post(b"", length=False), 411),
        "two-idempotency-keys": (post(man + dat + end, keys=(key, key)), 400),
        "bad-idempotency-key": (post(man + dat + end, keys=(b"../" + key,)), 400),
        "put": (post(man + dat + end, method=b"PUT"), 405),
        "other-path": (post(man + dat + end, path=b"/upload"), 404),
        # the control: the same request made right is stored
        "valid": (post(man + dat + end), 201),
        "valid-chunked": (post(chunked(man + dat + end), length=False,
                               extra=[b"Transfer-Encoding: chunked"]), 200),
    }
    os.makedirs(out, exist_ok=True)
    for name, (req, want) in cases.items():
        with open(os.path.join(out, name + ".http"), "wb") as f:
            f.write(req)
        print(name, want)


def raw(host, port, cert, key, ca, path, body_out):
    with open(path, "rb") as f:
        req = f.read()
    ctx = tls_context(cert, key, ca)
    data = b""
    try:
        s = ctx.wrap_socket(socket.create_connection((host, port), timeout=60), server_hostname=host)
        s.sendall(req)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (OSError, ssl.SSLError):
        pass
    head, _, body = data.partition(b"\r\n\r\n")
    line = head.split(b"\r\n")[0].decode(errors="replace")
    with open(body_out, "wb") as f:
        f.write(body)
    print(line.split(" ")[1] if line.startswith("HTTP/") else "000")


def flood(n, sources, host, port, seconds, status, stop):
    import selectors
    sel = selectors.DefaultSelector()
    sources = sources.split(",")
    hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 600
    conns = [{"i": i, "sock": None, "t": 0.0, "sent": 0, "due": 0.0} for i in range(n)]
    opened = closed = max_held = 0
    t_end = time.monotonic() + seconds
    last_status = 0.0

    def connect(c, now):
        nonlocal opened
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((sources[c["i"] % len(sources)], 0))
            s.connect_ex((host, port))
        except OSError:
            s.close()
            c["due"] = now + 1.0
            return
        c.update(sock=s, t=now, sent=0)
        sel.register(s, selectors.EVENT_READ, c)
        opened += 1

    def drop(c, now):
        sel.unregister(c["sock"])
        c["sock"].close()
        c.update(sock=None, due=now + 1.0)

    while time.monotonic() < t_end and not os.path.exists(stop):
        now = time.monotonic()
        for c in conns:
            if c["sock"] is None and now >= c["due"]:
                connect(c, now)
            elif c["sock"] is not None and c["i"] % 2 == 1 and now - c["t"] >= c["sent"] + 1:
                # a byte a second of a ClientHello
                try:
                    c["sock"].send(hello[c["sent"] % len(hello):][:1])
                    c["sent"] += 1
                except BlockingIOError:
                    pass
                except OSError:
                    drop(c, now)
                    closed += 1
        for key, _ in sel.select(timeout=0.2):
            c = key.data
            try:
                if c["sock"].recv(4096) != b"":
                    continue
            except BlockingIOError:
                continue
            except OSError:
                pass
            drop(c, time.monotonic())
            closed += 1
        now = time.monotonic()
        held = sum(1 for c in conns if c["sock"] is not None)
        aged = sum(1 for c in conns if c["sock"] is not None and now - c["t"] > 1.0)
        max_held = max(max_held, aged)
        if now - last_status >= 1.0:
            last_status = now
            with open(status + ".tmp", "w") as f:
                f.write("opened %d held %d max_held %d closed %d\n" % (opened, held, max_held, closed))
            os.replace(status + ".tmp", status)
    for c in conns:
        if c["sock"] is not None:
            c["sock"].close()


def cert(ca_pem, ca_key, cn, not_before, not_after, stem):
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    with open(ca_pem, "rb") as f:
        ca = x509.load_pem_x509_certificate(f.read())
    with open(ca_key, "rb") as f:
        cakey = serialization.load_pem_private_key(f.read(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    serial = int.from_bytes(os.urandom(16), "big") & ((1 << 126) - 1) | (1 << 126)
    day = lambda s: datetime.datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
    c = (x509.CertificateBuilder()
         .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
         .issuer_name(ca.subject).public_key(key.public_key()).serial_number(serial)
         .not_valid_before(day(not_before)).not_valid_after(day(not_after))
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                        critical=True)
         .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
         .sign(cakey, hashes.SHA256()))
    fd = os.open(stem + ".key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(stem + ".pem", "wb") as f:
        f.write(c.public_bytes(serialization.Encoding.PEM))
    print("%032x" % serial)


def main():
    a = sys.argv[1:]
    if a[0] == "slow":
        slow(int(a[1]), a[2], int(a[3]), a[4], a[5], a[6], float(a[7]), a[8])
    elif a[0] == "big-length":
        big_length(a[1], int(a[2]), a[3], a[4], a[5], a[6])
    elif a[0] == "malformed":
        malformed(a[1], a[2])
    elif a[0] == "requests":
        requests(a[1], a[2])
    elif a[0] == "raw":
        raw(a[1], int(a[2]), a[3], a[4], a[5], a[6], a[7])
    elif a[0] == "flood":
        flood(int(a[1]), a[2], a[3], int(a[4]), float(a[5]), a[6], a[7])
    elif a[0] == "cert":
        cert(*a[1:7])
    else:
        raise SystemExit("hostile_client.py: unknown command " + a[0])


if __name__ == "__main__":
    main()
