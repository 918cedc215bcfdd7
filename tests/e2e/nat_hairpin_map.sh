#!/bin/bash
# NAT hairpinning of dynamic mappings (RFC 4787 REQ-9, RFC 5382 REQ-8,
# RFC 5508 REQ-7), with real sockets on two LAN hosts (192.168.1.10 and
# 192.168.1.11), under address-and-port-dependent filtering (the default)
# and then endpoint-independent filtering.  Each host learns its mappings
# from a STUN-like server on the WAN (203.0.113.1:3478 answers the source
# it sees); then, UDP and TCP, one host to its own mapping and each host
# to the other's: what arrives must come from the sender's mapping.  Under
# address-and-port-dependent filtering a host's first packet to the other's
# mapping is filtered until the other has sent to its mapping, and TCP
# meets by simultaneous open; under endpoint-independent filtering the
# first packet gets in and TCP reaches a listener.  An ICMP error (port
# unreachable) about a hairpinned packet reaches its sender.  Last, a
# datagram to the WAN followed at once by one to its own mapping (the two
# in one burst) comes back.
. "$(dirname "$0")/lib.sh"
e2e_up nhmap
lan2_up || fail "the second LAN host did not come up"

step "a STUN-like server on 203.0.113.1:3478 (UDP and TCP) tells each client its source"
wan "$PY" -u - >"$E2E_TMP/stun.log" 2>&1 <<'PYEOF' &
import select, socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("203.0.113.1", 3478))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("203.0.113.1", 3478))
t.listen(64)
conns = []
while True:
    for s in select.select([u, t] + conns, [], [])[0]:
        if s is u:
            data, peer = u.recvfrom(2048)
            u.sendto(("%s:%d" % peer).encode(), peer)
        elif s is t:
            c, peer = t.accept()
            c.sendall(("%s:%d\n" % peer).encode())
            conns.append(c)		# kept open: the client's mapping stays
        else:
            if not s.recv(2048):
                conns.remove(s)
                s.close()
PYEOF
stun_up() { [ "$(wan ss -Hlun 'sport = :3478' | wc -l)" -ge 1 ] && wan ss -Hltn 'sport = :3478' | grep -q .; }
lab_wait 10 "the STUN-like server" stun_up || fail "the STUN-like server did not start"

# One python process drives both LAN hosts: each socket is made in its
# host's namespace (setns), then used from here.
cat >"$E2E_TMP/hairpin.py" <<'PYEOF'
import errno, os, select, socket, sys, time
sys.path.insert(0, os.environ["SLUICE_SRC"] + "/tests/e2e")
from nsock import check, recv
import nsock

lab, mode = sys.argv[1], sys.argv[2]
STUN = ("203.0.113.1", 3478)
A, B = "192.168.1.10", "192.168.1.11"
ns = {A: lab + "-lan", B: lab + "-lan2"}

def sock(host, kind, port):
    return nsock.sock(ns[host], kind, host, port)

def ep(text):
    a, p = text.strip().split(":")
    return (a, int(p))

def udp_map(s):
    s.settimeout(2)
    for _ in range(3):
        s.sendto(b"?", STUN)
        try:
            data, peer = s.recvfrom(2048)
            if peer == STUN:
                return ep(data.decode())
        except socket.timeout:
            pass
    raise SystemExit("no answer from the STUN-like server")

def tcp_map(host, port):
    c = sock(host, socket.SOCK_STREAM, port)
    c.settimeout(5)
    c.connect(STUN)
    return c, ep(c.makefile().readline())

def udp_case():
    a = sock(A, socket.SOCK_DGRAM, 41001)
    b = sock(B, socket.SOCK_DGRAM, 41002)
    ma, mb = udp_map(a), udp_map(b)
    print("udp mappings: A %s:%d, B %s:%d" % (ma + mb), flush=True)
    check(ma[0] == "203.0.113.2" and mb[0] == "203.0.113.2", "both mapped to 203.0.113.2")
    a.sendto(b"self", ma)
    got = recv(a, 3)
    check(got == (b"self", ma), "udp: A to its own mapping arrives from it (%s)" % (got,))
    a.sendto(b"a1", mb)
    got = recv(b, 1.5)
    if mode == "apdf":
        check(got is None, "udp: A's first packet to B's mapping is filtered (%s)" % (got,))
    else:
        check(got == (b"a1", ma), "udp: A's first packet reaches B from A's mapping (%s)" % (got,))
    b.sendto(b"b1", ma)
    got = recv(a, 3)
    check(got == (b"b1", mb), "udp: B to A's mapping arrives from B's mapping (%s)" % (got,))
    a.sendto(b"a2", mb)
    got = recv(b, 3)
    check(got == (b"a2", ma), "udp: A to B's mapping arrives from A's mapping (%s)" % (got,))
    # An ICMP error about a hairpinned packet: B's port 41003 had a
    # mapping (and, for the filter, sent to A's) but no socket now.
    c = sock(B, socket.SOCK_DGRAM, 41003)
    mc = udp_map(c)
    c.sendto(b"c1", ma)
    recv(a, 3)
    c.close()
    a.connect(mc)
    a.send(b"to nobody")
    a.settimeout(3)
    err = nsock.errno_of(a.recv, 2048)
    check(err == errno.ECONNREFUSED,
          "udp: B's port unreachable about A's hairpinned packet reaches A (%s)" % (err,))

