#!/usr/bin/env python3
"""Slow clients against a real `scaleout serve`: prints figures, asserts nothing.

Starts the server with a 256-descriptor limit (as a small container has), opens
300 connections that send half a request head or nothing at all, and then,
every second, counts how many of them the server still holds open and times
an operator's request. Run after a build:

    scripts/measure-slow-clients.py [path/to/scaleout]   (default target/debug/scaleout)
"""

import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "target", "debug", "scaleout")
PASSWORD = "measure-slow-clients"
ATTACKERS = 300
SECONDS = 16


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def limit_descriptors():
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def post(base, path, data=b"", cookie=None, timeout=10.0):
    request = urllib.request.Request(base + path, data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if cookie:
        request.add_header("Cookie", cookie)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.headers.get("Set-Cookie"), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, None, time.monotonic() - started
    except (TimeoutError, socket.timeout, urllib.error.URLError, ConnectionError):
        return None, None, time.monotonic() - started


def still_open(sock):
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def main():
    data = tempfile.mkdtemp(prefix="scaleout-slow-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, SCALEOUT_ADMIN_PASSWORD=PASSWORD, RUST_LOG="warn")
    server = subprocess.Popen(
        [BIN, "--data-dir", data, "serve", "--addr", f"127.0.0.1:{port}"],
        env=env, preexec_fn=limit_descriptors,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if post(base, "/api/console/status", timeout=1)[0] is not None:
                break
            time.sleep(0.05)
        status, cookie, _ = post(base, "/api/access/login", f"password={PASSWORD}".encode())
        assert status == 200, status
        cookie = cookie.split(";")[0]

        attackers = []
        for i in range(ATTACKERS):
            s = socket.socket()
            s.settimeout(2)
            try:
                s.connect(("127.0.0.1", port))
                if i % 2 == 0:
                    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            except OSError:
                pass
            attackers.append(s)
        print(f"{ATTACKERS} slow connections opened (half send half a head, half nothing);"
              f" server limited to 256 descriptors")
        print(f"{'t (s)':>6} {'held open':>10} {'server fds':>11} {'operator request':>17}")
        started = time.monotonic()
        while time.monotonic() - started < SECONDS:
            tick = time.monotonic()
            status, _, took = post(base, "/api/console/status", cookie=cookie, timeout=12)
            held = sum(1 for s in attackers if still_open(s))
            try:
                fds = len(os.listdir(f"/proc/{server.pid}/fd"))
            except OSError:
                fds = -1
            answer = f"{status} in {took * 1000:.0f} ms" if status else f"no answer ({took:.1f} s)"
            print(f"{tick - started:6.1f} {held:10d} {fds:11d} {answer:>17}")
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
        for s in attackers:
            s.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
