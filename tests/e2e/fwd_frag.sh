#!/bin/bash
# Fragments through the default lab (issue 9.2): the LAN host sends a
# 3000-byte UDP datagram (its kernel fragments it for the 1500-byte MTU) to
# an echo server on the WAN host, through the masquerade; the server sends
# the 3000 bytes back, fragmented by its kernel.  Each side receives the
# exact bytes.  No port kind is chosen here: this is the lab as `scripts/lab
# up` and scripts/demo make it.  The LAN host then pings the router itself
# with 3000 bytes: reassembled, answered and fragmented again.  A first
# piece whose rest never comes is answered, its time up, with a Time
# Exceeded (fragment reassembly time exceeded), as a kernel answers it.
. "$(dirname "$0")/lib.sh"
e2e_up ffrag
grep '^device' "$(lab_conf "$LAB")"

step "a UDP echo server on 203.0.113.1:7777 logs what it receives"
udp_echo_server "$E2E_TMP/echo.log"

reasm0=$(snmp wan Ip ReasmOKs)
step "the LAN host sends 3000 bytes of UDP (3 fragments on the wire) and waits for the echo"
out=$(lan "$PY" - <<'PYEOF' 2>&1
import hashlib, os, socket, sys
payload = os.urandom(3000)
print("sent", len(payload), hashlib.sha256(payload).hexdigest())
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for attempt in range(3):
    s.sendto(payload, ("203.0.113.1", 7777))
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
echo "echo server log:"; cat "$E2E_TMP/echo.log" 2>/dev/null
sum=$(awk '$1 == "sent" { print $3 }' <<<"$out")
grep -q "^203\.0\.113\.2 [0-9]* 3000 $sum\$" "$E2E_TMP/echo.log" ||
	fail "the WAN host did not receive the 3000 bytes from 203.0.113.2"
ok "the WAN host received the 3000 bytes intact"
[ "$rc" = 0 ] || fail "the 3000-byte echo did not come back whole to the LAN host"
ok "the LAN host received the 3000-byte echo intact"
[ "$(( $(snmp wan Ip ReasmOKs) - reasm0 ))" -ge 1 ] ||
	fail "the WAN host reassembled nothing: the datagram did not cross as fragments"
ok "the WAN host reassembled it from fragments"
[ "$(stat_value '^bad_header$')" = 0 ] || fail "sluice counted bad_header drops"
ok "no bad_header drops"

step "the LAN host pings the router with 3000 bytes (fragments both ways), as it pings a kernel router"
reasm0=$(snmp lan Ip ReasmOKs)
ping_big lan 192.168.1.1 || fail "no whole answer to a 3000-byte ping of the router"
[ "$(( $(snmp lan Ip ReasmOKs) - reasm0 ))" -ge 2 ] ||
	fail "the LAN host reassembled no reply: the router's answer did not come as fragments"
ok "answered whole, in fragments the LAN host put back together"

step "the LAN host sends the router the first piece of an echo request and nothing more: its time up, a Time Exceeded, code 1 (RFC 792), as a kernel sends"
te0=$(snmp lan Icmp InTimeExcds)
drops0=$(stat_value '^fragment_drops$')
out=$(lone_first_piece lan 192.168.1.1)
echo "$out"
[ "$out" = "time-exceeded 192.168.1.1 1 0x5a17" ] ||
	fail "no Time Exceeded (reassembly) from 192.168.1.1 quoting the piece: $out"
[ "$(( $(snmp lan Icmp InTimeExcds) - te0 ))" -ge 1 ] || fail "the LAN host's kernel counted no Time Exceeded"
[ "$(( $(stat_value '^fragment_drops$') - drops0 ))" = 1 ] || fail "sluice did not count the piece as a fragment drop"
ok "$out; the piece counted in fragment_drops"
