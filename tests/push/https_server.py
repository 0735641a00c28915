#!/usr/bin/python3
"""https_server.py - a test receiver for kvalind's push layer (check_push)

A real HTTPS server on 127.0.0.1 (Python standard library only). It requires
a client certificate from the test CA, checked against the CA's CRL, and takes
one POST per extract: multipart/form-data with the parts "manifest" and
"data", and the header "Idempotency-Key". Each extract is stored once, as
WORK/store/KEY.json; a repeat of a stored key is answered 200 "already
stored" and stores nothing. Every request is a line in WORK/requests.log
("KEY STATUS"), every refused TLS handshake a line in WORK/tls.log.

When it listens it writes its port to WORK/port (atomically) and stdout.

With --raw, every request as it arrived after TLS (request line, headers,
body) is also kept whole in WORK/raw/N.req, one file per request, for
tests that must see every byte a client sent.

It answers as a kvalind hub does (the reply contract): 201 stored, 200
already stored, 422 with a one-line reason when the extract's content is
invalid (the data does not match the manifest's SHA-256, the manifest is not
JSON, its extract_id is not the Idempotency-Key), 400 for a request that is
not one (no key, not multipart, a part missing).

Misbehaviour for tests, by flag:
  --cert wrong       present the unrelated CA's server certificate
  --fail-503 N       reply 503 to the next N requests (nothing stored)
  --lose-reply N     store the next N extracts, then close the connection
                     without a reply
  --answer CODE      reply CODE to every request (nothing stored), with
                     --reason TEXT as the first line of the body; a 3xx
                     carries a Location on this server
  --redirect         the same as --answer 302 --reason moved
  --hang             accept the request, then never reply
  --silent           accept the TCP connection, then never say a thing (no
                     TLS handshake)
The file WORK/answer, when it exists, holds "CODE REASON" and overrides the
flags for each request that comes while it is there (tests change the
receiver's mind without a restart).

Receipts, as kvalind-hub gives them (core/receipt.h): with --receipt MODE,
a 201 or 200 body is the status line, then a receipt, Content-Type
application/vnd.kvalind.receipt. The receipt is signed with the openssl
command (dgst -sha256 -sign) by the receiver's key; its participant is the
one the extract id names (PARTICIPANT_YYYY-MM_HEX16), else "test-office".
MODE is one of
  none           no receipt (the default; a receiver from before receipts)
  good           a valid receipt of what arrived
  bad-data       a valid signature over the SHA-256 of other data
  other-server   signed by server2 (the test CA's too, but not the
                 certificate this connection was made with)
  other-ca       signed by wrong-server, of the unrelated CA
  garbage        "kvalind-receipt 1" and then nonsense
  huge           a good receipt followed by 70 KiB
The file WORK/receipt, when it exists, holds lines "KEY MODE" ("*" for any
key) and overrides --receipt for the keys it names.
"""
import argparse
import base64
import datetime
import email.parser
import email.policy
import hashlib
import http.server
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
ID_RE = re.compile(r"^([A-Za-z0-9_-]{1,100})_[0-9]{4}-[0-9]{2}_[0-9a-f]{16}$")


def receipt_mode(args, key):
    """The receipt mode for key: WORK/receipt's line for it (or "*"), else
    --receipt."""
    try:
        with open(os.path.join(args.work, "receipt")) as f:
            lines = [line.split() for line in f if line.strip()]
    except FileNotFoundError:
        lines = []
    for wanted in (key, "*"):
        for fields in lines:
            if len(fields) == 2 and fields[0] == wanted:
                return fields[1]
    return args.receipt


