#!/bin/bash
# NAT (RFC 4787 REQ-14): a fragmented UDP datagram whose fragments the LAN
# host sends in reverse order crosses the masquerade whole; the WAN host's
# fragmented echo of it comes back to the LAN socket whole.  The same for
# ICMP: a 3000-byte echo request in reverse-order fragments, its reply, and
# an echo reply that the WAN host sends in reverse-order fragments.  Copies
# of pieces are dropped alone: the datagram still crosses.
. "$(dirname "$0")/lib.sh"
e2e_up nfrag xdp

step "a UDP echo server on 203.0.113.1:7777 logs what it receives"
udp_echo_server "$E2E_TMP/echo.log"

# udp_frags SPORT ID ORDER: the LAN host sends 3000 bytes of UDP from
# SPORT to the echo server in 3 fragments of IP id ID (one more a retry),
# in ORDER: "reversed", last piece first, or "copies", the first two
# pieces each twice; it waits for the echo.  Prints "sent LEN SHA256" and
# "echo ..."; fails unless the echo came back whole.
udp_frags() {
	lan "$PY" - "$@" <<'PYEOF'
import hashlib, os, socket, sys
from scapy.all import IP, UDP, conf, fragment, send
conf.verb = 0
sport, ident, order = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
payload = os.urandom(3000)
print("sent", len(payload), hashlib.sha256(payload).hexdigest())
# A bound socket so that the echo is accepted (and no port unreachable).
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.1.10", sport))
s.settimeout(3)
for attempt in range(3):
    pkt = IP(src="192.168.1.10", dst="203.0.113.1", id=ident + attempt) / UDP(sport=sport, dport=7777) / payload
    f = fragment(pkt, fragsize=1200)
    assert len(f) == 3
    send(list(reversed(f)) if order == "reversed" else [f[0], f[0], f[1], f[1], f[2]])
    try:
        data, peer = s.recvfrom(65535)
    except socket.timeout:
        print("no echo")
        continue
    print("echo", peer[0], len(data), hashlib.sha256(data).hexdigest())
    sys.exit(0 if data == payload else 1)
sys.exit(1)
PYEOF
}
# sent_whole OUT: the WAN host received what udp_frags printed it sent.
sent_whole() {
	local sent
	sent=$(awk '$1 == "sent" { print $3 }' <<<"$1")
	grep -q "^203\.0\.113\.2 [0-9]* 3000 $sent\$" "$E2E_TMP/echo.log" 2>/dev/null
}

step "the LAN host sends 3000 bytes of UDP in 3 fragments, last fragment first (scapy)"
out=$(udp_frags 40000 4242 reversed 2>&1)
rc=$?
echo "$out"
echo "echo server log:"
cat "$E2E_TMP/echo.log" 2>/dev/null
sent_whole "$out" || fail "the WAN host did not receive the whole datagram from 203.0.113.2"
[ "$rc" = 0 ] || fail "the fragmented echo did not come back whole to the LAN host"
ok "3000 bytes out in reverse-order fragments and back, intact"

# ICMP (issue 5: "fragmented UDP and ICMP ... whatever the order"): raw
# sockets see whole datagrams after the hosts' kernels reassemble them.
icmp_log() {	# HOST LOG TYPE: log every ICMP message of TYPE the host receives
	"$1" "$PY" -u - "$2" "$3" >/dev/null 2>&1 <<'PYEOF' &
import hashlib, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
log, want = open(sys.argv[1], "a", buffering=1), int(sys.argv[2])
while True:
    d, peer = s.recvfrom(65535)
    ic = d[(d[0] & 15) * 4:]
    if ic[0] != want:
        continue
    ident, seq = struct.unpack("!HH", ic[4:8])
    log.write("%s %d %d %d %s\n" % (peer[0], ident, seq, len(ic) - 8, hashlib.sha256(ic[8:]).hexdigest()))
PYEOF
}
step "raw ICMP listeners: echo requests on the WAN host, echo replies on the LAN host"
icmp_log wan "$E2E_TMP/wan_icmp.log" 8
icmp_log lan "$E2E_TMP/lan_icmp.log" 0
sleep 0.5
reasm0=$(stat_value '^fragments_reassembled$')

