#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpora of the fuzz harnesses (tests/fuzz/corpus/NAME/).

Seeds are valid inputs that reach deep code: the topology is fuzz_dp.h's
(lan 10.0.0.1/24 slot 0 = ifindex 1, wan 203.0.113.1/24 slot 1 = ifindex 2,
198.51.100.0/24 via 203.0.113.254, LAN host 10.0.0.2; IPv6: lan
2001:db8:1::1/64, wan 2001:db8:2::1/64, 2001:db8:99::/48 via 2001:db8:2::fe,
LAN host 2001:db8:1::2), the record format
of fuzz_frames is in fuzz_frames.c.  Run again after changing either.
"""
import os
import shutil
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

LAN_MAC = bytes.fromhex("020000000001")
WAN_MAC = bytes.fromhex("020000000101")
HOST_MAC = bytes.fromhex("020000000099")
GW_MAC = bytes.fromhex("0200000001fe")
BCAST = b"\xff" * 6


def ip(a):
    return socket.inet_aton(a)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ttl=64, ident=0x1234, frag=0, total=None):
    tl = total if total is not None else 20 + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tl, ident, frag, ttl, proto, 0, ip(src), ip(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def l4sum(src, dst, proto, seg):
    ph = ip(src) + ip(dst) + struct.pack("!BBH", 0, proto, len(seg))
    return csum(ph + seg)


def udp(src, dst, sp, dp, data=b"hello"):
    seg = struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data
    c = l4sum(src, dst, 17, seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def tcp(src, dst, sp, dp, flags, seq=1000, ack=0, data=b""):
    seg = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    c = l4sum(src, dst, 6, seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def icmp(typ, code, rest, data=b""):
    m = struct.pack("!BBH", typ, code, 0) + rest + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def eth(dst, src, payload, etype=0x0800):
    return dst + src + struct.pack("!H", etype) + payload


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + ip(spa) + tha + ip(tpa)


# ---- fuzz_frames ----------------------------------------------------------

def rec(port, frame):
    return bytes([port]) + struct.pack("!H", len(frame)) + frame


def lan(p):
    return rec(0, eth(LAN_MAC, HOST_MAC, p))


def wan(p):
    return rec(1, eth(WAN_MAC, GW_MAC, p))


def tick(seconds, shift=0):
    return bytes([0xF0 | shift, seconds])


def frames():
    h, r, w = "10.0.0.2", "198.51.100.7", "203.0.113.1"
    s = {}
    s["udp_out_and_back"] = (lan(ipv4(h, r, 17, udp(h, r, 5000, 53)))
                             + wan(ipv4(r, w, 17, udp(r, w, 53, 5000))))
    s["tcp_handshake"] = (lan(ipv4(h, r, 6, tcp(h, r, 40000, 80, 0x02)))
                          + wan(ipv4(r, w, 6, tcp(r, w, 80, 40000, 0x12, 5000, 1001)))
                          + lan(ipv4(h, r, 6, tcp(h, r, 40000, 80, 0x10, 1001, 5001)))
                          + lan(ipv4(h, r, 6, tcp(h, r, 40000, 80, 0x11, 1001, 5001)))
                          + wan(ipv4(r, w, 6, tcp(r, w, 80, 40000, 0x04, 5001, 0))))
    s["echo_out_and_back"] = (lan(ipv4(h, r, 1, icmp(8, 0, struct.pack("!HH", 77, 1), b"ping")))
                              + wan(ipv4(r, w, 1, icmp(0, 0, struct.pack("!HH", 77, 1), b"ping"))))
    s["echo_router"] = (lan(ipv4(h, "10.0.0.1", 1, icmp(8, 0, struct.pack("!HH", 1, 1), b"x" * 32)))
                        + wan(ipv4(r, w, 1, icmp(8, 0, struct.pack("!HH", 2, 1)))))
    s["dnat_tcp"] = (wan(ipv4(r, w, 6, tcp(r, w, 33000, 8080, 0x02)))
                     + lan(ipv4(h, r, 6, tcp(h, r, 80, 33000, 0x12, 9, 1001))))
    s["dnat_udp"] = wan(ipv4(r, w, 17, udp(r, w, 40000, 5353)))
    s["arp_request"] = rec(0, eth(BCAST, HOST_MAC, arp(1, HOST_MAC, h, b"\0" * 6, "10.0.0.1"), 0x0806))
    # Unresolved next hop: held, ARP request, then the answer frees it.
    nb_mac = bytes.fromhex("020000000055")
    s["resolve_then_arp_reply"] = (
        wan(ipv4(r, "10.0.0.50", 17, udp(r, "10.0.0.50", 1, 2)))
        + rec(0, eth(LAN_MAC, nb_mac, arp(2, nb_mac, "10.0.0.50", LAN_MAC, "10.0.0.1"), 0x0806)))
    s["resolve_timeout"] = (wan(ipv4(r, "10.0.0.51", 17, udp(r, "10.0.0.51", 1, 2)))
                            + tick(2) + tick(2) + tick(2) + tick(2))
    s["ttl_expired"] = lan(ipv4(h, r, 17, udp(h, r, 5001, 53), ttl=1))
    s["blackhole"] = lan(ipv4(h, "192.0.2.9", 17, udp(h, "192.0.2.9", 5002, 53)))
    s["no_route"] = lan(ipv4(h, "8.8.8.8", 17, udp(h, "8.8.8.8", 5003, 53)))
    # A UDP datagram in two fragments (NAT reassembly), last one first.
    d = udp(h, r, 5004, 9, b"A" * 40)
    s["fragments"] = (lan(ipv4(h, r, 17, d[24:], ident=7, frag=3, total=20 + len(d) - 24))
                      + lan(ipv4(h, r, 17, d[:24], ident=7, frag=0x2000)))
    s["fragment_alone"] = lan(ipv4(h, r, 17, d[:24], ident=8, frag=0x2000)) + tick(10)
    # Port unreachable from the far end about the NATed datagram.
    out = ipv4(w, r, 17, udp(w, r, 5005, 53))
    s["icmp_error_in"] = (lan(ipv4(h, r, 17, udp(h, r, 5005, 53)))
                          + wan(ipv4(r, w, 1, icmp(3, 3, b"\0\0\0\0", out[:28]))))
    s["session_expiry"] = (lan(ipv4(h, r, 17, udp(h, r, 5006, 53))) + tick(255, 1)
                           + wan(ipv4(r, w, 17, udp(r, w, 53, 5006))))
    s["hairpin"] = lan(ipv4(h, w, 6, tcp(h, w, 41000, 8080, 0x02)))
    s["df_big"] = lan(ipv4(h, r, 17, udp(h, r, 5007, 53, b"B" * 1460), frag=0x4000))
    # TCP to the router: resets (SYN, ACK with data), none for a reset.
    s["tcp_rst_router"] = (lan(ipv4(h, "10.0.0.1", 6, tcp(h, "10.0.0.1", 40001, 22, 0x02)))
                           + wan(ipv4(r, w, 6, tcp(r, w, 5555, 23, 0x18, 7, 99, b"data")))
                           + wan(ipv4(r, w, 6, tcp(r, w, 5555, 24, 0x04, 7))))
    # The snat pool: out and back through it, ARP for it, an echo to it
    # (dropped: a pool address is no router address).
    p, q = "10.0.1.5", "203.0.113.10"
    s["pool"] = (lan(ipv4(p, r, 17, udp(p, r, 5008, 53)))
                 + wan(ipv4(r, q, 17, udp(r, q, 53, 5008)))
                 + wan(ipv4(r, "203.0.113.11", 17, udp(r, "203.0.113.11", 53, 5008)))
                 + rec(1, eth(BCAST, GW_MAC, arp(1, GW_MAC, "203.0.113.254", b"\0" * 6,
                                                 "203.0.113.11"), 0x0806))
                 + wan(ipv4(r, q, 1, icmp(8, 0, struct.pack("!HH", 3, 1)))))
    s["vlan_and_junk"] = rec(0, LAN_MAC + HOST_MAC + b"\x81\x00\x00\x05\x08\x00" + b"\x45" * 30)
    s.update(frames6())
    return s


def ip6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def ipv6(src, dst, nxt, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nxt, hlim, ip6(src), ip6(dst)) + payload


def icmp6(src, dst, typ, code, body):
    msg = struct.pack("!BBH", typ, code, 0) + body
    ph = ip6(src) + ip6(dst) + struct.pack("!IxxxB", len(msg), 58)
    return msg[:2] + struct.pack("!H", csum(ph + msg)) + msg[4:]


def lan6(p, dst=LAN_MAC):
    return rec(0, eth(dst, HOST_MAC, p, 0x86DD))


def wan6(p, dst=WAN_MAC):
    return rec(1, eth(dst, GW_MAC, p, 0x86DD))


def frames6():
    h, r, lan_a, far = "2001:db8:1::2", "2001:db8:99::7", "2001:db8:1::1", "2001:db8:2::10"
    lan_ll = "fe80::ff:fe00:1"
    s = {}
    echo = struct.pack("!HH", 5, 1) + b"ping6"
    s["ip6_echo_router"] = (lan6(ipv6(h, lan_a, 58, icmp6(h, lan_a, 128, 0, echo)))
                            + lan6(ipv6("fe80::2", lan_ll, 58, icmp6("fe80::2", lan_ll, 128, 0, echo))))
    s["ip6_forward"] = lan6(ipv6(h, r, 17, struct.pack("!HHHH", 1, 2, 12, 0) + b"abcd"))
    s["ip6_hop_limit"] = lan6(ipv6(h, r, 17, struct.pack("!HHHH", 1, 2, 12, 0) + b"abcd", hlim=1))
    s["ip6_too_big"] = lan6(ipv6(h, r, 17, b"C" * 1470))
    s["ip6_no_route"] = lan6(ipv6(h, "2001:db8:7::1", 17, b"D" * 16))
    s["ip6_ext_headers"] = lan6(ipv6(h, r, 60, bytes([43, 0, 1, 4, 0, 0, 0, 0,
                                                       17, 0, 0, 0, 0, 0, 0, 0]) + b"E" * 12))
    sn = "ff02::1:ff00:1"
    ns = b"\0" * 4 + ip6(lan_a) + bytes([1, 1]) + HOST_MAC
    s["ip6_ns"] = lan6(ipv6(h, sn, 58, icmp6(h, sn, 135, 0, ns), hlim=255), dst=bytes.fromhex("3333ff000001"))
    s["ip6_dad"] = lan6(ipv6("::", sn, 58, icmp6("::", sn, 135, 0, ns[:20]), hlim=255),
                        dst=bytes.fromhex("3333ff000001"))
    # Resolution of a wan host, its answer, then a resolution that fails.
    na = bytes([0x60, 0, 0, 0]) + ip6(far) + bytes([2, 1]) + bytes.fromhex("020000000210")
    s["ip6_resolve_then_na"] = (lan6(ipv6(h, far, 17, b"F" * 12))
                                + wan6(ipv6(far, "2001:db8:2::1", 58,
                                            icmp6(far, "2001:db8:2::1", 136, 0, na), hlim=255)))
    s["ip6_resolve_timeout"] = (lan6(ipv6(h, "2001:db8:2::11", 17, b"G" * 12))
                                + tick(2) + tick(2) + tick(2) + tick(2))
    rs = b"\0" * 4 + bytes([1, 1]) + HOST_MAC
    s["ip6_rs"] = lan6(ipv6("fe80::2", "ff02::2", 58, icmp6("fe80::2", "ff02::2", 133, 0, rs), hlim=255),
                       dst=bytes.fromhex("333300000002"))
    s["ip6_hop_by_hop"] = lan6(ipv6(h, r, 0, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + b"H" * 8))
    return s


# ---- fuzz_control ---------------------------------------------------------

NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE, NLM_F_DUMP = 1, 4, 0x200, 0x400, 0x300
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE = 24, 25, 26
RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH = 28, 29, 30
SL = 0x400
NEWNATRULE, DELNATRULE, GETNATRULE, GETNATSESS, DELNATSESS, SETNATCONF, GETNATCONF, GETSTATS = range(SL, SL + 8)


def attr(t, v):
    a = struct.pack("=HH", 4 + len(v), t) + v
    return a + b"\0" * ((4 - len(a) % 4) % 4)


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def be32(t, a):
    return attr(t, ip(a))


def msg(typ, flags, seq, fam, attrs=b""):
    body = fam + attrs
    return struct.pack("=IHHII", 16 + len(body), typ, NLM_F_REQUEST | flags, seq, 4242) + body


IFI = struct.pack("=BxHiII", 0, 0, 0, 0, 0)
SLM = struct.pack("=B3x", 2)


def ifi(index, flags=0, change=0):
    return struct.pack("=BxHiII", 0, 0, index, flags, change)


def ifa(plen, index):
    return struct.pack("=BBBBI", 2, plen, 0, 0, index)


def rtm(plen, rtype=1, proto=4, scope=0):
    return struct.pack("=BBBBBBBBI", 2, plen, 0, 0, 254, proto, scope, rtype, 0)


def ndm(index, state=0x80):
    return struct.pack("=BxxxiHBB", 2, index, state, 0, 0)


def control():
    s = {}
    p = b"\0"  # first byte even: privileged
    s["dump_all"] = p + b"".join([
        msg(RTM_GETLINK, NLM_F_DUMP, 1, IFI),
        msg(RTM_GETADDR, NLM_F_DUMP, 2, ifa(0, 0)),
        msg(RTM_GETROUTE, NLM_F_DUMP, 3, rtm(0)),
        msg(RTM_GETNEIGH, NLM_F_DUMP, 4, ndm(0, 0)),
        msg(GETNATRULE, NLM_F_DUMP, 5, SLM),
        msg(GETNATSESS, NLM_F_DUMP, 6, SLM, u32(11, 10)),
        msg(GETNATCONF, 0, 7, SLM),
        msg(GETSTATS, 0, 8, SLM)])
    s["unprivileged_change"] = b"\1" + msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 1, rtm(8),
                                           be32(1, "10.0.0.0") + u32(4, 1))
    s["route_add_get_del"] = p + b"".join([
        msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 1, rtm(16),
            be32(1, "172.16.0.0") + be32(5, "10.0.0.2") + u32(6, 10)),
        msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 2, rtm(24, rtype=6), be32(1, "172.17.0.0")),
        msg(RTM_GETROUTE, 0, 3, rtm(32), be32(1, "172.16.3.4")),
        msg(RTM_GETROUTE, 0, 4, rtm(32), be32(1, "10.0.0.1")),
        msg(RTM_DELROUTE, NLM_F_ACK, 5, rtm(16), be32(1, "172.16.0.0")),
        msg(RTM_GETROUTE, NLM_F_DUMP, 6, rtm(0))])
    s["addr_add_del"] = p + b"".join([
        msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_ACK, 1, ifa(24, 1),
            be32(2, "10.1.0.1") + be32(1, "10.1.0.1")),
        msg(RTM_GETADDR, NLM_F_DUMP, 2, ifa(0, 0)),
        msg(RTM_DELADDR, NLM_F_ACK, 3, ifa(24, 1), be32(2, "10.1.0.1") + be32(1, "10.1.0.1"))])
    s["neigh_add_flush"] = p + b"".join([
        msg(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_ACK, 1, ndm(1),
            be32(1, "10.0.0.9") + attr(2, bytes.fromhex("020000000009"))),
        msg(RTM_GETNEIGH, NLM_F_DUMP, 2, ndm(0, 0)),
        msg(RTM_DELNEIGH, NLM_F_ACK, 3, ndm(1), be32(1, "10.0.0.9")),
        msg(RTM_DELNEIGH, NLM_F_ACK, 4, ndm(0))])
    s["nat_rules"] = p + b"".join([
        msg(NEWNATRULE, NLM_F_CREATE | NLM_F_ACK, 1, SLM,
            attr(2, b"\1") + u32(3, 2) + be32(4, "10.0.0.0") + attr(5, b"\x18")),
        msg(NEWNATRULE, NLM_F_CREATE | NLM_F_ACK, 2, SLM,
            attr(2, b"\3") + u32(3, 2) + attr(10, b"\6") + attr(11, struct.pack("=H", 8080))
            + attr(12, struct.pack("=H", 8081)) + be32(6, "10.0.0.2") + attr(8, struct.pack("=H", 80))),
        msg(NEWNATRULE, NLM_F_CREATE | NLM_F_ACK, 3, SLM,
            attr(2, b"\2") + u32(3, 2) + be32(4, "10.0.0.0") + attr(5, b"\x18")
            + be32(6, "203.0.113.10") + be32(7, "203.0.113.12")
            + attr(8, struct.pack("=H", 1024)) + attr(9, struct.pack("=H", 2047)) + attr(13, b"\1")),
        msg(GETNATRULE, NLM_F_DUMP, 4, SLM),
        msg(DELNATRULE, NLM_F_ACK, 5, SLM, u32(1, 1)),
        msg(DELNATSESS, NLM_F_ACK, 6, SLM)])
    s["nat_conf"] = p + b"".join([
        msg(SETNATCONF, NLM_F_ACK, 1, SLM, u32(1, 200) + u32(4, 30) + u32(5, 1024)),
        msg(GETNATCONF, 0, 2, SLM),
        msg(SETNATCONF, NLM_F_ACK, 3, SLM, u32(1, 5))])
    s["link_set_and_new"] = p + b"".join([
        msg(RTM_NEWLINK, NLM_F_ACK, 1, ifi(1, 0, 1), u32(4, 1400)),
        msg(RTM_NEWLINK, NLM_F_ACK, 2, ifi(0), attr(3, b"wan\0") + u32(4, 9000)),
        msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 3, IFI,
            attr(3, b"dmz\0") + attr(56, b"net_null7\0") + attr(1, bytes.fromhex("02000000aa01"))),
        msg(RTM_GETLINK, NLM_F_DUMP, 4, IFI),
        msg(RTM_DELLINK, NLM_F_ACK, 5, ifi(0), attr(3, b"dmz\0")),
        msg(RTM_DELLINK, NLM_F_ACK, 6, ifi(2))])
    s["truncated"] = p + msg(RTM_GETLINK, 0, 1, IFI)[:10]
    s["bad_attr_len"] = p + msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, 1, rtm(8),
                                struct.pack("=HH", 64, 1) + ip("10.0.0.0"))
    return s


# ---- fuzz_config ----------------------------------------------------------

def config():
    s = {}
    for name in ("sluice.ini", "lab.ini"):
        path = os.path.join(HERE, "..", "..", "conf", name)
        if os.path.exists(path):
            s["conf_" + name.replace(".", "_")] = open(path, "rb").read()
    s["small"] = b"""[control]
