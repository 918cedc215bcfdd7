#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes tests/unit/pktsum_cases.h: frames made with scapy and the line
`tcpdump -n -r` prints for each, which control/pktsum.c must print from
the "IP"/"IP6" on.  Each frame goes through tcpdump alone, so that TCP
sequence numbers are never made relative to an earlier frame.

    /usr/bin/python3 tests/unit/pktsum_cases.py > tests/unit/pktsum_cases.h

Needs python3-scapy and tcpdump.  Where sluice prints otherwise on
purpose, DIFFERS gives its line and the comment keeps tcpdump's."""
import os
import struct
import subprocess
import sys
import tempfile

from scapy.all import Ether, IP, ICMP, UDP, TCP, Raw, Padding, conf
from scapy.layers.inet6 import (IPv6, ICMPv6EchoRequest, ICMPv6EchoReply, ICMPv6ND_NS,
    ICMPv6ND_NA, ICMPv6ND_RS, ICMPv6ND_RA, ICMPv6ND_Redirect, ICMPv6NDOptSrcLLAddr,
    ICMPv6NDOptDstLLAddr, ICMPv6NDOptPrefixInfo, ICMPv6DestUnreach, ICMPv6PacketTooBig,
    ICMPv6TimeExceeded, ICMPv6ParamProblem, ICMPv6Unknown, ICMPv6MLQuery, ICMPv6MLQuery2,
    ICMPv6MLReport, ICMPv6MLDone, ICMPv6MLReport2, ICMPv6MLDMultAddrRec, IPv6ExtHdrHopByHop,
    IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, IPv6ExtHdrSegmentRouting, IPv6ExtHdrFragment,
    RouterAlert)

conf.verb = 0
E = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
A, B = "2001:db8::1", "2001:db8:0:1::2"
Q6U = IPv6(src=B, dst="2001:db8::99", hlim=1) / UDP(sport=40000, dport=33434) / (b"\0" * 12)
Q4U = IP(src="192.168.1.10", dst="203.0.113.1", ttl=1) / UDP(sport=40000, dport=33434) / (b"\0" * 10)

