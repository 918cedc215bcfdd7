#!/bin/bash
# NAT (RFC 5508): a UDP datagram to a closed WAN port draws ICMP port
# unreachable to 203.0.113.2; the router translates it (outer destination,
# embedded header and port) so the LAN host's connected socket gets
# ECONNREFUSED, which the kernel only reports for a matching quote.
. "$(dirname "$0")/lib.sh"
e2e_up nudpu

before=$(snmp wan Icmp OutDestUnreachs)
step "the LAN host sends UDP to 203.0.113.1:9 (closed) from 192.168.1.10:40123"
out=$(lan "$PY" - <<'PYEOF' 2>&1
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.bind(("192.168.1.10", 40123))
s.connect(("203.0.113.1", 9))
for _ in range(3):
    s.send(b"are you there?")
    try:
        s.recv(100)
        print("reply")
    except ConnectionRefusedError:
        print("refused")
        sys.exit(0)
    except socket.timeout:
        print("timeout")
sys.exit(1)
PYEOF
)
rc=$?
echo "$out"
after=$(snmp wan Icmp OutDestUnreachs)
echo "the WAN host sent $((after - before)) destination unreachable(s)"
[ "$((after - before))" -ge 1 ] || fail "the WAN host never sent a port unreachable (the datagram did not arrive?)"
[ "$rc" = 0 ] || fail "the port unreachable did not come back to the LAN host translated"
ok "ECONNREFUSED on the LAN host"
