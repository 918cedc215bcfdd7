#!/bin/bash
# NAT: a port range exhausted.  snat gives 192.168.1.10 one port,
# 203.0.113.2:45000: the first UDP flow and the first TCP connection take
# it; the next new flow of each is dropped, counted (port_exhausted_drops),
# and the inside host is told at once (RFC 5508 REQ-8: Destination
# Unreachable, code 13, from 192.168.1.1): its UDP socket gets
# EHOSTUNREACH, its connect fails with EHOSTUNREACH instead of hanging.
. "$(dirname "$0")/lib.sh"
e2e_up nexh

step "snat from 192.168.1.10/32 to 203.0.113.2 ports 45000-45000, before the masquerade"
cli nat rule del masquerade out wan || fail "del masquerade"
cli nat rule add snat from 192.168.1.10/32 out wan to 203.0.113.2 ports 45000-45000 ||
	fail "add snat"
cli nat rule add masquerade out wan || fail "add masquerade"
cli nat rule show

exh=$(stat_value '^port_exhausted_drops$')
timeout 60 "$PY" -u - "$LAB" <<'PYEOF' || fail "see above"
import errno, os, socket, sys, time
sys.path.insert(0, os.environ["SLUICE_SRC"] + "/tests/e2e")
import nsock
from nsock import check, recv

lab = sys.argv[1]
srv = nsock.sock(lab + "-wan", socket.SOCK_DGRAM, "203.0.113.1", 7000)
lst = nsock.sock(lab + "-wan", socket.SOCK_STREAM, "203.0.113.1", 7001)
lst.listen(4)
u1 = nsock.sock(lab + "-lan", socket.SOCK_DGRAM, "192.168.1.10", 40801)
u1.sendto(b"one", ("203.0.113.1", 7000))
got = recv(srv, 5)
check(got is not None and got[1] == ("203.0.113.2", 45000), "udp: the first flow has 45000 (%s)" % (got,))
u2 = nsock.sock(lab + "-lan", socket.SOCK_DGRAM, "192.168.1.10", 40802)
u2.connect(("203.0.113.1", 7000))
u2.send(b"two")
u2.settimeout(3)
err = nsock.errno_of(u2.recv, 100)
check(err == errno.EHOSTUNREACH, "udp: the second flow is refused with EHOSTUNREACH (%s)" % (err,))
check(recv(srv, 0.5) is None, "udp: nothing of the second flow left")

t1 = nsock.sock(lab + "-lan", socket.SOCK_STREAM, "192.168.1.10", 40803)
t1.settimeout(5)
t1.connect(("203.0.113.1", 7001))
c, peer = lst.accept()
check(peer == ("203.0.113.2", 45000), "tcp: the first connection has 45000 (%s)" % (peer,))
t2 = nsock.sock(lab + "-lan", socket.SOCK_STREAM, "192.168.1.10", 40804)
t2.settimeout(10)
t0 = time.monotonic()
err = nsock.errno_of(t2.connect, ("203.0.113.1", 7001))
check(err == errno.EHOSTUNREACH and time.monotonic() - t0 < 3,
      "tcp: the second connect fails at once with EHOSTUNREACH (%s after %.1f s)" %
      (err, time.monotonic() - t0))
sys.exit(1 if nsock.failed else 0)
PYEOF
now=$(stat_value '^port_exhausted_drops$')
echo "port_exhausted_drops: $exh -> $now"
[ "$now" -ge $((exh + 2)) ] || fail "the refused flows were not counted"
ok "an exhausted range refuses new flows, counted and told to the host"
