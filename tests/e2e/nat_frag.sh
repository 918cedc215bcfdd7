#!/bin/bash
# NAT (RFC 4787 REQ-14): a fragmented UDP datagram whose fragments the LAN
# host sends in reverse order crosses the masquerade whole; the WAN host's
# fragmented echo of it comes back to the LAN socket whole.
. "$(dirname "$0")/lib.sh"
e2e_up nfrag xdp

step "a UDP echo server on 203.0.113.1:7777 logs what it receives"
wan "$PY" -u - "$E2E_TMP/echo.log" >/dev/null 2>&1 <<'PYEOF' &
import hashlib, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.1", 7777))
log = open(sys.argv[1], "a", buffering=1)
while True:
    data, peer = s.recvfrom(65535)
    log.write("%s %d %d %s\n" % (peer[0], peer[1], len(data), hashlib.sha256(data).hexdigest()))
    s.sendto(data, peer)
PYEOF
lab_wait 10 "the echo server" sh -c "ip netns exec $(lab_ns "$LAB" wan) ss -Hlun 'sport = :7777' | grep -q ." ||
	fail "echo server did not start"

step "the LAN host sends 3000 bytes of UDP in 3 fragments, last fragment first (scapy)"
out=$(lan "$PY" - <<'PYEOF' 2>&1
import hashlib, os, socket, sys
from scapy.all import IP, UDP, conf, fragment, send
conf.verb = 0
payload = os.urandom(3000)
print("sent", len(payload), hashlib.sha256(payload).hexdigest())
# A bound socket so that the echo is accepted (and no port unreachable).
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.1.10", 40000))
s.settimeout(3)
pkt = IP(src="192.168.1.10", dst="203.0.113.1", id=4242) / UDP(sport=40000, dport=7777) / payload
frags = fragment(pkt, fragsize=1200)
for attempt in range(3):
    send(list(reversed(frags)))
    try:
        data, peer = s.recvfrom(65535)
    except socket.timeout:
        print("no echo")
        continue
    print("echo", peer[0], len(data), hashlib.sha256(data).hexdigest())
    sys.exit(0 if data == payload else 1)
sys.exit(1)
PYEOF
)
rc=$?
echo "$out"
echo "echo server log:"
cat "$E2E_TMP/echo.log" 2>/dev/null
sent=$(awk '$1 == "sent" { print $3 }' <<<"$out")
grep -q "^203\.0\.113\.2 [0-9]* 3000 $sent\$" "$E2E_TMP/echo.log" 2>/dev/null ||
	fail "the WAN host did not receive the whole datagram from 203.0.113.2"
[ "$rc" = 0 ] || fail "the fragmented echo did not come back whole to the LAN host"
ok "3000 bytes out in reverse-order fragments and back, intact"