def wait_connected(s, timeout):
    if not select.select([], [s], [], timeout)[1]:
        return "timeout"
    return s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)

def exchange(x, y, what):
    x.settimeout(5)
    y.settimeout(5)
    x.sendall(b"ping " + what.encode())
    got = y.recv(100)
    y.sendall(b"pong")
    back = x.recv(100)
    check(got == b"ping " + what.encode() and back == b"pong", "tcp %s: data both ways" % what)

def simultaneous_open(h1, p1, m1, h2, p2, m2, what):
    """h1:p1 (mapping m1) and h2:p2 (mapping m2) connect to each other's
    mapping, h1 first."""
    x = sock(h1, socket.SOCK_STREAM, p1)
    y = sock(h2, socket.SOCK_STREAM, p2)
    x.setblocking(False)
    y.setblocking(False)
    x.connect_ex(m2)
    time.sleep(0.5)
    y.connect_ex(m1)
    rx, ry = wait_connected(x, 10), wait_connected(y, 10)
    check(rx == 0 and ry == 0, "tcp %s: simultaneous open (%s, %s)" % (what, rx, ry))
    if rx == 0 and ry == 0:
        check(x.getpeername() == m2 and y.getpeername() == m1,
              "tcp %s: each sees the other's mapping" % what)
        x.setblocking(True)
        y.setblocking(True)
        exchange(x, y, what)
    return x, y

def listener(h1, p1, m1, h2, p2, m2, what):
    """h2:p2 connects to h1's listener on p1 through m1."""
    l = sock(h1, socket.SOCK_STREAM, p1)
    l.listen(4)
    y = sock(h2, socket.SOCK_STREAM, p2)
    y.settimeout(5)
    try:
        y.connect(m1)
        l.settimeout(5)
        x, peer = l.accept()
    except OSError as e:
        check(False, "tcp %s: connect to the listener: %s" % (what, e))
        return
    check(peer == m2, "tcp %s: accepted from the connecting host's mapping %s" % (what, peer))
    exchange(x, y, what)

def tcp_case():
    ca, ma = tcp_map(A, 42001)
    cb, mb = tcp_map(B, 42002)
    cz, mz = tcp_map(A, 42003)
    print("tcp mappings: A %s:%d, B %s:%d, A' %s:%d" % (ma + mb + mz), flush=True)
    if mode == "apdf":
        simultaneous_open(A, 42001, ma, B, 42002, mb, "two hosts")
        simultaneous_open(A, 42001, ma, A, 42003, mz, "one host")
    else:
        listener(A, 42001, ma, B, 42002, mb, "two hosts")
        listener(A, 42001, ma, A, 42003, mz, "one host")

udp_case()
tcp_case()
sys.exit(1 if nsock.failed else 0)
PYEOF

for mode in apdf eif; do
	if [ $mode = eif ]; then
		step "filter endpoint-independent"
		cli nat rule del masquerade out wan || fail "could not delete the masquerade rule"
		cli nat rule add masquerade out wan filter endpoint-independent ||
			fail "could not add the masquerade rule with endpoint-independent filtering"
	else
		step "filter address-and-port-dependent (the lab's default)"
	fi
	filtered=$(stat_value '^hairpin_filtered_drops$')
	timeout 90 "$PY" -u "$E2E_TMP/hairpin.py" "$LAB" $mode || {
		cli nat session show
		fail "hairpin under $mode filtering"
	}
	now=$(stat_value '^hairpin_filtered_drops$')
	if [ $mode = apdf ]; then
		[ "$now" -gt "$filtered" ] || fail "hairpin_filtered_drops did not count the filtered packets"
	else
		[ "$now" = "$filtered" ] || fail "hairpin_filtered_drops counted $((now - filtered)) under endpoint-independent filtering"
	fi
	ok "hairpin, UDP and TCP, one and two hosts, $mode filtering"
done

step "a datagram to the WAN and, at once, one to its own mapping: the second comes back (same burst)"
out=$(lab_exec "$LAB" lan "$PY" -c 'import socket
got = 0
for i in range(10):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("192.168.1.10", 46100 + i))
    s.settimeout(2)
    s.sendto(b"out", ("203.0.113.1", 7000))
    s.sendto(b"self", ("203.0.113.2", 46100 + i))
    try:
        data, src = s.recvfrom(64)
        got += data == b"self" and src == ("203.0.113.2", 46100 + i)
    except OSError as e:
        print("socket", i, e)
    s.close()
print("received", got)' 2>&1)
echo "$out"
grep -q '^received 10$' <<<"$out" || fail "back-to-back hairpins to the sender's own mapping were lost: $out"
ok "10 of 10 back-to-back hairpins came back from 203.0.113.2, each to its own port"
