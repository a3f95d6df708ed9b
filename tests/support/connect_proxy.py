#!/usr/bin/env python3
"""An HTTP CONNECT proxy on 127.0.0.1 for keyfence's validation tests: every tunnel, whatever host it
names, goes to 127.0.0.1:TARGET_PORT (the test HTTPS server), so TLS is still end to end with the
provider's host name. Each CONNECT line is appended to LOG_FILE.

Usage: connect_proxy.py TARGET_PORT LOG_FILE PORT_FILE
"""
import os
import socket
import sys
import threading

target_port, log_file, port_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def handle(client):
    head = b""
    while b"\r\n\r\n" not in head:
        data = client.recv(4096)
        if not data:
            client.close()
            return
        head += data
    request_line = head.split(b"\r\n", 1)[0].decode(errors="replace")
    with lock, open(log_file, "a") as log:
        log.write(request_line + "\n")
    if not request_line.startswith("CONNECT "):
        client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
        client.close()
        return
    upstream = socket.create_connection(("127.0.0.1", target_port))
    client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
    pipe(client, upstream)


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(16)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
while True:
    conn, _ = server.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
