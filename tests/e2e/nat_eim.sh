#!/bin/bash
# NAT (RFC 4787): one inside UDP endpoint talking to two destinations keeps
# one outside address:port (endpoint-independent mapping, port preserved
# when free), and only the destinations it sent to may answer
# (address-and-port-dependent filtering).
. "$(dirname "$0")/lib.sh"
e2e_up neim

step "UDP servers on 203.0.113.1:7000 and 203.0.113.3:7000 log the source they see"
wan "$PY" -u - "$E2E_TMP/seen.log" >/dev/null 2>&1 <<'PYEOF' &
import select, socket, sys
socks = []
for a in ("203.0.113.1", "203.0.113.3"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a, 7000))
    socks.append(s)
log = open(sys.argv[1], "a", buffering=1)
while True:
    for s in select.select(socks, [], [])[0]:
        data, peer = s.recvfrom(2048)
        log.write("%s %s:%d\n" % (s.getsockname()[0], peer[0], peer[1]))
        s.sendto(b"reply from " + s.getsockname()[0].encode(), peer)
PYEOF
udp_up() { [ "$(wan ss -Hlun 'sport = :7000' | wc -l)" -ge 2 ]; }
lab_wait 10 "the UDP servers" udp_up || fail "UDP servers did not start"

step "the LAN host sends from 192.168.1.10:40500 to both; then 203.0.113.4 (never contacted) tries to reach the mapping"
lan "$PY" - >"$E2E_TMP/client.log" 2>&1 <<'PYEOF' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.1.10", 40500))
s.settimeout(2)
for dst in ("203.0.113.1", "203.0.113.3"):
    s.sendto(b"hello", (dst, 7000))
    try:
        data, peer = s.recvfrom(2048)
        print("reply", peer[0], data.decode(), flush=True)
    except socket.timeout:
        print("noreply", dst, flush=True)
# Anything else arriving now is from the address that was never contacted.
s.settimeout(3)
try:
    data, peer = s.recvfrom(2048)
    print("unsolicited", peer[0], peer[1])
except socket.timeout:
    print("nothing else")
PYEOF
lanpid=$!
sent_both() { [ "$(grep -c '^reply\|^noreply' "$E2E_TMP/client.log")" -ge 2 ]; }
lab_wait 10 "the LAN client's two exchanges" sent_both || fail "the LAN client did not finish its exchanges"
# From an address the inside host never sent to, to the mapping it has.
wan "$PY" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.4", 7000))
for _ in range(3):
    s.sendto(b"let me in", ("203.0.113.2", 40500))' || fail "could not send from 203.0.113.4"
wait_gone "$lanpid" 10 || fail "the LAN client hung"
cat "$E2E_TMP/client.log"
echo "seen by the servers:"
cat "$E2E_TMP/seen.log"

grep -q "^reply 203.0.113.1 " "$E2E_TMP/client.log" || fail "no reply from 203.0.113.1"
grep -q "^reply 203.0.113.3 " "$E2E_TMP/client.log" || fail "no reply from 203.0.113.3"
m1=$(awk '$1 == "203.0.113.1" { print $2; exit }' "$E2E_TMP/seen.log")
m3=$(awk '$1 == "203.0.113.3" { print $2; exit }' "$E2E_TMP/seen.log")
[ -n "$m1" ] && [ "$m1" = "$m3" ] || fail "two destinations saw two mappings: '$m1' and '$m3'"
[ "$m1" = 203.0.113.2:40500 ] || fail "mapping $m1: expected 203.0.113.2:40500 (port preserved when free)"
ok "one mapping $m1 for both destinations"
grep -q "^nothing else" "$E2E_TMP/client.log" ||
	fail "a packet from 203.0.113.4, never contacted, reached the inside host"
ok "the never-contacted 203.0.113.4 was filtered"
