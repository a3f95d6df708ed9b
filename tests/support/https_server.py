#!/usr/bin/env python3
"""A real HTTPS server on 127.0.0.1 standing in for providers' APIs in keyfence's validation tests.

Usage: https_server.py CERT KEY BEHAVIOUR_JSON LOG_FILE PORT_FILE

BEHAVIOUR_JSON maps a secret to how the server answers a request carrying it (in a Bearer or token
header, x-api-key, PRIVATE-TOKEN, a key= query parameter, or Basic auth as "USER:PASSWORD"):
  "live" 200 {"ok": true} | "invalid" 401 | "forbidden" 403 | "slack-false" 200 {"ok": false}
  "rate-limited" 429 with Retry-After: 1 every time | "rate-limited-once" 429 then 200
  "redirect" 302 to https://elsewhere.example/ | "slow" sleeps 3 s, then 200 | "error" 500
  "held" sleeps 1 s, then 200 (to count requests in flight)
Unknown secrets get 401. An AWS SigV4 request (Authorization: AWS4-HMAC-SHA256) is checked as AWS would:
"aws:KEYID" in BEHAVIOUR_JSON names the secret key of KEYID; a signature made with it gets 200, any other
403 (SignatureDoesNotMatch), an unknown key id 403 (InvalidClientTokenId); its secret is logged as
"aws:KEYID". Every request is appended to LOG_FILE as one JSON line (method, host, path, secret, the
whole request as it arrived in "raw", and how many requests to its host and in all were in flight).
The chosen port is written to PORT_FILE once the server listens.
"""
import base64
import hashlib
import hmac
import json
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

cert, key, behaviour_file, log_file, port_file = sys.argv[1:6]
behaviour = json.load(open(behaviour_file))
seen = {}
lock = threading.Lock()


in_flight = {}


def aws_signature_ok(handler, body, key_id, secret):
    """Recomputes the request's SigV4 signature with the secret AWS would hold for key_id."""
    auth = handler.headers.get("Authorization")
    fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    _, date, region, service, _ = fields["Credential"].split("/")
    names = fields["SignedHeaders"].split(";")
    url = urllib.parse.urlparse(handler.path)
    query = "&".join(sorted(p for p in url.query.split("&") if p))
    headers = "".join(f"{n}:{handler.headers.get(n, '').strip()}\n" for n in names)
    request = "\n".join([handler.command, url.path or "/", query, headers, ";".join(names), hashlib.sha256(body).hexdigest()])
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", handler.headers.get("X-Amz-Date", ""), scope, hashlib.sha256(request.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), fields["Signature"])


def secret_of(handler):
    auth = handler.headers.get("Authorization", "")
    if auth.startswith("AWS4-HMAC-SHA256 "):
        return "aws:" + auth.split("Credential=", 1)[1].split("/", 1)[0]
    if auth.startswith("Basic "):
        return base64.b64decode(auth[6:]).decode()
    for name in ("Authorization", "x-api-key", "PRIVATE-TOKEN"):
        value = handler.headers.get(name)
        if value:
            return value.split(" ", 1)[1] if name == "Authorization" and " " in value else value
    query = urllib.parse.parse_qs(urllib.parse.urlparse(handler.path).query)
    return query.get("key", [""])[0]


class Handler(BaseHTTPRequestHandler):
    def answer(self):
        secret = secret_of(self)
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length) if length else b""
        host = self.headers.get("Host")
        with lock:
            in_flight[host] = in_flight.get(host, 0) + 1
            entry = {"method": self.command, "host": host, "path": self.path, "secret": secret,
                     "raw": f"{self.requestline}\n{self.headers}{sent.decode(errors='replace')}",
                     "host_in_flight": in_flight[host], "in_flight": sum(in_flight.values())}
            with open(log_file, "a") as log:
                log.write(json.dumps(entry) + "\n")
            seen[secret] = seen.get(secret, 0) + 1
            count = seen[secret]
        try:
            self.respond(secret, sent, count)
        finally:
            with lock:
                in_flight[host] -= 1

    def respond(self, secret, sent, count):
        how = behaviour.get(secret, "invalid")
        status, headers, body = 401, {}, b'{"error": "invalid key"}'
        if secret.startswith("aws:"):
            key_id = secret[4:]
            how = "aws-unknown-key"
            if secret in behaviour:
                how = "live" if aws_signature_ok(self, sent, key_id, behaviour[secret]) else "aws-bad-signature"
        if how == "aws-unknown-key":
            status, body = 403, b"<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>"
        elif how == "aws-bad-signature":
            status, body = 403, b"<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>"
        elif how == "held":
            time.sleep(1)
            status, body = 200, b'{"ok": true}'
        elif how == "live":
            status, body = 200, b'{"ok": true}'
        elif how == "forbidden":
            status = 403
        elif how == "slack-false":
            status, body = 200, b'{"ok": false, "error": "invalid_auth"}'
        elif how == "rate-limited" or (how == "rate-limited-once" and count == 1):
            status, headers = 429, {"Retry-After": "1"}
        elif how == "rate-limited-once":
            status, body = 200, b'{"ok": true}'
        elif how == "redirect":
            status, headers = 302, {"Location": "https://elsewhere.example/steal"}
        elif how == "slow":
            time.sleep(3)
            status, body = 200, b'{"ok": true}'
        elif how == "error":
            status = 500
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = answer
    do_POST = answer

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
