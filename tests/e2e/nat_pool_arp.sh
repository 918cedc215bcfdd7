#!/bin/bash
# NAT pools answer ARP (as VPP's do): a pool-only snat rule (203.0.113.10-11,
# neither of them an address of the wan port) is announced with gratuitous
# ARP when added, its addresses are answered for with the wan port's MAC,
# and UDP and ping from the LAN leave through both and get their replies.
# The pool addresses are no local addresses: a ping, a UDP datagram or a TCP
# SYN to one from the WAN gets nothing (no echo reply, port unreachable or
# reset) and is a counted NAT drop.  Once the rule is deleted, nobody
# answers ARP for them.
. "$(dirname "$0")/lib.sh"
e2e_up npool

wanmac=$(cli -j link show wan | json '[l for l in d if l["ifname"] == "wan"][0]["address"]') ||
	fail "no MAC for wan in link show"

step "a sniffer on the WAN host listens for gratuitous ARP"
wan "$PY" - "$E2E_TMP/garp.log" "$E2E_TMP/sniffing" >/dev/null 2>&1 <<'PYEOF' &
import sys
from scapy.all import ARP, conf, sniff
conf.verb = 0
log = open(sys.argv[1], "a", buffering=1)
seen = set()
def got(p):
    a = p[ARP]
    if a.op == 1 and a.psrc == a.pdst:
        log.write("garp %s %s\n" % (a.psrc, a.hwsrc))
        seen.add(a.psrc)
sniff(iface="eth0", filter="arp", prn=got, timeout=30,
      started_callback=lambda: open(sys.argv[2], "w").close(),
      stop_filter=lambda p: {"203.0.113.10", "203.0.113.11"} <= seen)
PYEOF
sniffer=$!
lab_wait 20 "the sniffer" test -e "$E2E_TMP/sniffing" || fail "the sniffer did not start"

step "masquerade out wan is replaced by snat from 192.168.1.0/24 out wan to 203.0.113.10-203.0.113.11"
cli nat rule del masquerade out wan || fail "could not delete the masquerade rule"
cli nat rule add snat from 192.168.1.0/24 out wan to 203.0.113.10-203.0.113.11 ||
	fail "the snat rule was refused"
wait_gone "$sniffer" 30 || fail "the sniffer did not end"
cat "$E2E_TMP/garp.log"
for a in 203.0.113.10 203.0.113.11; do
	grep -qx "garp $a $wanmac" "$E2E_TMP/garp.log" ||
		fail "no gratuitous ARP for $a from the wan port ($wanmac)"
done
ok "both pool addresses announced by the wan port"

# arp_ask ADDR...: the WAN host asks (scapy, past its ARP cache); prints
# "ADDR MAC,..." or "ADDR none" for each.
arp_ask() {
	wan "$PY" - "$@" <<'PYEOF'
import sys
from scapy.all import ARP, Ether, conf, srp
conf.verb = 0
ans, _ = srp([Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, psrc="203.0.113.1", pdst=ip)
              for ip in sys.argv[1:]], iface="eth0", timeout=2, multi=True)
for ip in sys.argv[1:]:
    macs = sorted({r[ARP].hwsrc for _, r in ans if r[ARP].op == 2 and r[ARP].psrc == ip})
    print(ip, ",".join(macs) or "none")
PYEOF
}
step "ARP from the WAN host for the pool addresses and their neighbours"
out=$(arp_ask 203.0.113.10 203.0.113.11 203.0.113.12 2>&1)
echo "$out"
grep -qx "203.0.113.10 $wanmac" <<<"$out" || fail "203.0.113.10 was not answered with wan's MAC"
grep -qx "203.0.113.11 $wanmac" <<<"$out" || fail "203.0.113.11 was not answered with wan's MAC"
grep -qx "203.0.113.12 none" <<<"$out" || fail "someone answered for 203.0.113.12 (outside the pool)"
ok "the pool is answered for, nothing else"

# The pool is paired (RFC 4787): an inside address always leaves from the
# same pool address, chosen by a hash.  24 inside addresses leave both
# pool addresses unused with odds of 2^-23.
step "UDP from 24 LAN addresses (192.168.1.20-43) to an echo server on 203.0.113.1:7000"
for i in $(seq 20 43); do
	lan ip addr add "192.168.1.$i/24" dev eth0 || fail "could not add 192.168.1.$i"
done
wan "$PY" -u - "$E2E_TMP/seen.log" >/dev/null 2>&1 <<'PYEOF' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.1", 7000))
log = open(sys.argv[1], "a", buffering=1)
while True:
    data, peer = s.recvfrom(2048)
    log.write("%s %s\n" % (data.decode(), peer[0]))
    s.sendto(data, peer)
