#!/usr/bin/python3
"""hostile_client.py - the hostile clients of tests/hub/hostile.sh (Python's
ssl and threads; python3-cryptography for the certificates).

  slow N HOST PORT CERT KEY CA SECONDS OUT
      N clients that each open a TLS connection with CERT and send a POST to
      /extracts one byte a second, plus one that sends its TLS ClientHello
      one byte a second and one that connects and sends nothing; each stops
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


def tls_context(cert, key, ca):
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    ctx.load_cert_chain(cert, key)
    return ctx


def slow(n, host, port, cert, key, ca, seconds, out):
    ctx = tls_context(cert, key, ca)
    request = (b"POST /extracts HTTP/1.1\r\nHost: hub\r\nIdempotency-Key: slow\r\n"
               b"Content-Type: multipart/form-data; boundary=x\r\n"
               b"Content-Length: 100000\r\n\r\n" + b"--x\r\n" + b"a" * 100000)
    results = {"body": [], "handshake": [], "idle": []}
    lock = threading.Lock()

    def note(kind, closed, t):
        with lock:
            results[kind].append((closed, t))

    def body_client():
        t0 = time.monotonic()
        try:
            raw = socket.create_connection((host, port), timeout=seconds + 5)
            s = ctx.wrap_socket(raw, server_hostname=host)
            s.settimeout(1.0)
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
            s = socket.create_connection((host, port), timeout=seconds + 5)
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
            s = socket.create_connection((host, port), timeout=seconds + 5)
            s.settimeout(seconds)
            s.recv(1)  # EOF, or the TLS alert the hub sends as it closes
            closed = True
        except socket.timeout:
            closed = False
        except OSError:
            closed = True
        note("idle", closed, time.monotonic() - t0)

    threads = [threading.Thread(target=body_client) for _ in range(n)]
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
    elif a[0] == "cert":
        cert(*a[1:7])
    else:
        raise SystemExit("hostile_client.py: unknown command " + a[0])


if __name__ == "__main__":
    main()
