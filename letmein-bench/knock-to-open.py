#!/usr/bin/env python3
"""Knock-to-open loop, run ONCE inside the client namespace (one `ip netns exec`), so namespace entry
is not part of any sample. Per round: revoke, wait until the port is shut, t0, start the knock command,
wait for it, then poll TCP connects (short per-attempt timeout, new socket each time: a dropped SYN is
not retransmitted into the next attempt) until one succeeds, t1. Prints one JSON line per round and a
summary line.

usage: knock-to-open.py ROUNDS ADDR PORT -- KNOCK-CMD... -- REVOKE-CMD...
"""
import json, socket, statistics, subprocess, sys, threading, time

def connect_ok(addr, port, timeout):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        return True
    except OSError:
        return False
    finally:
        s.close()

def run(cmd):
    """Runs cmd and returns its exit code as soon as it exits. Not subprocess.run(timeout=...): with a
    timeout, Python polls for the exit with sleeps of 0.5, 1, 2, 4, 8, 16, 32 ms, so a 53 ms process is
    seen to end at 63.5 ms (that was 10 ms of every earlier sample). Here a blocking wait, and a timer
    thread kills a command still running after 20 s."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killer = threading.Timer(20.0, p.kill)
    killer.start()
    try:
        return p.wait()
    finally:
        killer.cancel()

def main():
    a = sys.argv[1:]
    rounds, addr, port = int(a[0]), a[1], int(a[2])
    rest = a[4:]
    sep = rest.index("--")
    knock, revoke = rest[:sep], rest[sep + 1:]
    samples, knock_only, failures = [], [], 0
    for i in range(rounds):
        run(revoke)
        shut = False
        for _ in range(50):  # bounded: at most ~50 x 0.1 s
            if not connect_ok(addr, port, 0.1):
                shut = True
                break
            time.sleep(0.05)
        if not shut:
            print(json.dumps({"round": i, "error": "port still open after revoke"}), flush=True)
            failures += 1
            continue
        t0 = time.perf_counter()
        rc = run(knock)
        tk = time.perf_counter()
        opened, attempts = False, 0
        deadline = tk + 3.0
        while time.perf_counter() < deadline:  # bounded: 3 s
            attempts += 1
            if connect_ok(addr, port, 0.002):
                opened = True
                break
        t1 = time.perf_counter()
        if rc != 0 or not opened:
            failures += 1
            print(json.dumps({"round": i, "error": f"knock rc={rc} opened={opened}"}), flush=True)
            continue
        samples.append((t1 - t0) * 1000)
        knock_only.append((tk - t0) * 1000)
        print(json.dumps({"round": i, "knock_ms": round((tk - t0) * 1000, 2),
                          "knock_to_open_ms": round((t1 - t0) * 1000, 2), "connect_attempts": attempts}), flush=True)
    s = {"rounds": rounds, "ok": len(samples), "failures": failures}
    if samples:
        s.update(median_knock_to_open_ms=round(statistics.median(samples), 2),
                 min_ms=round(min(samples), 2), max_ms=round(max(samples), 2),
                 median_knock_process_ms=round(statistics.median(knock_only), 2))
    print("SUMMARY " + json.dumps(s), flush=True)
    return 0 if samples and failures == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
