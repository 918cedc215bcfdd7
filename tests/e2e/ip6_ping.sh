#!/bin/bash
# IPv6: the router answers ping -6 on its global addresses and on each
# port's link-local address (fe80::/64 from the MAC, reached as fe80::X%eth0
# from the host on that link), from the LAN and the WAN side; the hosts
# learn the router by neighbour discovery, and the router learns them; the
# router's subnet-router anycast address answers too, and so does a
# router address pinged with 3000 bytes (fragments both ways); a first
# piece whose rest never comes gets a Time Exceeded when its time is up.  TCP
# to the router is refused with a reset.  An echo request behind destination
# options and a routing header with no segments left is answered, and one
# to the WAN host behind hop-by-hop options crosses the router with them.
. "$(dirname "$0")/lib.sh"
e2e_up ip6pg "" ip6

ping6_ok() {		# SIDE COUNT DEST: every echo answered
	local out
	out=$(lab_exec "$LAB" "$1" ping -6 -n -c "$2" -i 0.2 -W 2 "$3" 2>&1)
	grep -q " $2 received" <<<"$out" || { echo "$out" >&2; return 1; }
}

# scapy_echo PACKET ID: the LAN host sends PACKET (a scapy expression:
# IPv6 headers and an ICMPv6 echo request with identifier ID) up to three
# times until an echo reply with ID comes back; prints "reply SRC ID SEQ
# DATA" of the first, or "no answer".
scapy_echo() {
	lab_exec "$LAB" lan "$PY" - "$1" "$2" <<'PY' 2>&1
import sys, time
from scapy.all import *
conf.verb = 0
p = eval("(" + sys.argv[1] + ")")
ident = int(sys.argv[2], 0)
got = []
for attempt in range(3):
    sn = AsyncSniffer(iface="eth0", store=True,
                      lfilter=lambda q: ICMPv6EchoReply in q and q[ICMPv6EchoReply].id == ident)
    sn.start()
    time.sleep(0.3)
    send(p)
    time.sleep(1.5)
    got = sn.stop()
    if got:
        break
if not got:
    print("no answer")
else:
    r = got[0]
    e = r[ICMPv6EchoReply]
    print("reply", r[IPv6].src, hex(e.id), e.seq, bytes(e.data).decode())
PY
}

# The link-local address sluice shows for a port, and the EUI-64 one its
# MAC makes (RFC 4291 2.5.1): they must be the same.
linklocal() {		# PORT
	cli -j addr show dev "$1" | json '[a["local"] for a in d[0]["addr_info"] if a["family"] == "inet6" and a["scope"] == "link"][0]'
}
eui64() {		# PORT
	cli -j link show "$1" | json 'd[0]["address"]' | "$PY" -c 'import ipaddress, sys
m = [int(x, 16) for x in sys.stdin.read().strip().split(":")]
iid = bytes([m[0] ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]])
print(ipaddress.IPv6Address(bytes([0xfe, 0x80] + [0] * 6) + iid))'
}

step "the ports' link-local addresses"
lan_ll=$(linklocal lan) || fail "addr show lan lists no link-local address"
wan_ll=$(linklocal wan) || fail "addr show wan lists no link-local address"
[ "$lan_ll" = "$(eui64 lan)" ] || fail "lan's link-local $lan_ll is not the EUI-64 $(eui64 lan)"
[ "$wan_ll" = "$(eui64 wan)" ] || fail "wan's link-local $wan_ll is not the EUI-64 $(eui64 wan)"
ok "lan $lan_ll, wan $wan_ll (EUI-64 of their MACs)"

step "LAN host pings the router's LAN address 2001:db8:1::1"
ping6_ok lan 5 2001:db8:1::1 || fail "no full set of echo replies from 2001:db8:1::1"
step "LAN host pings the router's WAN address 2001:db8:2::2 (any router address answers)"
ping6_ok lan 5 2001:db8:2::2 || fail "no full set of echo replies from 2001:db8:2::2"
step "LAN host pings the router's link-local address $lan_ll%eth0"
ping6_ok lan 5 "$lan_ll%eth0" || fail "no full set of echo replies from $lan_ll"
step "WAN host pings 2001:db8:2::2 and $wan_ll%eth0"
ping6_ok wan 5 2001:db8:2::2 || fail "the WAN host got no full set of replies from 2001:db8:2::2"
ping6_ok wan 5 "$wan_ll%eth0" || fail "the WAN host got no full set of replies from $wan_ll"
ok "global and link-local addresses answer on both ports"

step "the LAN host pings the router with 3000 bytes (fragments both ways, RFC 8200 4.5), as it pings a kernel router"
reasm6() { lab_exec "$LAB" lan awk '$1 == "Ip6ReasmOKs" { print $2 }' /proc/net/snmp6; }
r0=$(reasm6)
ping_big lan 2001:db8:1::1 -6 || fail "no whole answer to a 3000-byte ping -6 of the router"
[ "$(( $(reasm6) - r0 ))" -ge 2 ] ||
	fail "the LAN host reassembled no reply: the router's answer did not come in fragments"
ok "answered whole, in fragments the LAN host put back together"

step "the LAN host sends the router the first piece of an echo request and nothing more: its time up, a Time Exceeded, code 1 (RFC 8200 4.5), as a kernel sends"
drops0=$(stat_value '^ip6_reassembly_failed$')
out=$(lone_first_piece lan 2001:db8:1::1 -6)
echo "$out"
[ "$out" = "time-exceeded 2001:db8:1::1 1 0x5a17" ] ||
	fail "no Time Exceeded (reassembly) from 2001:db8:1::1 quoting the piece: $out"
