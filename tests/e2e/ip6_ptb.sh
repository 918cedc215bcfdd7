#!/bin/bash
# IPv6: with the WAN link's MTU at 1400, a packet too big for it is never
# fragmented by the router (RFC 8200: routers do not fragment): the sender
# gets Packet Too Big carrying 1400, whether or not it would allow
# fragmentation, its PMTU cache learns 1400, and from then on it fragments
# itself, so the same ping gets through; tracepath -6 finds pmtu 1400.
. "$(dirname "$0")/lib.sh"
e2e_up ip6pt xdp ip6

# snmp6 FIELD: a counter of the WAN host's IPv6 stack.
snmp6() { wan cat /proc/net/snmp6 | awk -v f="$1" '$1 == f { print $2 }'; }

step "sluice link set wan mtu 1400 (and the WAN host's end of the link)"
cli link set wan mtu 1400 || fail "link set wan mtu 1400 failed"
wan ip link set eth0 mtu 1400

step "a 1500-byte ping -6 (-M dont: fragmentation allowed) from the LAN host"
r0=$(snmp6 Ip6ReasmOKs)
out=$(lan ping -6 -n -c 1 -M dont -s 1452 -W 2 2001:db8:2::1 2>&1)
echo "$out"
grep -q "From 2001:db8:1::1 .*Packet too big: mtu=1400" <<<"$out" ||
	fail "no Packet Too Big with mtu 1400 from 2001:db8:1::1"
[ "$(snmp6 Ip6ReasmOKs)" = "$r0" ] || fail "the WAN host reassembled something: the router fragmented"
pmtu=$(lan ip -6 route get 2001:db8:2::1)
echo "LAN host: $pmtu"
grep -q "mtu 1400" <<<"$pmtu" || fail "the LAN host's PMTU cache did not learn 1400"
n=$(stat_value '^ip6_packet_too_big$')
[ "$n" = 1 ] || fail "ip6_packet_too_big is $n, expected 1"
ok "Packet Too Big mtu=1400 from the router, nothing fragmented, PMTU 1400 cached, counted once"

step "the same ping again: the LAN host fragments it to 1400, it gets through"
out=$(lan ping -6 -n -c 3 -i 0.3 -s 1452 -W 2 2001:db8:2::1 2>&1)
echo "$out"
grep -q " 3 received" <<<"$out" || fail "big pings did not get through after the PMTU was learned"
r1=$(snmp6 Ip6ReasmOKs)
[ "$((r1 - r0))" -ge 3 ] || fail "the WAN host reassembled $((r1 - r0)) datagrams, expected >= 3 (fragmented by the LAN host)"
ok "3 of 3 answered, $((r1 - r0)) reassembled by the WAN host"

step "tracepath -6 from the LAN host to 2001:db8:99::1 finds pmtu 1400"
lan ip -6 route flush cache >/dev/null 2>&1
out=$(lan timeout 30 tracepath -6 -n -m 5 2001:db8:99::1 2>&1)
echo "$out"
grep -q "Resume: pmtu 1400" <<<"$out" || fail "tracepath -6 did not find pmtu 1400"
ok "tracepath -6: pmtu 1400"

step "a ping to the router's own WAN address is not too big (it is delivered, not forwarded)"
out=$(lan ping -6 -n -c 1 -s 1452 -W 2 2001:db8:2::2 2>&1)
echo "$out"
grep -q " 1 received" <<<"$out" || fail "a big echo to the router's WAN address got no reply"
ok "the router answers big echoes on any of its addresses"
