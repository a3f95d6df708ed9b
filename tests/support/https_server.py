#!/usr/bin/env python3
"""A real HTTPS server on 127.0.0.1 standing in for providers' APIs in keyfence's validation tests.

Usage: https_server.py CERT KEY BEHAVIOUR_JSON LOG_FILE PORT_FILE

BEHAVIOUR_JSON maps a secret to how the server answers a request carrying it (in a Bearer or token
header, x-api-key, PRIVATE-TOKEN or a key= query parameter):
  "live" 200 {"ok": true} | "invalid" 401 | "forbidden" 403 | "slack-false" 200 {"ok": false}
  "rate-limited" 429 with Retry-After: 1 every time | "rate-limited-once" 429 then 200
  "redirect" 302 to https://elsewhere.example/ | "slow" sleeps 3 s, then 200 | "error" 500
Unknown secrets get 401. Every request is appended to LOG_FILE as one JSON line (method, host, path, secret).
The chosen port is written to PORT_FILE once the server listens.
"""
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


def secret_of(handler):
    for name in ("Authorization", "x-api-key", "PRIVATE-TOKEN"):
        value = handler.headers.get(name)
        if value:
            return value.split(" ", 1)[1] if name == "Authorization" and " " in value else value
    query = urllib.parse.parse_qs(urllib.parse.urlparse(handler.path).query)
    return query.get("key", [""])[0]


class Handler(BaseHTTPRequestHandler):
    def answer(self):
        secret = secret_of(self)
        with lock:
            with open(log_file, "a") as log:
                log.write(json.dumps({"method": self.command, "host": self.headers.get("Host"), "path": self.path, "secret": secret}) + "\n")
            seen[secret] = seen.get(secret, 0) + 1
            count = seen[secret]
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        how = behaviour.get(secret, "invalid")
        status, headers, body = 401, {}, b'{"error": "invalid key"}'
        if how == "live":
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
