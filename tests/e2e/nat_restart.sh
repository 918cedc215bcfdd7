#!/bin/bash
# NAT across a restart of sluiced (RFC 4787 REQ-1 "deterministic"): the
# mappings and sessions live in the dataplane, and sluiced, started again
# with the same config, changes nothing.  A UDP flow and a TCP connection
# made before keep their outside endpoint; the remote can still send to
# the UDP mapping first (the filter's state survived too); no session is
# made again.
. "$(dirname "$0")/lib.sh"
e2e_up nrst

cat >"$E2E_TMP/drive.py" <<'PYEOF'
import os, socket, sys, time
sys.path.insert(0, os.environ["SLUICE_SRC"] + "/tests/e2e")
import nsock
from nsock import check, recv

lab, tmp = sys.argv[1], sys.argv[2]
srv = nsock.sock(lab + "-wan", socket.SOCK_DGRAM, "203.0.113.1", 7000)
lst = nsock.sock(lab + "-wan", socket.SOCK_STREAM, "203.0.113.1", 7001)
lst.listen(1)
u = nsock.sock(lab + "-lan", socket.SOCK_DGRAM, "192.168.1.10", 40700)
t = nsock.sock(lab + "-lan", socket.SOCK_STREAM, "192.168.1.10", 40701)
u.sendto(b"before", ("203.0.113.1", 7000))
got = recv(srv, 5)
check(got is not None, "udp before: the server got %r" % (got,))
m = got[1]
t.settimeout(5)
t.connect(("203.0.113.1", 7001))
lst.settimeout(5)
c, mt = lst.accept()
c.settimeout(5)
print("mappings: udp %s:%d tcp %s:%d" % (m + mt), flush=True)
open(tmp + "/ready", "w").close()
for _ in range(600):
    if os.path.exists(tmp + "/go"):
        break
    time.sleep(0.1)
# The remote speaks first: the session, not a new outbound packet, lets it in.
srv.sendto(b"after", m)
check(recv(u, 5) == (b"after", ("203.0.113.1", 7000)), "udp after: the remote reached the mapping")
u.sendto(b"again", ("203.0.113.1", 7000))
got = recv(srv, 5)
check(got is not None and got[1] == m, "udp after: same mapping %s" % (got and "%s:%d" % got[1],))
c.sendall(b"after")
check(t.recv(10) == b"after", "tcp after: the connection carries data in")
t.sendall(b"out")
check(c.recv(10) == b"out", "tcp after: and out")
open(tmp + "/rc", "w").write("1" if nsock.failed else "0")
PYEOF

step "a UDP flow and a TCP connection through the NAT"
timeout 90 "$PY" -u "$E2E_TMP/drive.py" "$LAB" "$E2E_TMP" >"$E2E_TMP/drive.log" 2>&1 &
drive=$!
lab_wait 20 "the flows" test -e "$E2E_TMP/ready" || { cat "$E2E_TMP/drive.log"; fail "the flows did not start"; }
sessions() { cli -j nat session show | json '[ (s["protocol"], s["inside_port"], s["outside_addr"], s["outside_port"], s["remote_port"]) for s in d ]'; }
before=$(sessions)
created=$(stat_value '^sessions_created$')
echo "sessions: $before"

step "restart sluiced"
st=$(lab_state "$LAB")
loads=$(grep -c ' loaded ' "$st/sluiced.log")
lab_stop "$LAB" sluiced
lab_start_sluiced "$LAB"
lab_wait 30 "sluiced to load its config again" \
	sh -c "[ \$(grep -c ' loaded ' '$st/sluiced.log') -gt $loads ]" || fail "sluiced did not start again"
tail -3 "$st/sluiced.log"
after=$(sessions)
[ "$after" = "$before" ] || fail "the sessions changed: $after"
ok "the same sessions after the restart"

touch "$E2E_TMP/go"
wait_gone "$drive" 60 || fail "the flows hung"
cat "$E2E_TMP/drive.log"
[ "$(cat "$E2E_TMP/rc" 2>/dev/null)" = 0 ] || fail "the flows did not survive the restart"
[ "$(stat_value '^sessions_created$')" = "$created" ] || fail "sessions were made again"
ok "mappings and sessions kept across the restart of sluiced"
