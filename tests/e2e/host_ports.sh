#!/bin/bash
# Host path: the host's own connections and masqueraded flows never share an
# outside port.  The router namespace's ip_local_port_range is the host's
# (61000-65535), and the NAT never hands those out on wan's address, not
# even to LAN clients whose own source ports are in that range.  Both at
# once: 30 connections from the router's kernel and 60 masqueraded ones
# from the LAN host (30 of them from ports 61000-61029) to one WAN server,
# which must see 90 different ports of 203.0.113.2.
. "$(dirname "$0")/lib.sh"
export SLUICE_LAB_HOST=yes
e2e_up hport

step "the router namespace's ephemeral range"
range=$(rt cat /proc/sys/net/ipv4/ip_local_port_range | tr -s '\t ' ' ')
[ "$range" = "61000 65535" ] || fail "ip_local_port_range is '$range', not '61000 65535'"
ok "$range"

# A server on the WAN host that keeps every connection open and logs
# "TAG PEER PEERPORT" for the first line each sends.
wan "$PY" -u - "$E2E_TMP/conns.log" >/dev/null 2>&1 <<'PYEOF' &
import socket, sys, threading
log = open(sys.argv[1], "a", buffering=1)
lock = threading.Lock()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("203.0.113.1", 9000))
s.listen(256)
keep = []
def serve(c, peer):
    tag = c.makefile().readline().strip()
    with lock:
        log.write("%s %s %d\n" % (tag, peer[0], peer[1]))
while True:
    c, peer = s.accept()
    keep.append(c)
    threading.Thread(target=serve, args=(c, peer), daemon=True).start()
PYEOF
wait_listen wan 9000 || fail "the WAN server did not start"

# clients TAG N [FIRST_PORT]: N connections held open for 60 s.
clients='
import socket, sys, time
tag, n = sys.argv[1], int(sys.argv[2])
first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
keep = []
for i in range(n):
    c = socket.socket()
    if first:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind(("0.0.0.0", first + i))
    c.settimeout(10)
    c.connect(("203.0.113.1", 9000))
    c.sendall(("%s-%d\n" % (tag, i)).encode())
    keep.append(c)
print("connected", n, flush=True)
time.sleep(60)
'
step "30 host connections and 60 masqueraded ones at once"
rt "$PY" -c "$clients" host 30 >"$E2E_TMP/host.out" 2>&1 &
lan "$PY" -c "$clients" lanhi 30 61000 >"$E2E_TMP/lanhi.out" 2>&1 &
lan "$PY" -c "$clients" lan 30 >"$E2E_TMP/lan.out" 2>&1 &
all_in() { [ "$(wc -l <"$E2E_TMP/conns.log")" -ge 90 ]; }
lab_wait 60 "90 connections at the WAN server" all_in ||
	fail "the server saw $(wc -l <"$E2E_TMP/conns.log") connections: $(cat "$E2E_TMP"/*.out)"

awk '$2 != "203.0.113.2" { bad = 1 } END { exit bad }' "$E2E_TMP/conns.log" ||
	fail "a connection came from another address than 203.0.113.2"
n=$(awk '{ print $3 }' "$E2E_TMP/conns.log" | sort -u | wc -l)
[ "$n" = 90 ] || fail "90 connections used only $n outside ports"
awk '$1 ~ /^host-/ && ($3 < 61000 || $3 > 65535) { bad = 1 } END { exit bad }' "$E2E_TMP/conns.log" ||
	fail "a host connection left from a port outside 61000-65535"
awk '$1 ~ /^lan/ && $3 >= 61000 && $3 <= 65535 { bad = 1 } END { exit bad }' "$E2E_TMP/conns.log" ||
	fail "the NAT handed out a port of the host's range: $(awk '$1 ~ /^lan/ && $3 >= 61000' "$E2E_TMP/conns.log")"
sess=$(cli -j nat session show | json '[s["outside_port"] for s in d if s["remote_port"] == 9000]')
nsess=$("$PY" -c 'import json, sys; p = json.loads(sys.argv[1]); print(len(p)); sys.exit(any(61000 <= x <= 65535 for x in p))' "$sess") ||
	fail "a NAT session holds a port of the host's range: $sess"
[ "$nsess" = 60 ] || fail "$nsess NAT sessions to :9000, expected 60"
ok "90 distinct outside ports: host ones in 61000-65535, the NAT's ($nsess sessions) outside it"
