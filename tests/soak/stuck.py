#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""stuck.py SOCKET CLIENTS SECONDS [INTERVAL]

CLIENTS control-socket clients that ask for the whole route table
(RTM_GETROUTE with NLM_F_DUMP) every INTERVAL seconds (default 1) and
never read a byte of the answers: what a careless or hostile member of the
socket's group can do.  A client the dataplane disconnects (or a dataplane
that is gone) is reconnected after a short pause.  Stops by itself after
SECONDS and prints one JSON object of what happened.
"""
import errno
import json
import select
import socket
import struct
import sys
import time

RTM_GETROUTE = 26
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
AF_INET = 2
RECONNECT_S = 0.5


def dump_request(seq):
    rtmsg = struct.pack("=BBBBBBBBI", AF_INET, 0, 0, 0, 0, 0, 0, 0, 0)
    return struct.pack("=IHHII", 16 + len(rtmsg), RTM_GETROUTE,
                       NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + rtmsg


class Client:
    def __init__(self):
        self.sock = None
        self.retry_at = 0.0
        self.next_req = 0.0
        self.seq = 0


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    path, n, seconds = argv[1], int(argv[2]), float(argv[3])
    interval = float(argv[4]) if len(argv) > 4 else 1.0
    st = {"clients": n, "connects": 0, "connect_failures": 0, "disconnects": 0,
          "requests": 0, "requests_refused": 0}
    clients = [Client() for _ in range(n)]
    poller = select.poll()
    by_fd = {}

    def drop(c, now):
        poller.unregister(c.sock)
        del by_fd[c.sock.fileno()]
        c.sock.close()
        c.sock = None
        c.retry_at = now + RECONNECT_S
        st["disconnects"] += 1

    end = time.time() + seconds
    while True:
        now = time.time()
        if now >= end:
            break
        for c in clients:
            if c.sock is None and now >= c.retry_at:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                s.setblocking(False)
                try:
                    s.connect(path)
                except OSError:
                    s.close()
                    st["connect_failures"] += 1
                    c.retry_at = now + RECONNECT_S
                    continue
                c.sock = s
                c.next_req = now
                by_fd[s.fileno()] = c
                # Only hang-ups and errors: the answers are never read.
                poller.register(s, select.POLLHUP | select.POLLERR)
                st["connects"] += 1
            if c.sock is not None and now >= c.next_req:
                c.seq += 1
                c.next_req = now + interval
                try:
                    c.sock.send(dump_request(c.seq))
                    st["requests"] += 1
                except OSError as e:
                    if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                        st["requests_refused"] += 1	# the server stopped reading us
                    else:
                        drop(c, now)
        for fd, ev in poller.poll(50):
            c = by_fd.get(fd)
            if c is not None and ev & (select.POLLHUP | select.POLLERR):
                drop(c, time.time())
    for c in clients:
        if c.sock is not None:
            c.sock.close()
    print(json.dumps(st))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
