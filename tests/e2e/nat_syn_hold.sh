#!/bin/bash
# NAT (RFC 5382 REQ-4, REQ-3): an unsolicited inbound SYN is never answered
# (no RST, no ICMP) -- a remote's connect to 203.0.113.2 is still pending
# after 7 s -- and so a TCP simultaneous open works: the remote's SYN to
# the LAN host's future mapping is dropped, the LAN host's own SYN then
# makes the session, and the remote's next SYN crosses it.
. "$(dirname "$0")/lib.sh"
e2e_up nsyn

syn0=$(stat_value '^inbound_unmatched_drops$')
step "a remote SYNs 203.0.113.2:41300 (never mapped) and, meanwhile, meets 192.168.1.10:41200 by simultaneous open"
timeout 60 "$PY" -u - "$LAB" <<'PYEOF' || fail "see above"
import os, select, socket, sys, time
sys.path.insert(0, os.environ["SLUICE_SRC"] + "/tests/e2e")
import nsock
from nsock import check

lab = sys.argv[1]
def pending(s, timeout):
    return select.select([], [s], [], timeout)[1] == []

# Unsolicited: nothing may answer for (at least) 6 s.
probe = nsock.sock(lab + "-wan", socket.SOCK_STREAM, "203.0.113.1", 5556)
probe.setblocking(False)
t0 = time.monotonic()
probe.connect_ex(("203.0.113.2", 41300))

# Simultaneous open: the remote first, the LAN host 1.5 s later.
r = nsock.sock(lab + "-wan", socket.SOCK_STREAM, "203.0.113.1", 5555)
r.setblocking(False)
r.connect_ex(("203.0.113.2", 41200))
time.sleep(1.5)
a = nsock.sock(lab + "-lan", socket.SOCK_STREAM, "192.168.1.10", 41200)
a.setblocking(False)
a.connect_ex(("203.0.113.1", 5555))
ra = select.select([], [a], [], 10)[1] and a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
rr = select.select([], [r], [], 10)[1] and r.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
check(ra == 0 and rr == 0, "simultaneous open: both ends connected (%r, %r)" % (ra, rr))
if ra == 0 and rr == 0:
    check(r.getpeername() == ("203.0.113.2", 41200), "the remote sees %s:%d" % r.getpeername())
    a.setblocking(True); r.setblocking(True)
    a.settimeout(5); r.settimeout(5)
    a.sendall(b"inside"); got = r.recv(10)
    r.sendall(b"outside"); back = a.recv(10)
    check(got == b"inside" and back == b"outside", "data both ways")

left = 7 - (time.monotonic() - t0)
check(pending(probe, max(left, 0)), "the unsolicited SYN unanswered after 7 s (no RST, no ICMP)")
err = probe.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
check(err == 0, "no error reported to the remote (%d)" % err)
sys.exit(1 if nsock.failed else 0)
PYEOF
syn1=$(stat_value '^inbound_unmatched_drops$')
echo "inbound_unmatched_drops: $syn0 -> $syn1"
[ "$syn1" -ge $((syn0 + 3)) ] || fail "the unsolicited SYNs were not counted as dropped"
ok "unsolicited SYNs held unanswered; simultaneous open through the NAT"