PYEOF
udp_up() { [ "$(wan ss -Hlun 'sport = :7000' | wc -l)" -ge 1 ]; }
lab_wait 10 "the UDP echo server" udp_up || fail "the UDP echo server did not start"
out=$(lan "$PY" - 2>&1 <<'PYEOF'
import socket
got = 0
for i in range(20, 44):
    src = "192.168.1.%d" % i
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 41000))
    s.settimeout(2)
    for _ in range(3):
        s.sendto(src.encode(), ("203.0.113.1", 7000))
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            continue
        if data == src.encode():
            got += 1
            break
print("replies", got)
PYEOF
)
echo "$out"
grep -qx "replies 24" <<<"$out" || fail "not every LAN address got its UDP reply through the pool"
sort -u "$E2E_TMP/seen.log" | awk '{print $2}' | sort | uniq -c
for a in 203.0.113.10 203.0.113.11; do
	grep -q " $a\$" "$E2E_TMP/seen.log" || fail "no flow left from $a"
done
grep -qv " 203.0.113.1[01]\$" "$E2E_TMP/seen.log" && fail "a flow left from outside the pool"
ok "UDP through both pool addresses, every reply back"

step "ping from one LAN address behind each pool address"
for a in 203.0.113.10 203.0.113.11; do
	src=$(awk -v a="$a" '$2 == a { print $1; exit }' "$E2E_TMP/seen.log")
	lan ping -n -c 3 -i 0.2 -W 2 -I "$src" 203.0.113.1 >"$E2E_TMP/ping.out" 2>&1 ||
		{ cat "$E2E_TMP/ping.out"; fail "ping from $src (behind $a) got no replies"; }
	grep -q " 3 received" "$E2E_TMP/ping.out" ||
		{ cat "$E2E_TMP/ping.out"; fail "ping from $src (behind $a) lost replies"; }
done
cli nat session show | grep '^icmp' || fail "no ICMP sessions shown"
for a in 203.0.113.10 203.0.113.11; do
	cli nat session show | grep -q "^icmp .* outside $a" || fail "no ping left from $a"
done
ok "ping through both pool addresses"

step "from the WAN host to the pool addresses: ping, UDP, TCP get nothing"
drops=$(stat_value '^inbound_unmatched_drops$')
if wan ping -n -c 2 -i 0.2 -W 1 203.0.113.10 >"$E2E_TMP/ping.out" 2>&1; then
	cat "$E2E_TMP/ping.out"
	fail "a pool address answered a ping"
fi
grep -q " 0 received" "$E2E_TMP/ping.out" || { cat "$E2E_TMP/ping.out"; fail "odd ping output"; }
out=$(wan "$PY" - 2>&1 <<'PYEOF'
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(1.5)
u.connect(("203.0.113.11", 9))
try:
    u.send(b"x")
    u.recv(10)
    print("udp reply")
except ConnectionRefusedError:
    print("udp refused")
except socket.timeout:
    print("udp nothing")
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.settimeout(2)
try:
    t.connect(("203.0.113.10", 22))
    print("tcp connected")
except ConnectionRefusedError:
    print("tcp refused")
except socket.timeout:
    print("tcp nothing")
PYEOF
)
echo "$out"
grep -qx "udp nothing" <<<"$out" || fail "UDP to a pool address was answered"
grep -qx "tcp nothing" <<<"$out" || fail "TCP to a pool address was answered"
after=$(stat_value '^inbound_unmatched_drops$')
echo "inbound_unmatched_drops: $drops -> $after"
[ "$after" -ge $((drops + 4)) ] || fail "the packets to pool addresses were not counted as NAT drops"
ok "pool addresses are not local addresses"

step "the rule is deleted: ARP for the pool goes unanswered"
cli nat rule del snat from 192.168.1.0/24 out wan to 203.0.113.10-203.0.113.11 ||
	fail "could not delete the snat rule"
out=$(arp_ask 203.0.113.10 203.0.113.11 203.0.113.2 2>&1)
echo "$out"
grep -qx "203.0.113.10 none" <<<"$out" || fail "203.0.113.10 still answered after the rule went"
grep -qx "203.0.113.11 none" <<<"$out" || fail "203.0.113.11 still answered after the rule went"
grep -qx "203.0.113.2 $wanmac" <<<"$out" || fail "the wan port's own address stopped answering"
ok "no proxy ARP without the rule"
