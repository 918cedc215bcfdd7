#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The soak's own UDP traffic, run inside the lab's host namespaces.

  probe DEST PORT RATE SECONDS        a sequence-numbered stream (gap meter)
  flows DEST PORT RATE SECONDS        one new source port per datagram (new NAT flows)
  frag  DEST PORT SIZE RATE SECONDS   SIZE-byte datagrams (fragments) to an echo server
  sink  PORT SECONDS [LOG]            count what arrives; LOG gets "time seq" per datagram
  echo  PORT SECONDS                  send every datagram back where it came from

Every mode stops by itself after SECONDS and prints one JSON object of what
it counted.  Pacing never bursts to catch up: a sender that falls behind
(a busy machine) skips ahead instead.
"""
import json
import select
import socket
import struct
import sys
import time

HDR = struct.Struct("!Qd")		# sequence number, send time


def paced(rate, seconds):
    """Yield once per 1/rate s until SECONDS have passed."""
    period = 1.0 / rate
    end = time.time() + seconds
    nxt = time.time()
    while True:
        now = time.time()
        if now >= end:
            return
        if nxt > now:
            time.sleep(nxt - now)
        elif now - nxt > 1.0:
            nxt = now
        nxt += period
        yield


def probe(dest, port, rate, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = errors = 0
    for _ in paced(rate, seconds):
        try:
            s.sendto(HDR.pack(sent, time.time()), (dest, port))
            sent += 1
        except OSError:
            errors += 1		# no route or neighbour yet: the gap shows it
    return {"sent": sent, "send_errors": errors}


def flows(dest, port, rate, seconds):
    """A fresh source port for each datagram, cycling through 10000-59999:
    at the default rate a port comes back after minutes, long after the
    soak's session flushes, so every datagram opens a new NAT session."""
    sent = errors = 0
    sport = 10000
    for _ in paced(rate, seconds):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sport = sport + 1 if sport < 59999 else 10000
            s.bind(("0.0.0.0", sport))
            s.sendto(HDR.pack(sent, time.time()), (dest, port))
            sent += 1
        except OSError:
            errors += 1		# port in use by another sender, or no route
        finally:
            s.close()
    return {"sent": sent, "send_errors": errors}


def frag(dest, port, size, rate, seconds):
    """Each datagram is SIZE bytes, so it leaves fragmented and its echo
    comes back fragmented; it counts when it returns whole and unchanged."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    sent = errors = echoed = bad = 0
    pad = bytes(range(256)) * (size // 256 + 1)

    def drain():
        nonlocal echoed, bad
        while True:
            try:
                data = s.recv(65535)
            except OSError:
                return
            seq = HDR.unpack_from(data)[0] if len(data) >= HDR.size else -1
            if len(data) == size and data[HDR.size:] == pad[:size - HDR.size] and 0 <= seq < sent:
                echoed += 1
            else:
                bad += 1

    for _ in paced(rate, seconds):
        drain()
        try:
            s.sendto(HDR.pack(sent, time.time()) + pad[:size - HDR.size], (dest, port))
            sent += 1
        except OSError:
            errors += 1
    end = time.time() + 1.0		# the last echoes
    while time.time() < end:
        select.select([s], [], [], 0.1)
        drain()
    return {"sent": sent, "send_errors": errors, "echoed_whole": echoed, "echoed_bad": bad,
            "lost": sent - echoed}


def serve(port, seconds, handle):
    """Call handle(sock, data, src, now) for each datagram to PORT until
    SECONDS have passed; the number received."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind(("0.0.0.0", port))
    got = 0
    end = time.time() + seconds
    while True:
        left = end - time.time()
        if left <= 0:
            return got
        if not select.select([s], [], [], min(left, 0.5))[0]:
            continue
        data, src = s.recvfrom(65535)
        got += 1
        handle(s, data, src, time.time())


def sink(port, seconds, log=None):
    out = open(log, "w") if log else None
    sources = set()

    def handle(s, data, src, now):
        sources.add(src)
        if out and len(data) >= HDR.size:
            out.write("%.6f %d\n" % (now, HDR.unpack_from(data)[0]))

    got = serve(port, seconds, handle)
    if out:
        out.close()
    return {"received": got, "source_tuples": len(sources)}


def echo(port, seconds):
    def handle(s, data, src, now):
        try:
            s.sendto(data, src)
        except OSError:
            pass

    return {"received": serve(port, seconds, handle)}


def main(argv):
    modes = {
        "probe": lambda a: probe(a[0], int(a[1]), float(a[2]), float(a[3])),
        "flows": lambda a: flows(a[0], int(a[1]), float(a[2]), float(a[3])),
        "frag": lambda a: frag(a[0], int(a[1]), int(a[2]), float(a[3]), float(a[4])),
        "sink": lambda a: sink(int(a[0]), float(a[1]), a[2] if len(a) > 2 else None),
        "echo": lambda a: echo(int(a[0]), float(a[1])),
    }
    if len(argv) < 2 or argv[1] not in modes:
        sys.stderr.write(__doc__)
        return 2
    try:
        res = modes[argv[1]](argv[2:])
    except (IndexError, ValueError) as e:
        sys.stderr.write("traffic.py %s: %s\n" % (argv[1], e))
        return 2
    print(json.dumps(res))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
