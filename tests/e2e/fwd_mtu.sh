#!/bin/bash
# Forwarding: with the WAN link's MTU at 1400, a DF packet too big for it
# gets Fragmentation Needed carrying 1400 (tracepath finds it), and a non-DF
# one is fragmented by the router and reassembled by the WAN host.  Frames
# over the MTU that the WAN host sends anyway are counted where the
# router's kernel interface refuses them (RX dropped, device_rx_dropped).
. "$(dirname "$0")/lib.sh"
e2e_up fmtu xdp

step "sluice link set wan mtu 1400 (and the WAN host's end of the link)"
cli link set wan mtu 1400 || fail "link set wan mtu 1400 failed"
wan ip link set eth0 mtu 1400
mtu=$(cli -j link show wan | json '[l for l in d if l["ifname"] == "wan"][0]["mtu"]')
[ "$mtu" = 1400 ] || fail "link show says wan mtu $mtu"

step "DF ping of 1500 bytes from the LAN host: Fragmentation Needed, mtu 1400"
out=$(lan ping -n -c 1 -M do -s 1472 -W 2 203.0.113.1 2>&1)
echo "$out"
grep -q "From 192.168.1.1 .*Frag needed and DF set (mtu = 1400)" <<<"$out" ||
	fail "no Fragmentation Needed with MTU 1400 from 192.168.1.1"

step "tracepath from the LAN host to 203.0.113.3 finds pmtu 1400"
out=$(lan timeout 30 tracepath -n -m 5 203.0.113.3 2>&1)
echo "$out"
grep -q "Resume: pmtu 1400" <<<"$out" || fail "tracepath did not find pmtu 1400"

step "non-DF ping of 1478 bytes to 203.0.113.4: fragmented by the router"
r0=$(snmp wan Ip ReasmOKs)
out=$(lan ping -n -c 3 -i 0.3 -W 2 -M dont -s 1450 203.0.113.4 2>&1)
echo "$out"
grep -q " 3 received" <<<"$out" || fail "big non-DF pings did not cross the 1400 link"
r1=$(snmp wan Ip ReasmOKs)
[ "$((r1 - r0))" -ge 3 ] || fail "the WAN host reassembled $((r1 - r0)) datagrams, expected >= 3"
ok "DF: frag needed 1400; non-DF: $((r1 - r0)) datagrams reassembled by the WAN host"

# The router's veth refuses frames over its MTU before af_xdp sees them:
# only its own rx_dropped knows (issue 9: no packet vanishes uncounted).
step "10 frames over wan's MTU from the WAN host: counted in RX dropped and device_rx_dropped"
N=10
wan ip link set eth0 mtu 1500
ping_ok wan 2 203.0.113.2 || fail "no ping from the WAN host to the router"
k0=$(stat_value '^device_rx_dropped$')
d0=$(cli -j link show wan | json '[l for l in d if l["ifname"] == "wan"][0]["stats64"]["rx"]["dropped"]')
# 1450 bytes of UDP: a 1478-byte datagram, a 1492-byte frame.
wan "$PY" - "$N" <<'PYEOF' || fail "the sender failed"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"x" * 1450, ("203.0.113.2", 9))
PYEOF
sleep 1
k1=$(stat_value '^device_rx_dropped$')
d1=$(cli -j link show wan | json '[l for l in d if l["ifname"] == "wan"][0]["stats64"]["rx"]["dropped"]')
[ "$((k1 - k0))" = "$N" ] || fail "device_rx_dropped went from $k0 to $k1 for $N oversized frames"
[ "$((d1 - d0))" = "$N" ] || fail "wan's RX dropped went from $d0 to $d1 for $N oversized frames"
ok "device_rx_dropped and wan's RX dropped both +$N"