# icmp_send HOST SRC DST TYPE ID SEQ PAYLOADFILE: 3000 bytes of data in 3
# fragments, last fragment first.
icmp_send() {
	"$1" "$PY" - "$2" "$3" "$4" "$5" "$6" "$7" <<'PYEOF'
import sys
from scapy.all import ICMP, IP, conf, fragment, send
conf.verb = 0
src, dst, typ, ident, seq, f = sys.argv[1:]
payload = open(f, "rb").read()
pkt = IP(src=src, dst=dst, id=4343) / ICMP(type=int(typ), id=int(ident), seq=int(seq)) / payload
frags = fragment(pkt, fragsize=1200)
assert len(frags) == 3
send(list(reversed(frags)))
PYEOF
}
head -c 3000 /dev/urandom >"$E2E_TMP/ping.bin"
sum=$(sha256sum <"$E2E_TMP/ping.bin" | cut -d' ' -f1)

step "the LAN host pings 203.0.113.1 with 3000 bytes in 3 fragments, last first (id 20817)"
for attempt in 1 2 3; do
	icmp_send lan 192.168.1.10 203.0.113.1 8 20817 "$attempt" "$E2E_TMP/ping.bin" ||
		fail "scapy could not send"
	got_reply() { grep -q "^203\.0\.113\.1 20817 $attempt 3000 $sum\$" "$E2E_TMP/lan_icmp.log"; }
	lab_wait 3 "the echo reply" got_reply && break
done
echo "WAN host saw:"; cat "$E2E_TMP/wan_icmp.log" 2>/dev/null
echo "LAN host saw:"; cat "$E2E_TMP/lan_icmp.log" 2>/dev/null
req=$(grep "^203\.0\.113\.2 [0-9]* $attempt 3000 $sum\$" "$E2E_TMP/wan_icmp.log" | tail -n 1)
[ -n "$req" ] || fail "the WAN host did not receive the whole echo request from 203.0.113.2"
got_reply || fail "the echo reply did not come back whole to the LAN host"
ok "a 3000-byte ping out in reverse-order fragments, its reply back, intact"

oid=$(cut -d' ' -f2 <<<"$req")
step "the WAN host sends an echo reply (id $oid) of 3000 bytes in 3 fragments, last first"
head -c 3000 /dev/urandom >"$E2E_TMP/pong.bin"
sum=$(sha256sum <"$E2E_TMP/pong.bin" | cut -d' ' -f1)
for seq in 101 102 103; do
	icmp_send wan 203.0.113.1 203.0.113.2 0 "$oid" "$seq" "$E2E_TMP/pong.bin" ||
		fail "scapy could not send"
	got_pong() { grep -q "^203\.0\.113\.1 20817 $seq 3000 $sum\$" "$E2E_TMP/lan_icmp.log"; }
	lab_wait 3 "the reverse-order reply" got_pong && break
done
echo "LAN host saw:"; cat "$E2E_TMP/lan_icmp.log"
got_pong || fail "the reverse-order echo reply did not reach the LAN host whole, with id 20817"
ok "a reverse-order fragmented echo reply translated back to the LAN host"
reasm=$(( $(stat_value '^fragments_reassembled$') - reasm0 ))
# The request, the WAN kernel's reply and the crafted reply, at least.
[ "$reasm" -ge 3 ] || fail "the router reassembled $reasm ICMP datagrams, not the 3 it must have seen"
ok "the router reassembled $reasm fragmented ICMP datagrams"

step "the LAN host sends 3000 bytes of UDP in 3 fragments, the first two each twice (scapy)"
dup0=$(stat_value '^fragment_duplicates$')
out=$(udp_frags 40001 5150 copies 2>&1)
rc=$?
echo "$out"
sent_whole "$out" || fail "the WAN host did not receive the datagram whose pieces came twice"
[ "$rc" = 0 ] || fail "the echo of the datagram whose pieces came twice did not come back whole"
dups=$(( $(stat_value '^fragment_duplicates$') - dup0 ))
[ "$dups" -ge 2 ] || fail "fragment_duplicates counted $dups copies, not at least the 2 sent"
ok "the copies dropped alone ($dups counted), the datagram crossed whole both ways"
