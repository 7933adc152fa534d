#!/usr/bin/env python3
"""The test suite's own HTTP server, for upload and API client tests.

It binds to 127.0.0.1 on a free port (written to --port-file), records every
request as one JSON line in --log (method, path, query, headers, body size and
sha256), keeps PUT bodies in --store so that HEAD and GET answer with them,
and answers with the statuses of --script first ("500,500,200": the first
two requests get 500, later ones behave normally). With --sigv4 KEY:SECRET it
checks AWS Signature V4 like S3 does, the payload hash included, and answers
403 with an S3-style XML error when it does not match. It stops by itself
after --idle seconds without a request, after --max-seconds in all, or on
SIGTERM. A health endpoint: --fail-for S answers --fail-status (503) with
--fail-body to every request for S seconds from the first request (-1: for
ever), then as usual. --tls CERT KEY serves https with that certificate.

    http_server.py --port-file P --log L [--store DIR] [--script 500,200]
                   [--retry-after N] [--sigv4 KEY:SECRET] [--idle 60]
                   [--fail-for S] [--fail-status 503] [--fail-body TEXT] [--tls CERT KEY]
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import signal
import ssl
import sys
import threading
import time
import urllib.parse


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--store")
    p.add_argument("--script", default="")
    p.add_argument("--retry-after")
    p.add_argument("--sigv4")
    p.add_argument("--body", default="", help="body of a normal answer to a non-HEAD request")
    p.add_argument("--idle", type=float, default=60)
    p.add_argument("--max-seconds", type=float, default=300)
    p.add_argument("--fail-for", type=float, default=0, help="seconds of --fail-status answers; -1: for ever")
    p.add_argument("--fail-status", type=int, default=503)
    p.add_argument("--fail-body", default="unhealthy")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    return p.parse_args()


ARGS = parse_args()
SCRIPT = [int(s) for s in ARGS.script.split(",") if s.strip()]
LOCK = threading.Lock()
LAST = [time.monotonic()]
FIRST_REQUEST = []


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def sign(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def sigv4_problem(handler, body):
    """None when the request carries a valid SigV4 signature for ARGS.sigv4, else (code, message)."""
    key, secret = ARGS.sigv4.split(":", 1)
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return ("AccessDenied", "no AWS4-HMAC-SHA256 signature")
    fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    cred = fields["Credential"].split("/")
    if cred[0] != key:
        return ("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    payload = handler.headers.get("x-amz-content-sha256")
    if payload is None:
        return ("InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
    if payload != "UNSIGNED-PAYLOAD" and payload != sha256_hex(body):
        return ("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match")
    url = urllib.parse.urlsplit(handler.path)
    query = sorted(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
    canon_query = "&".join(urllib.parse.quote(k, safe="-_.~") + "=" + urllib.parse.quote(v, safe="-_.~")
                           for k, v in query)
    signed = fields["SignedHeaders"].split(";")
    canon_headers = "".join("%s:%s\n" % (h, " ".join(handler.headers.get(h, "").split())) for h in signed)
    canon = "\n".join([handler.command, url.path, canon_query, canon_headers, fields["SignedHeaders"], payload])
    date = handler.headers.get("x-amz-date", "")
    scope = "/".join(cred[1:])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", date, scope, sha256_hex(canon.encode())])
    k = sign(("AWS4" + secret).encode(), cred[1])
    for part in cred[2:]:
        k = sign(k, part)
    if hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest() != fields["Signature"]:
        return ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        h = hashlib.sha256()
        data = bytearray()
        while n > 0:
            chunk = self.rfile.read(min(n, 1 << 20))
            if not chunk:
                break
            n -= len(chunk)
            h.update(chunk)
            if ARGS.store or ARGS.sigv4 or len(data) < (1 << 20):
                data += chunk
        return bytes(data), h.hexdigest()

    def record(self, size, digest, status):
        url = urllib.parse.urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        # Credentials and presigned queries are logged as digests: the suite's secret grep reads this log.
        for k in ("authorization", "x-amz-security-token"):
            if k in headers:
                headers[k] = "sha256:" + sha256_hex(headers[k].encode())
        entry = {"method": self.command, "path": url.path, "query_sha256": sha256_hex(url.query.encode()),
                 "status": status, "headers": headers, "size": size, "sha256": digest}
        with LOCK:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if ("Content-Length", str(len(body))) not in headers and not any(k == "Content-Length" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def stored_path(self):
        safe = urllib.parse.urlsplit(self.path).path.strip("/").replace("/", "__")
        return os.path.join(ARGS.store, safe or "_root")

    def handle_any(self):
        LAST[0] = time.monotonic()
        body, digest = self.read_body()
        with LOCK:
            FIRST_REQUEST[:] = FIRST_REQUEST or [time.monotonic()]
        if ARGS.fail_for < 0 or time.monotonic() - FIRST_REQUEST[0] < ARGS.fail_for:
            self.record(len(body), digest, ARGS.fail_status)
            return self.answer(ARGS.fail_status, ARGS.fail_body.encode(), [("Content-Type", "text/plain")])
        with LOCK:
            scripted = SCRIPT.pop(0) if SCRIPT else None
        if scripted is not None and scripted != 200:
            self.record(len(body), digest, scripted)
            headers = [("Retry-After", ARGS.retry_after)] if ARGS.retry_after else []
            return self.answer(scripted, b"<Error><Code>Scripted</Code><Message>scripted failure</Message></Error>",
                               headers)
        if ARGS.sigv4:
            problem = sigv4_problem(self, body)
            if problem:
                self.record(len(body), digest, 403)
                xml = "<Error><Code>%s</Code><Message>%s</Message></Error>" % problem
                return self.answer(403, xml.encode(), [("Content-Type", "application/xml")])
        if self.command == "PUT" and ARGS.store:
            with open(self.stored_path(), "wb") as f:
                f.write(body)
        if self.command == "HEAD" or self.command == "GET" and ARGS.store and os.path.exists(self.stored_path()):
            path = self.stored_path()
            if not ARGS.store or not os.path.exists(path):
                self.record(0, digest, 404)
                return self.answer(404)
            data = open(path, "rb").read()
            self.record(0, digest, 200)
            if self.command == "HEAD":
                return self.answer(200, b"", [("Content-Length", str(len(data))), ("ETag", '"%s"' % sha256_hex(data))])
            return self.answer(200, data)
        self.record(len(body), digest, 200)
        self.answer(200, ARGS.body.encode(), [("ETag", '"%s"' % digest), ("X-Test", "yes")])

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = do_HEAD = handle_any


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if ARGS.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*ARGS.tls)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    start = time.monotonic()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    while time.monotonic() - LAST[0] < ARGS.idle and time.monotonic() - start < ARGS.max_seconds:
        time.sleep(0.2)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
