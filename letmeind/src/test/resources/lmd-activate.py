#!/usr/bin/env python3
"""Test helper: socket activation like systemd with NonBlocking=yes.

Usage: lmd-activate.py SPEC... -- COMMAND ARGS...
SPEC is tcp:HOST:PORT or udp:HOST:PORT (HOST may be an IPv6 literal in brackets). The sockets are
bound (TCP listening), made non-blocking, placed at fd 3, 4, ... and COMMAND is exec'd with
LISTEN_FDS / LISTEN_PID set, as systemd does. Prints the bound ports as 'BOUND proto port' lines.
"""
import os
import socket
import sys

sep = sys.argv.index("--")
specs, cmd = sys.argv[1:sep], sys.argv[sep + 1:]
socks = []
for spec in specs:
    proto, rest = spec.split(":", 1)
    host, port = rest.rsplit(":", 1)
    host = host.strip("[]")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind((host, int(port)))
    if proto == "tcp":
        s.listen(128)
    print("BOUND", proto, s.getsockname()[1], flush=True)
    socks.append(s)
import fcntl
high = [fcntl.fcntl(s.fileno(), fcntl.F_DUPFD_CLOEXEC, 100) for s in socks]
for i, h in enumerate(high):
    fd = 3 + i
    os.dup2(h, fd, inheritable=True)
    os.set_blocking(fd, False)
env = dict(os.environ)
env["LISTEN_FDS"] = str(len(socks))
env["LISTEN_PID"] = str(os.getpid())
os.execve(cmd[0], cmd, env)
