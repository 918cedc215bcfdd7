# SPDX-License-Identifier: BSD-3-Clause
"""One link request to the dataplane's control socket, as sluiced would
send it, and its answer:

    nlreq.py SOCKET new NAME DEVICE     RTM_NEWLINK, create (NLM_F_EXCL)
    nlreq.py SOCKET del NAME            RTM_DELLINK

prints "ERRNO MESSAGE": the ack's error (0, or minus an errno) and the
extended ack's message (NLMSGERR_ATTR_MSG), empty when there is none."""
import socket
import struct
import sys

RTM_NEWLINK, RTM_DELLINK = 16, 17
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE, NLM_F_CAPPED = 0x1, 0x4, 0x200, 0x400, 0x100
IFLA_IFNAME, IFLA_PARENT_DEV_NAME = 3, 56


def attr(t, v):
    v = v.encode() + b"\0"
    a = struct.pack("HH", 4 + len(v), t) + v
    return a + b"\0" * (-len(a) % 4)


def request(sock, op, name, dev=None):
    body = struct.pack("BxHiII", 0, 1, 0, 0, 0) + attr(IFLA_IFNAME, name)
    if op == "new":
        t, f = RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE
        body += attr(IFLA_PARENT_DEV_NAME, dev)
    else:
        t, f = RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(20)
    s.connect(sock)
    s.send(struct.pack("IHHII", 16 + len(body), t, f, 1, 0) + body)
    r = s.recv(65536)
    msg = b""
    # The message follows the quoted request, whole unless capped.
    o = 20 + 16 + (0 if struct.unpack_from("H", r, 6)[0] & NLM_F_CAPPED else len(body))
    while o + 4 <= len(r):
        ln, a = struct.unpack_from("HH", r, o)
        if ln < 4:
            break
        if a == 1:
            msg = r[o + 4:o + ln].rstrip(b"\0")
        o += (ln + 3) & ~3
    return struct.unpack_from("i", r, 16)[0], msg.decode()


if __name__ == "__main__":
    err, text = request(*sys.argv[1:])
    print(err, text)
