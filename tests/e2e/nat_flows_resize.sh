#!/bin/bash
# The NAT's flows table follows the sessions in use, in the running
# dataplane (its control lcore, woken by the worker that went past the
# size): made for 65 536 sessions, grown when a LAN host opens 80 000 UDP
# flows (table_bytes rises), shrunk back to its first size once they are
# flushed (table_bytes as at the start), and NAT still works after both.
. "$(dirname "$0")/lib.sh"
e2e_up nrsz

bytes() { stat_value '^table_bytes$'; }
active() { stat_value '^sessions_active$'; }
# bytes_wait OP VALUE: until table_bytes OP VALUE (test's), 5 s at most.
bytes_wait() {
	for _ in $(seq 50); do
		[ "$(bytes)" "$1" "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
bytes0=$(bytes)
[ "$bytes0" -gt 0 ] || fail "no table_bytes in stats"

# 40 000 source ports to two closed ports of the WAN host: 80 000 flows,
# UDP headers over a raw socket (one datagram socket per port would need
# 40 000 descriptors).  A pass again while frames were lost on the way.
step "80 000 UDP flows from the LAN"
for pass in 1 2 3; do
	lan "$PY" -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
for dport in (9, 7):
    for sport in range(20000, 60000):
        s.sendto(struct.pack("!HHHH", sport, dport, 8, 0), ("203.0.113.1", 0))
' || fail "the sender failed"
	n=$(active)
	echo "pass $pass: $n sessions"
	[ "$n" -gt 70000 ] && break
done
[ "$n" -gt 70000 ] || fail "only $n sessions made of 80 000 flows"
bytes_wait -gt "$bytes0" || fail "table_bytes stayed at $bytes0 with $n sessions"
grown=$(bytes)
echo "table_bytes $bytes0 -> $grown"

step "flush the sessions: the table back to its first size"
cli nat session flush || fail "flush failed"
bytes_wait = "$bytes0" || fail "table_bytes is $(bytes) after the flush, $bytes0 at the start"
ok "table_bytes $bytes0 -> $grown -> $bytes0"

step "NAT after the shrink"
ping_ok lan 3 203.0.113.1 || fail "no ping through the NAT after the shrink"
[ "$(active)" -ge 1 ] || fail "the ping made no session"
ok "the flows table grew and shrank with the sessions, NAT working throughout"