[ "$(( $(stat_value '^ip6_reassembly_failed$') - drops0 ))" = 1 ] ||
	fail "sluice did not count the piece as ip6_reassembly_failed"
ok "$out; the piece counted as ip6_reassembly_failed"

step "the LAN host pings the router's subnet-router anycast address 2001:db8:1:: (RFC 4291 2.6.1), answered from 2001:db8:1::1"
out=$(lab_exec "$LAB" lan ping -6 -n -c 2 -i 0.2 -W 2 2001:db8:1:: 2>&1) || true
echo "$out"
grep -q " 2 received" <<<"$out" || fail "no answer from the subnet-router anycast address"
grep -q "from 2001:db8:1::1: icmp_seq=1" <<<"$out" || fail "the answer did not come from 2001:db8:1::1"
nd=$(lab_exec "$LAB" lan ip -6 neigh show 2001:db8:1:: dev eth0)
echo "the host's entry: $nd"
grep -q "router" <<<"$nd" || fail "the host has no router entry for 2001:db8:1:: (no advertisement?)"
rg=$(cli route get 2001:db8:1::)
echo "route get: $rg"
grep -q "^anycast 2001:db8:1:: .*dev lan.* src 2001:db8:1::1" <<<"$rg" ||
	fail "route get does not say anycast, from 2001:db8:1::1: $rg"
ok "answered; the host resolved it to the router: $nd"

step "neighbour discovery: each side knows the other's MAC"
lan_mac=$(lan cat /sys/class/net/eth0/address)
rt_mac=$(cli -j link show lan | json 'd[0]["address"]')
got=$(lan ip -6 neigh show 2001:db8:1::1 dev eth0)
echo "lan host: $got"
grep -q "lladdr $rt_mac router" <<<"$got" || fail "the LAN host has not learned the router's MAC $rt_mac with the router flag"
got=$(cli -j -6 neigh show dev lan | json '[n for n in d if n["dst"] == "2001:db8:1::10"]')
echo "router: $got"
[ "$(json 'd[0]["lladdr"]' <<<"$got")" = "$lan_mac" ] || fail "the router has not learned 2001:db8:1::10 at $lan_mac"
ok "the host learned the router ($rt_mac, R flag), the router the host ($lan_mac)"

step "TCP to the router's IPv6 address is refused at once (a reset), as over IPv4"
out=$(lab_exec "$LAB" lan "$PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.settimeout(5)
t = time.monotonic()
try:
    s.connect(("2001:db8:1::1", 22))
    print("connected")
except ConnectionRefusedError:
    print("refused %.2f" % (time.monotonic() - t))
except OSError as e:
    print("error", e)' 2>&1)
echo "$out"
[[ $out == refused* ]] || fail "connect to [2001:db8:1::1]:22 was not refused: $out"
ok "$out s"

step "an echo behind destination options (an option to skip) and a spent routing header (type 0) is answered (scapy)"
out=$(scapy_echo 'IPv6(dst="2001:db8:1::1") /
	IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x3e, optdata=b"ab"), PadN(optdata=b"")]) /
	IPv6ExtHdrRouting(type=0, segleft=0, addresses=[]) /
	ICMPv6EchoRequest(id=0x5151, seq=1, data=b"sluice-ext")' 0x5151)
echo "$out"
[ "$out" = "reply 2001:db8:1::1 0x5151 1 sluice-ext" ] ||
	fail "no echo reply to the request with extension headers: $out"
ok "answered: $out"

step "an echo to the WAN host behind hop-by-hop options (a router alert, an option to skip) crosses the router with them and is answered (scapy, tcpdump on the WAN host)"
lab_exec "$LAB" wan timeout 10 tcpdump -n -i eth0 -c 1 -w "$E2E_TMP/hbh.pcap" 'ip6[6] == 0' \
	>"$E2E_TMP/hbh.log" 2>&1 &
dump=$!
for _ in $(seq 50); do grep -q "listening on" "$E2E_TMP/hbh.log" && break; sleep 0.1; done
out=$(scapy_echo 'IPv6(dst="2001:db8:2::1") /
	IPv6ExtHdrHopByHop(options=[RouterAlert(value=0), HBHOptUnknown(otype=0x1e, optdata=b"sl")]) /
	ICMPv6EchoRequest(id=0x5252, seq=1, data=b"sluice-hbh")' 0x5252)
echo "$out"
wait "$dump" || true
[ "$out" = "reply 2001:db8:2::1 0x5252 1 sluice-hbh" ] ||
	fail "no echo reply through the router to the request with hop-by-hop options: $out"
seen=$(lab_exec "$LAB" wan "$PY" -c 'from scapy.all import *
p = rdpcap("'"$E2E_TMP"'/hbh.pcap")[0]
h = p[IPv6ExtHdrHopByHop]
print(p[IPv6].hlim, [o.otype for o in h.options], bytes(p[ICMPv6EchoRequest].data).decode())' 2>&1)
echo "the WAN host got: $seen"
[ "$seen" = "63 [5, 30, 1] sluice-hbh" ] ||
	fail "the request did not reach the WAN host with its hop-by-hop options and one hop less: $seen"
ok "answered, and the WAN host saw the header as sent: $seen"
