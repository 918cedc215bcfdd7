#!/bin/bash
# NAT: ICMP errors the router itself makes about an inbound port-forwarded
# packet (dnat in wan proto tcp dport 8080 to 192.168.1.10:80) quote what
# the remote sent, 203.0.113.2:8080, not the inside address, so that the
# remote can match them (as Linux's nf_nat_icmp_reply_translation does):
# Time Exceeded for TTL 1, Fragmentation Needed (mtu 1400) for a DF packet
# too big for the LAN, byte for byte with every checksum; and path-MTU
# discovery of a real TCP upload through the forward.
. "$(dirname "$0")/lib.sh"
e2e_up ndnic

step "sluice link set lan mtu 1400"
cli link set lan mtu 1400 || fail "link set lan mtu 1400 failed"

step "the WAN host sends TCP to 203.0.113.2:8080 with TTL 1, then 1500 bytes with DF (scapy)"
out=$(wan "$PY" - <<'PYEOF' 2>&1
import sys, time
from scapy.all import IP, TCP, AsyncSniffer, conf, raw, send
conf.verb = 0

def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(int.from_bytes(b[i:i + 2], "big") for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def ask(name, pkt, want_type, want_code, want_mtu):
    sent = raw(pkt)
    sn = AsyncSniffer(iface="eth0", filter="icmp and src host 203.0.113.2", count=1, timeout=4)
    sn.start()
    time.sleep(0.3)
    send(pkt)
    sn.join()
    if not sn.results:
        print(name, "no ICMP error came back")
        return False
    ip = raw(sn.results[0][IP])
    hl = (ip[0] & 15) * 4
    ic = ip[hl:]
    q = ic[8:]
    qhl = (q[0] & 15) * 4
    print(name, "type", ic[0], "code", ic[1], "mtu", int.from_bytes(ic[6:8], "big"),
          "from", ".".join(map(str, ip[12:16])),
          "quotes", ".".join(map(str, q[12:16])), int.from_bytes(q[qhl:qhl + 2], "big"),
          "->", ".".join(map(str, q[16:20])), int.from_bytes(q[qhl + 2:qhl + 4], "big"))
    good = True
    def check(what, cond):
        nonlocal good
        if not cond:
            print(name, "wrong:", what)
            good = False
    check("type/code", (ic[0], ic[1]) == (want_type, want_code))
    check("next-hop mtu", int.from_bytes(ic[6:8], "big") == want_mtu)
    check("outer IP checksum", cksum(ip[:hl]) == 0xffff)
    check("ICMP checksum", cksum(ic) == 0xffff)
    check("quoted IP checksum", cksum(q[:qhl]) == 0xffff)
    check("quote is the packet as sent (dst 203.0.113.2 port 8080)", q[:28] == sent[:28])
    return good

ok = ask("ttl1", IP(dst="203.0.113.2", ttl=1) / TCP(sport=40401, dport=8080, flags="S"),
         11, 0, 0)
ok &= ask("df1500", IP(dst="203.0.113.2", flags="DF") /
          TCP(sport=40402, dport=8080, flags="S") / (b"x" * 1460), 3, 4, 1400)
sys.exit(0 if ok else 1)
PYEOF
)
rc=$?
echo "$out"
[ "$rc" = 0 ] || fail "the errors do not quote 203.0.113.2:8080 as the WAN host sent it"
ok "Time Exceeded and Fragmentation Needed quote 203.0.113.2:8080"

step "a TCP sink on 192.168.1.10:80; the WAN host uploads 400 kB to 203.0.113.2:8080"
lan "$PY" - >/dev/null 2>&1 <<'PYEOF' &
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.168.1.10", 80))
s.listen(1)
c, _ = s.accept()
n = 0
while True:
    d = c.recv(65536)
    if not d:
        break
    n += len(d)
c.sendall(str(n).encode())
c.close()
PYEOF
wait_listen lan 80 || fail "the sink did not start"
out=$(wan timeout 30 "$PY" - <<'PYEOF' 2>&1
import socket
s = socket.create_connection(("203.0.113.2", 8080), timeout=20)
s.sendall(b"z" * 400000)
s.shutdown(socket.SHUT_WR)
print("sink got", s.recv(100).decode())
PYEOF
)
echo "$out"
grep -q "^sink got 400000$" <<<"$out" || fail "the upload through the forward did not complete"
route=$(wan ip route get 203.0.113.2)
echo "$route"
grep -q "mtu 1400" <<<"$route" || fail "the WAN host did not learn path MTU 1400 toward 203.0.113.2"
ok "path-MTU discovery works through the port forward"
