#!/usr/bin/env python3
"""Whole-process start-up benchmark of `letmein knock` (target: <= 50 ms median, see the
table in docs/benchmarks.md).

Starts letmein.client.testserver.BenchServer (test classes; the client's loopback server, i.e. the real
server-side session without a firewall) on 127.0.0.1 only, writes a client config for it into a
temporary directory, then runs every given launcher once per round, in rotating order, so that load
from other processes hits all variants alike. Prints median, quartiles, minimum and the median CPU
time (user+sys) of each, and the load average.

Usage (after `mvn -B package` of letmein-proto and letmein-client):
    letmein-client/bench/knock-bench.py [--rounds N] [NAME=LAUNCHER ...]
Default: one variant, bin/letmein of this tree. A LAUNCHER is a path to a bin/letmein; the variant
"without archive" is e.g. a copy of the tree without letmein-client/target/letmein.jsa.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.dirname(os.path.dirname(HERE))
TARGET = os.path.join(TREE, "letmein-client", "target")
KEY = "5B1F7A3C9E2D4F6A8B0C1D2E3F405162738495A6B7C8D9EAFB0C1D2E3F405162"  # bench only, never a real key


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("variants", nargs="*")
    a = ap.parse_args()
    variants = [v.split("=", 1) for v in a.variants] or [["letmein", os.path.join(TREE, "bin", "letmein")]]
    cp = os.path.join(TARGET, "test-classes") + os.pathsep + os.path.join(TARGET, "letmein-client.jar")
    tmp = tempfile.mkdtemp(prefix="letmein-bench-")
    server = subprocess.Popen(["java", "-cp", cp, "letmein.client.testserver.BenchServer", "00000001", KEY,
                               "00000002"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        conf = os.path.join(tmp, "letmein.conf")
        with open(conf, "w") as f:
            f.write("[GENERAL]\nport = %d\n[CLIENT]\ndefault-user = 00000001\n[KEYS]\n00000001 = %s\n"
                    "[RESOURCES]\n00000002 = port: 22\n" % (port, KEY))
        os.chmod(conf, 0o644)
        args = ["-c", conf, "knock", "127.0.0.1", "22"]
        wall = {n: [] for n, _ in variants}
        cpu = {n: [] for n, _ in variants}
        for n, launcher in variants:  # warm the page cache
            for _ in range(3):
                run(launcher, args, n)
        for r in range(a.rounds):
            k = r % len(variants)
            for n, launcher in variants[k:] + variants[:k]:
                dt, c = run(launcher, args, n)
                wall[n].append(dt)
                cpu[n].append(c)
        print("load average %s, %d rounds" % (" ".join(open("/proc/loadavg").read().split()[:3]), a.rounds))
        for n, _ in variants:
            w = sorted(wall[n])
            print("%-16s median %6.1f ms  p25 %6.1f  p75 %6.1f  min %6.1f  cpu median %6.1f ms"
                  % (n, statistics.median(w), w[len(w) // 4], w[3 * len(w) // 4], w[0], statistics.median(cpu[n])))
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def run(launcher, args, name):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([launcher] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = (time.perf_counter() - t) * 1000
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("%s failed (exit %d): %s" % (name, p.returncode, p.stderr.decode(errors="replace")))
    return dt, (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000


if __name__ == "__main__":
    main()