# (group, scapy expression, bytes captured or 0 for all)
CASES = [
    ("icmp6", 'E/IPv6(src=A, dst=B)/ICMPv6EchoRequest(id=0x1234, seq=7, data=b"a"*56)', 0),
    ("icmp6", 'E/IPv6(src=B, dst=A)/ICMPv6EchoReply(id=0x1234, seq=7, data=b"a"*56)', 0),
    ("icmp6", 'E/IPv6(src="fe80::1", dst="ff02::1:ff00:2", hlim=255)/ICMPv6ND_NS(tgt="fe80::2")'
              '/ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01")', 0),
    ("icmp6", 'E/IPv6(src="fe80::2", dst="fe80::1", hlim=255)/ICMPv6ND_NA(tgt="2001:db8::2", R=1, S=1)'
              '/ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:00:02")', 0),
    ("icmp6", 'E/IPv6(src="fe80::1", dst="ff02::2", hlim=255)/ICMPv6ND_RS()', 0),
    ("icmp6", 'E/IPv6(src="fe80::1", dst="ff02::2", hlim=255)/ICMPv6ND_RS()/Padding(b"\\0"*10)', 0),
    ("icmp6", 'E/IPv6(src="fe80::2", dst="ff02::1", hlim=255)/ICMPv6ND_RA()'
              '/ICMPv6NDOptPrefixInfo(prefix="2001:db8::", prefixlen=64)'
              '/ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:02")', 0),
    ("icmp6", 'E/IPv6(src="fe80::2", dst="2001:db8::1", hlim=255)/ICMPv6ND_Redirect(tgt="fe80::3", dst="2001:db8::9")', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::99", dst=B)/ICMPv6DestUnreach(code=0)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::99", dst=B)/ICMPv6DestUnreach(code=1)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::99", dst=B)/ICMPv6DestUnreach(code=2)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::99", dst=B)/ICMPv6DestUnreach(code=3)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::99", dst=B)/ICMPv6DestUnreach(code=4)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::99", dst=B)/ICMPv6DestUnreach(code=4)'
              '/IPv6(src=B, dst="2001:db8::99")/TCP(sport=40000, dport=443, flags="S")', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::99", dst=B)/ICMPv6DestUnreach(code=4)'
              '/IPv6(src=B, dst="2001:db8::99")/IPv6ExtHdrDestOpt()/UDP(sport=7, dport=9)', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::99", dst=B)/ICMPv6DestUnreach(code=4)'
              '/IPv6(src=B, dst="2001:db8::99")/ICMPv6EchoRequest()', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::99", dst=B)/ICMPv6DestUnreach(code=6)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::fe", dst=B)/ICMPv6PacketTooBig(mtu=1280)'
              '/IPv6(src=B, dst="2001:db8::99")/UDP(sport=1, dport=2)/(b"\\0"*1200)', 14 + 48 + 48),
    ("icmp6", 'E/IPv6(src="2001:db8::fe", dst=B)/ICMPv6TimeExceeded(code=0)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::fe", dst=B)/ICMPv6TimeExceeded(code=1)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::fe", dst=B)/ICMPv6TimeExceeded(code=2)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::fe", dst=B)/ICMPv6ParamProblem(code=0, ptr=4)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::fe", dst=B)/ICMPv6ParamProblem(code=1, ptr=40)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="2001:db8::fe", dst=B)/ICMPv6ParamProblem(code=2, ptr=42)/Q6U', 0),
    ("icmp6", 'E/IPv6(src="fe80::1", dst="ff02::1")/ICMPv6MLQuery(mladdr="::")', 0),
    ("icmp6", 'E/IPv6(src="fe80::1", dst="ff02::1")/ICMPv6MLQuery2()', 0),
    ("icmp6", 'E/IPv6(src="fe80::1", dst="ff02::1:3")/ICMPv6MLReport(mladdr="ff02::1:3")', 0),
    ("icmp6", 'E/IPv6(src="fe80::1", dst="ff02::2")/ICMPv6MLDone(mladdr="ff02::1:3")', 0),
    ("icmp6", 'E/IPv6(src="fe80::1", dst="ff02::16", hlim=1)/IPv6ExtHdrHopByHop(options=[RouterAlert()])'
              '/ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(dst="ff02::1:3"), ICMPv6MLDMultAddrRec(dst="ff02::fb")])', 0),
    ("icmp6", 'E/IPv6(src=A, dst=B)/ICMPv6Unknown(type=250, code=0, msgbody=b"abcd")', 0),

    ("ip6", 'E/IPv6(src=A, dst=B)/UDP(sport=40000, dport=33434)/(b"q"*20)', 0),
    ("ip6", 'E/IPv6(src="::ffff:192.0.2.1", dst="::")/UDP(sport=1, dport=2)/(b"q"*3)', 0),
    ("ip6", 'E/IPv6(src=A, dst=B, plen=200)/UDP(sport=1, dport=2, len=12)/(b"x"*4)', 0),
    ("ip6", 'E/IPv6(src=A, dst=B)/TCP(sport=40000, dport=443, flags="S", seq=1000, window=64800)', 0),
    ("ip6", 'E/IPv6(src=B, dst=A)/TCP(sport=443, dport=40000, flags="PA", seq=5, ack=1001, window=500)/(b"d"*10)', 0),
    ("ip6", 'E/IPv6(src=A, dst=B)/TCP(sport=1, dport=2, flags="A", seq=5, ack=9, window=3)', 0),
    ("ip6", 'E/IPv6(src=A, dst=B)/TCP(sport=1, dport=2, flags="FA", seq=5, ack=9, window=3)', 0),
    ("ip6", 'E/IPv6(src=A, dst=B)/TCP(sport=1, dport=2, flags="UA", seq=5, ack=9, window=3, urgptr=4)/b"abc"', 0),
    ("ip6", 'E/IPv6(src=A, dst=B)/TCP(sport=1, dport=2, flags="S", seq=5, window=3, options=[("MSS",1460),'
            '("SAckOK",b""),("Timestamp",(1,0)),("NOP",None),("WScale",7)])', 0),
    ("ip6", 'E/IPv6(src="fe80::1", dst="ff02::5", nh=89)/(b"\\0"*20)', 0),
    ("ip6", 'E/IPv6(src=A, dst=B, nh=253)/(b"x"*12)', 0),
    ("ip6", 'E/IPv6(src=A, dst=B, nh=59)', 0),
    ("ip6", 'E/IPv6(src=A, dst=B)/IPv6(src="2001:db8::a", dst="2001:db8::b")/UDP(sport=1, dport=2)', 0),
    ("ip6", 'E/IPv6(src=A, dst=B)/IP(src="192.0.2.1", dst="192.0.2.2")/ICMP()', 0),
    ("ip6", 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=0x86dd)'
            '/Raw(b"\\x50" + bytes(IPv6(src="::1", dst="::2")/UDP())[1:])', 0),

    ("ext", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrHopByHop()/UDP(sport=1, dport=2)/(b"x"*4)', 0),
    ("ext", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrDestOpt()/UDP(sport=1, dport=2)/(b"x"*4)', 0),
    ("ext", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrRouting(addresses=["2001:db8::5", "2001:db8::6"], segleft=2)'
            '/UDP(sport=1, dport=2)/(b"x"*4)', 0),
    ("ext", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrSegmentRouting(addresses=["2001:db8::5"], segleft=0)'
            '/UDP(sport=1, dport=2)/(b"x"*4)', 0),
    ("ext", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrRouting(addresses=["2001:db8::5"], segleft=1)'
            '/IPv6ExtHdrDestOpt()/UDP(sport=7, dport=9)/b"abc"', 0),
    ("ext", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrFragment(id=0xabcd, m=1, offset=0)'
            '/ICMPv6EchoRequest(id=1, seq=2, data=b"z"*40)', 0),
    ("ext", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrFragment(id=0xabcd, m=0, offset=6, nh=58)/(b"z"*16)', 0),
    ("ext", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrHopByHop()/IPv6ExtHdrDestOpt()/IPv6ExtHdrFragment(id=7, m=1)'
            '/UDP(sport=1, dport=2)/(b"x"*8)', 0),
    ("ext", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrDestOpt()/IPv6ExtHdrHopByHop()/UDP()', 0),

    ("short6", 'E/IPv6(src=A, dst=B)/UDP(sport=1, dport=2)', 14 + 39),
    ("short6", 'E/IPv6(src=A, dst=B)/UDP(sport=1, dport=2)', 14),
    ("short6", 'E/IPv6(src=A, dst=B, plen=0)/UDP(sport=1, dport=2)/(b"x"*4)', 0),
    ("short6", 'E/IPv6(src=A, dst=B)/UDP(sport=1, dport=2)/(b"x"*20)', 14 + 42),
    ("short6", 'E/IPv6(src=A, dst=B)/UDP(sport=1, dport=2)/(b"x"*20)', 14 + 46),
    ("short6", 'E/IPv6(src=A, dst=B)/TCP(sport=1, dport=2)', 14 + 43),
    ("short6", 'E/IPv6(src=A, dst=B)/TCP(sport=1, dport=2)', 14 + 53),
    ("short6", 'E/IPv6(src=A, dst=B)/TCP(sport=1, dport=2, flags="S", seq=5, window=3, options=[("MSS",1460),'
               '("SAckOK",b""),("Timestamp",(1,0)),("NOP",None),("WScale",7)])', 14 + 40 + 24),
    ("short6", 'E/IPv6(src=A, dst=B)/ICMPv6EchoRequest()', 14 + 40),
    ("short6", 'E/IPv6(src=A, dst=B)/ICMPv6EchoRequest()', 14 + 46),
    ("short6", 'E/IPv6(src=A, dst=B)/ICMPv6ND_NS(tgt="fe80::2")', 14 + 60),
    ("short6", 'E/IPv6(src=A, dst=B)/ICMPv6DestUnreach(code=0)/IPv6()', 14 + 70),
    ("short6", 'E/IPv6(src=A, dst=B)/ICMPv6DestUnreach(code=4)/IPv6()/UDP()', 14 + 48 + 40 + 3),
    ("short6", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrHopByHop()/UDP()', 14 + 42),
    ("short6", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrDestOpt()/UDP()', 14 + 47),
    ("short6", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrRouting(addresses=["::1"])/UDP()', 14 + 42),
    ("short6", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrRouting(addresses=["::1"])/UDP()', 14 + 48),
    ("short6", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrFragment()/UDP()', 14 + 42),
    ("short6", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrFragment()/UDP()', 14 + 47),
    ("short6", 'E/IPv6(src=A, dst=B)/IPv6ExtHdrHopByHop()/UDP(sport=1, dport=2)', 14 + 48),

    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=0)/Q4U', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=1)/Q4U', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=2)/Q4U', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=3)/Q4U', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=3)'
              '/IP(src="192.168.1.10", dst="203.0.113.1")/TCP(sport=40000, dport=80, flags="S")', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=3)'
              '/IP(src="192.168.1.10", dst="203.0.113.1", proto=47)/(b"\\0"*8)', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=4, nexthopmtu=1400)/Q4U', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=4)/Q4U', 0),
] + [
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=%d)/Q4U' % c, 0)
    for c in list(range(5, 16)) + [20]
] + [
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=3)/Q4U', 14 + 20 + 8 + 20),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=3)/Q4U', 14 + 20 + 8 + 24),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=3, code=1)', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=11, code=0)/Q4U', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=11, code=1)/Q4U', 0),
    ("icmp4", 'E/IP(src="203.0.113.1", dst="192.168.1.10")/ICMP(type=11, code=2)/Q4U', 0),
    ("icmp4", 'E/IP(src="1.2.3.4", dst="5.6.7.8")/ICMP(type=5, code=1, gw="10.0.0.1")'
              '/IP(src="5.6.7.8", dst="9.9.9.9")/UDP()', 0),
    ("icmp4", 'E/IP(src="1.2.3.4", dst="5.6.7.8")/ICMP(type=12, code=0, ptr=9)/IP(src="5.6.7.8", dst="9.9.9.9")/UDP()', 0),
    ("icmp4", 'E/IP(src="1.2.3.4", dst="5.6.7.8")/ICMP(type=42)', 0),
    ("icmp4", 'E/IP(src="192.168.1.10", dst="203.0.113.1")/ICMP(id=1, seq=2)', 0),

    ("ip4", 'E/IP(src="1.2.3.4", dst="5.6.7.8", frag=100, proto=17)/(b"x"*30)', 0),
    ("ip4", 'E/IP(src="1.2.3.4", dst="5.6.7.8", flags="MF")/UDP(sport=1, dport=2, len=500)/(b"x"*30)', 0),
    ("ip4", 'E/IP(src="1.2.3.4", dst="5.6.7.8")/UDP(sport=4, dport=5, len=100)/(b"x"*30)', 0),
    ("ip4", 'E/IP(src="1.2.3.4", dst="5.6.7.8")/TCP(sport=1, dport=2, flags="SF", seq=5, window=3)', 0),
    ("ip4", 'E/IP(src="1.2.3.4", dst="5.6.7.8")/TCP(sport=1, dport=2, flags="", seq=5, window=3)', 0),
    ("ip4", 'E/IP(src="1.2.3.4", dst="5.6.7.8")/TCP(sport=1, dport=2, flags="PA", seq=5, ack=9, window=3)/b"abc"', 0),
    ("ip4", 'E/IP(src="1.2.3.4", dst="5.6.7.8", proto=253)/(b"x"*10)', 0),
    ("ip4", 'E/IP(src="1.2.3.4", dst="5.6.7.8")/UDP()', 14 + 10),
]