def make_receipt(args, key, parts, mode):
    """The receipt text (bytes) for an extract that arrived, or None."""
    if mode == "none":
        return None
    if mode == "garbage":
        return b"kvalind-receipt 1\nthis is not a receipt\n"
    match = ID_RE.match(key)
    participant = match.group(1) if match else "test-office"
    data = parts["data"][2] + (b"x" if mode == "bad-data" else b"")
    stored = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = ("kvalind-receipt 1\nparticipant: %s\nextract: %s\nmanifest-sha256: %s\n"
            "data-sha256: %s\nstored: %s\n" % (
                participant, key, hashlib.sha256(parts["manifest"][2]).hexdigest(),
                hashlib.sha256(data).hexdigest(), stored)).encode("ascii")
    signer = {"other-server": "server2", "other-ca": "wrong-server"}.get(mode, "server")
    sig = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", os.path.join(args.certs, signer + ".key")],
        input=text, stdout=subprocess.PIPE, check=True).stdout
    with open(os.path.join(args.certs, signer + ".pem"), "rb") as f:
        cert = f.read()
    receipt = text + b"signature: " + base64.b64encode(sig) + b"\n" + cert
    if mode == "huge":
        receipt += b"A" * (70 * 1024)
    return receipt


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.fail_503 = args.fail_503
        self.lose_reply = args.lose_reply
        self.args = args
        self.store = os.path.join(args.work, "store")
        os.makedirs(self.store, exist_ok=True)
        self.n_raw = 0
        if args.raw:
            os.makedirs(os.path.join(args.work, "raw"), exist_ok=True)

    def keep_raw(self, head, body):
        """With --raw: the request's bytes into WORK/raw/N.req."""
        if not self.args.raw:
            return
        with self.lock:
            self.n_raw += 1
            n = self.n_raw
        with open(os.path.join(self.args.work, "raw", "%06d.req" % n), "wb") as f:
            f.write(head + body)

    def log(self, name, line):
        with self.lock, open(os.path.join(self.args.work, name), "a") as f:
            f.write(line + "\n")


