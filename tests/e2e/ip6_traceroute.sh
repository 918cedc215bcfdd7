#!/bin/bash
# IPv6: traceroute -6 from the LAN host finds the router's LAN address as
# its first hop (hop limit exceeded, sent from the address of the port the
# probe came in on) and the WAN host as the second; UDP probes end with
# the WAN host's port unreachable, ICMPv6 ones with its echo reply.
. "$(dirname "$0")/lib.sh"
e2e_up ip6tr "" ip6

for mode in udp icmp; do
	flag=""
	[ "$mode" = icmp ] && flag=-I
	step "traceroute -6 ($mode probes) from the LAN host to 2001:db8:99::1"
	out=$(lan traceroute -6 -n $flag -q 1 -w 2 -m 5 2001:db8:99::1 2>&1)
	echo "$out"
	hop1=$(awk '$1 == 1 { print $2 }' <<<"$out")
	hop2=$(awk '$1 == 2 { print $2 }' <<<"$out")
	[ "$hop1" = 2001:db8:1::1 ] || fail "$mode: first hop is '$hop1', expected the router 2001:db8:1::1"
	[ "$hop2" = 2001:db8:99::1 ] || fail "$mode: second hop is '$hop2', expected the destination"
	ok "$mode: hop 1 2001:db8:1::1, hop 2 2001:db8:99::1"
done

step "the router counted the expired hop limits"
n=$(stat_value '^ip6_hop_limit_exceeded$') || fail "sluice -j stats failed"
[ "$n" -ge 2 ] || fail "ip6_hop_limit_exceeded is $n, expected >= 2 (one per probe of hop 1)"
ok "ip6_hop_limit_exceeded: $n"