socket = /tmp/s.sock
[port lan]
device = net_null0
mac = 02:00:00:00:00:01
mtu = 1500
address = 10.0.0.1/24
address = 10.0.1.1/24
[port wan]
device = net_af_packet0,iface=eth0
address = 203.0.113.1/24
[routes]
route = default via 203.0.113.254
route = blackhole 192.0.2.0/24 metric 5
route = 172.16.0.0/12 dev lan
[neighbors]
neigh = 10.0.0.2 lladdr 02:00:00:00:00:99 dev lan
[nat]
rule = masquerade out wan from 10.0.0.0/24
rule = snat from 10.0.1.0/24 out wan to 203.0.113.10-203.0.113.12 ports 1024-2047
rule = dnat in wan proto tcp dport 8080-8081 to 10.0.0.2:80 filter endpoint-independent
timeout-udp = 300
max-sessions = 1024
"""
    s["ip6"] = b"""[port lan]
device = net_null0
address = 192.168.1.1/24
address = 2001:db8:1::1/64
ra = yes
[port wan]
device = net_null1
address = 2001:db8:2::2/64
[routes]
route = default via 2001:db8:2::1
route = ::/0 dev wan metric 9
route = 2001:db8:99::/48 via fe80::1 dev wan metric 5
route = blackhole 2001:db8:aa::/48
[neighbors]
neigh = 2001:db8:1::10 lladdr 02:00:00:00:00:10 dev lan
route show root 2001:db8::/32 via fe80::/10
neigh show to 2001:db8:1::/64 nud reachable
"""
    s["errors"] = b"""[port a]
device =
address = 300.0.0.1/33
[port a]
[routes]
route = via
route = 10.0.0.0/8 via 1.2.3.4 metric 99999999999
[nat]
rule = dnat in x proto icmp dport 0 to 1.2.3.4:0
[bogus]
key
"""
    return s


def write(name, seeds):
    d = os.path.join(HERE, "corpus", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for k, v in seeds.items():
        with open(os.path.join(d, k), "wb") as f:
            f.write(v)


def main():
    write("fuzz_frames", frames())
    write("fuzz_control", control())
    write("fuzz_config", config())
    return 0


if __name__ == "__main__":
    sys.exit(main())
