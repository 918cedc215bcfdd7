#!/bin/bash
# NAT (RFC 4787 REQ-1 per outside address): a second uplink, wan2
# (192.0.2.1/24, its host 192.0.2.2), with its own masquerade rule.  One
# inside UDP endpoint talks to a host behind each uplink: each host sees
# the endpoint from its own uplink's address, the port kept, and answers
# it.  Before, the second uplink's flows took the first uplink's mapping,
# address included, and its host's answer went nowhere.
. "$(dirname "$0")/lib.sh"
e2e_up nupl
W2=$LAB-wan2
wan2() { ip netns exec "$W2" "$@"; }
two_cleanup() {
	local pid
	for pid in $(ip netns pids "$W2" 2>/dev/null); do lab_kill_pid "$pid"; done
	ip netns del "$W2" 2>/dev/null
	rm -rf "/etc/netns/$W2"
	e2e_cleanup
}
trap two_cleanup EXIT

step "namespace $W2 on a veth $LAB-r2 of the router's; [port wan2] and its masquerade; SIGHUP"
ip netns add "$W2" || fail "no namespace $W2"
mkdir -p "/etc/netns/$W2" && echo "nameserver 127.0.0.1" >"/etc/netns/$W2/resolv.conf"
wan2 ip link set lo up
ip link add "$LAB-r2" netns "$(lab_ns "$LAB" rt)" type veth peer name eth0 netns "$W2" ||
	fail "no veth $LAB-r2"
rt ethtool -K "$LAB-r2" tx off tso off gso off gro off >/dev/null
wan2 ethtool -K eth0 tx off tso off gso off gro off >/dev/null
rt ip link set "$LAB-r2" up
wan2 ip addr add 192.0.2.2/24 dev eth0
wan2 ip link set eth0 up
conf=$(lab_conf "$LAB")
# wan's device line, for the lab's port kind, on the new veth.
dev=$(awk '/^\[port wan\]/ { w = 1 } w && /^device = / { print; exit }' "$conf")
dev=$(sed -e 's|^device = ||' -e 's|^\(net_[a-z_]*\)[0-9]*|\12|' -e "s|iface=$LAB-rw|iface=$LAB-r2|" <<<"$dev")
printf '\n[port wan2]\ndevice = %s\naddress = 192.0.2.1/24\n' "$dev" >>"$conf"
sed -i '/^rule = masquerade out wan$/a rule = masquerade out wan2' "$conf"
grep -A2 '^\[port wan2\]' "$conf"
kill -HUP "$(lab_pid "$LAB" sluiced)" || fail "sluiced is not running"
applied() { cli nat rule show | grep -q "masquerade out wan2" && cli addr show | grep -q "192\.0\.2\.1/24"; }
lab_wait 10 "wan2 and its rule" applied || fail "wan2 or its rule was not made within 10 s"
ping_ok lan 3 192.0.2.2 || fail "the LAN host cannot reach 192.0.2.2 through wan2"
ok "wan2 forwards"

step "UDP servers on 203.0.113.1:7000 (wan) and 192.0.2.2:7000 (wan2) log the source they see and answer"
cat >"$E2E_TMP/server.py" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 7000))
log = open(sys.argv[2], "a", buffering=1)
while True:
    data, peer = s.recvfrom(2048)
    log.write("%s %s:%d\n" % (sys.argv[1], peer[0], peer[1]))
    s.sendto(b"reply from " + sys.argv[1].encode(), peer)
PYEOF
wan "$PY" -u "$E2E_TMP/server.py" 203.0.113.1 "$E2E_TMP/seen.log" >/dev/null 2>&1 &
wan2 "$PY" -u "$E2E_TMP/server.py" 192.0.2.2 "$E2E_TMP/seen.log" >/dev/null 2>&1 &
up() { [ "$(wan ss -Hlun 'sport = :7000' | wc -l)" -ge 1 ] && [ "$(wan2 ss -Hlun 'sport = :7000' | wc -l)" -ge 1 ]; }
lab_wait 10 "the UDP servers" up || fail "the UDP servers did not start"

step "the LAN host sends from 192.168.1.10:40600 to both, twice"
lan "$PY" - >"$E2E_TMP/client.log" 2>&1 <<'PYEOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.1.10", 40600))
s.settimeout(2)
for dst in ("203.0.113.1", "192.0.2.2", "203.0.113.1", "192.0.2.2"):
    s.sendto(b"hello", (dst, 7000))
    try:
        data, peer = s.recvfrom(2048)
        print("reply", peer[0], data.decode(), flush=True)
    except socket.timeout:
        print("noreply", dst, flush=True)
PYEOF
cat "$E2E_TMP/client.log"
echo "seen by the servers:"
cat "$E2E_TMP/seen.log"
[ "$(grep -c '^reply 203\.0\.113\.1 ' "$E2E_TMP/client.log")" = 2 ] || fail "203.0.113.1 did not answer both"
[ "$(grep -c '^reply 192\.0\.2\.2 ' "$E2E_TMP/client.log")" = 2 ] || fail "192.0.2.2 (behind wan2) did not answer both"
m1=$(awk '$1 == "203.0.113.1" { print $2 }' "$E2E_TMP/seen.log" | sort -u)
m2=$(awk '$1 == "192.0.2.2" { print $2 }' "$E2E_TMP/seen.log" | sort -u)
[ "$m1" = 203.0.113.2:40600 ] || fail "the wan host saw '$m1', expected 203.0.113.2:40600"
[ "$m2" = 192.0.2.1:40600 ] || fail "the wan2 host saw '$m2', expected 192.0.2.1:40600 (wan2's own address)"
ok "one mapping per uplink: $m1 on wan, $m2 on wan2, both answered"
