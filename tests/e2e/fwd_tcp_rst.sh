#!/bin/bash
# TCP to the router's own addresses (RFC 9293 3.10.7.1): nothing listens, so
# a connect is refused at once by a reset, as a host does, instead of
# timing out.  From the LAN to 192.168.1.1:22; from the WAN, through the
# lab's NAT (masquerade out wan, one dnat for 8080), to 203.0.113.2:22: the
# NAT has no session, rule or mapping for it, so the segment goes to local
# delivery and is reset from 203.0.113.2.  The reset's fields are checked
# on the wire (scapy on the WAN host).
. "$(dirname "$0")/lib.sh"
e2e_up trst

# connect SIDE ADDR PORT: "refused SECONDS", "timeout" or "connected".
connect() {
	lab_exec "$LAB" "$1" "$PY" - "$2" "$3" <<'PYEOF'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(5)
t = time.monotonic()
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    print("connected")
except ConnectionRefusedError:
    print("refused %.3f" % (time.monotonic() - t))
except socket.timeout:
    print("timeout")
PYEOF
}

# refused_at_once SIDE ADDR PORT: one round trip on veth, far below the
# 1 s SYN retransmit a silent router would cost.
refused_at_once() {
	local out
	out=$(connect "$1" "$2" "$3" 2>&1)
	echo "$out"
	awk '$1 == "refused" && $2 < 1 { ok = 1 } END { exit !ok }' <<<"$out"
}

lu=$(stat_value '^local_unreachable$')
step "the LAN host connects to 192.168.1.1:22"
refused_at_once lan 192.168.1.1 22 || fail "the connection was not refused at once"
ok "refused by the router"

step "the WAN host connects to 203.0.113.2:22 (through the NAT: no dnat for 22)"
refused_at_once wan 203.0.113.2 22 || fail "the connection from the WAN was not refused at once"
ok "refused through the NAT"

step "the reset on the wire: a SYN with seq 1000 from 203.0.113.1:5555 (scapy)"
out=$(wan "$PY" - 2>&1 <<'PYEOF'
from scapy.all import IP, TCP, conf, sr1
conf.verb = 0
r = sr1(IP(dst="203.0.113.2", ttl=64) / TCP(sport=5555, dport=22, flags="S", seq=1000),
        timeout=3)
if r is None:
    print("no answer")
else:
    t = r[TCP]
    print("src %s:%d dst %s:%d ttl %d flags %s seq %d ack %d win %d" %
          (r[IP].src, t.sport, r[IP].dst, t.dport, r[IP].ttl, t.flags, t.seq, t.ack, t.window))
    p = r[IP].copy()
    del p[IP].chksum
    del p[TCP].chksum
    p = IP(bytes(p))
    print("checksums", "ok" if (p[IP].chksum, p[TCP].chksum) ==
          (r[IP].chksum, r[TCP].chksum) else "bad")
PYEOF
)
echo "$out"
grep -qx "src 203.0.113.2:22 dst 203.0.113.1:5555 ttl 64 flags RA seq 0 ack 1001 win 0" <<<"$out" ||
	fail "the reset is not RST|ACK seq 0 ack 1001 from 203.0.113.2:22"
grep -qx "checksums ok" <<<"$out" || fail "the reset's checksums are wrong"
ok "RST|ACK, seq 0, ack = SYN's seq + 1"

after=$(stat_value '^local_unreachable$')
echo "local_unreachable: $lu -> $after"
[ "$after" -ge $((lu + 3)) ] || fail "the segments were not counted (local_unreachable)"
ok "counted as local_unreachable"