# sluice's line where tcpdump decodes more (see control/pktsum.c's head).
DIFFERS = {
    'E/IPv6(src="fe80::1", dst="ff02::5", nh=89)/(b"\\0"*20)': "IP6 fe80::1 > ff02::5:  ip-proto-89 20",
}


def tcpdump_line(frame, cap):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "f.pcap")
        with open(path, "wb") as o:
            o.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            o.write(struct.pack("<IIII", 0, 0, cap, len(frame)) + frame[:cap])
        out = subprocess.run(["tcpdump", "-n", "-r", path], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    # The first line, less its timestamp; a hex dump may follow it.
    return out[0].split(" ", 1)[1]


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ver = subprocess.run(["tcpdump", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    w = sys.stdout.write
    w("/* Generated by tests/unit/pktsum_cases.py (%s); do not edit. */\n" % ver)
    group = None
    for g, expr, cap in CASES:
        if g != group:
            if group:
                w("};\n\n")
            w("static const struct pktsum_case %s_cases[] = {\n" % g)
            group = g
        frame = bytes(eval(expr))
        cap = cap or len(frame)
        td = tcpdump_line(frame, cap)
        want = DIFFERS.get(expr)
        if want is None:
            # A bare " [|ip6]": the space is tcpdump's separator.
            want = td[1:] if td == " [|ip6]" else td
        w("\t/* %s%s\n" % (expr.replace("*/", "* /"), " (%d of %d bytes)" % (cap, len(frame))
                                                     if cap < len(frame) else ""))
        w("\t * tcpdump: %s */\n" % td.replace("*/", "* /"))
        hx = frame[:cap].hex()
        w("\t{ %u,\n" % len(frame))
        for i in range(0, len(hx), 64):
            w("\t  \"%s\"\n" % hx[i:i + 64])
        w("\t  , %s },\n" % c_str(want))
    w("};\n")


main()