class Refused(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_multipart(content_type, body):
    """The form's parts by name: {name: (filename, content_type, bytes)}."""
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not msg.is_multipart() or msg.get_content_type() != "multipart/form-data":
        raise Refused(400, "expected multipart/form-data")
    parts = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            raise Refused(400, "a part without a name")
        if name in parts:
            raise Refused(400, "part %s appears twice" % name)
        parts[name] = (part.get_filename(), part.get_content_type(),
                       part.get_payload(decode=True) or b"")
    return parts


def check_extract(key, parts):
    for name in ("manifest", "data"):
        if name not in parts:
            raise Refused(400, "missing part %s" % name)
    try:
        manifest = json.loads(parts["manifest"][2].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refused(422, "manifest is not JSON")
    if not isinstance(manifest, dict):
        raise Refused(422, "manifest is not a JSON object")
    if "extract_id" in manifest and manifest["extract_id"] != key:
        raise Refused(422, "Idempotency-Key differs from the manifest's extract_id")
    data = manifest.get("data")
    if isinstance(data, dict) and "sha256" in data:
        if hashlib.sha256(parts["data"][2]).hexdigest() != data["sha256"]:
            raise Refused(422, "data sha256 does not match the manifest")


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "kvalind-test-receiver/1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, text, headers=(), receipt=None):
        body = (text + "\n").encode("utf-8")
        content_type = "text/plain; charset=utf-8"
        if receipt is not None:
            body += receipt
            content_type = "application/vnd.kvalind.receipt"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def raw_head(self):
        return (self.requestline + "\r\n" + str(self.headers)).encode("latin-1", "replace")

    def do_GET(self):
        self.server.state.keep_raw(self.raw_head(), b"")
        self.server.state.log("requests.log", "GET %s" % self.path)
        self.reply(405, "POST only")

    def do_POST(self):
        state = self.server.state
        key = self.headers.get("Idempotency-Key", "")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            state.keep_raw(self.raw_head(), b"")
            state.log("requests.log", "%s 411" % (key or "-"))
            self.reply(411, "Content-Length required")
            return
        body = self.rfile.read(int(length))
        state.keep_raw(self.raw_head(), body)
        status, text, headers = self.handle_extract(state, key, body)
        state.log("requests.log", "%s %s" % (key or "-", status))
        if status == "lost":
            self.close_connection = True
            return
        if status == "hang":
            time.sleep(3600)
            return
        receipt = None
        if status in (200, 201) and getattr(self, "parts", None) is not None:
            receipt = make_receipt(state.args, key, self.parts, receipt_mode(state.args, key))
        self.reply(status, text, headers, receipt)

    def answer(self, code, reason):
        headers = ()
        if 300 <= code <= 399:
            port = self.server.server_address[1]
            headers = [("Location", "https://127.0.0.1:%d/elsewhere" % port)]
        return code, reason + "\nsee the receiver's documentation", headers

    def handle_extract(self, state, key, body):
        args = state.args
        try:
            with open(os.path.join(args.work, "answer")) as f:
                code, _, reason = f.read().strip().partition(" ")
            if code:
                return self.answer(int(code), reason)
        except FileNotFoundError:
            pass
        with state.lock:
            if state.fail_503 > 0:
                state.fail_503 -= 1
                return 503, "busy, try again later", ()
        if args.hang:
            return "hang", "", ()
        if args.redirect:
            port = self.server.server_address[1]
            return 302, "moved", [("Location", "https://127.0.0.1:%d/elsewhere" % port)]
        if args.answer is not None:
            return self.answer(args.answer, args.reason)
        if not KEY_RE.match(key):
            return 400, "missing or bad Idempotency-Key", ()
        try:
            parts = parse_multipart(self.headers.get("Content-Type", ""), body)
            check_extract(key, parts)
        except Refused as e:
            return e.status, e.reason, ()
        self.parts = parts
        path = os.path.join(state.store, key + ".json")
        with state.lock:
            if os.path.exists(path):
                return 200, "already stored", ()
            cert = self.connection.getpeercert() or {}
            subject = dict(x[0] for x in cert.get("subject", ()))
            record = {
                "idempotency_key": key,
                "client": subject.get("commonName"),
                "user_agent": self.headers.get("User-Agent"),
                "parts": {name: {"filename": fn, "type": ct,
                                 "text": content.decode("utf-8", "replace")}
                          for name, (fn, ct, content) in parts.items()},
            }
            tmp = os.path.join(state.store, ".%s.tmp" % key)
            with open(tmp, "w") as f:
                json.dump(record, f, indent=1)
            os.rename(tmp, path)
            if state.lose_reply > 0:
                state.lose_reply -= 1
                return "lost", "", ()
        return 201, "stored", ()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the request's thread, so a
        # refused client does not stop the server.
        if self.state.args.silent:
            self.state.log("requests.log", "- silent")
            time.sleep(3600)
            return
        try:
            conn = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.state.log("tls.log", "refused: %s" % e)
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        except (ssl.SSLError, OSError) as e:
            self.state.log("tls.log", "error: %s" % e)
        finally:
            conn.close()  # no close_notify: a "lost reply" is just a closed socket


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--certs", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert", choices=("good", "wrong"), default="good")
    p.add_argument("--fail-503", type=int, default=0)
    p.add_argument("--lose-reply", type=int, default=0)
    p.add_argument("--answer", type=int)
    p.add_argument("--reason", default="test answer")
    p.add_argument("--redirect", action="store_true")
    p.add_argument("--hang", action="store_true")
    p.add_argument("--silent", action="store_true")
    p.add_argument("--raw", action="store_true")
    p.add_argument("--receipt", default="none",
                   choices=("none", "good", "bad-data", "other-server", "other-ca",
                            "garbage", "huge"))
    args = p.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    name = "server" if args.cert == "good" else "wrong-server"
    ctx.load_cert_chain(os.path.join(args.certs, name + ".pem"),
                        os.path.join(args.certs, name + ".key"))
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cafile=os.path.join(args.certs, "ca.pem"))
    ctx.load_verify_locations(cafile=os.path.join(args.certs, "crl.pem"))
    ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF

    server = Server(("127.0.0.1", args.port), Handler)
    server.context = ctx
    server.state = State(args)
    port = server.server_address[1]
    tmp = os.path.join(args.work, ".port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, os.path.join(args.work, "port"))
    print(port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
