#!/bin/bash
# Forwarding: traceroute from the LAN host finds the router as its first hop
# and reaches the WAN host as the second (UDP probes: the WAN host's port
# unreachable crosses the NAT back; ICMP probes: echo through the NAT).
. "$(dirname "$0")/lib.sh"
e2e_up ftrac

for mode in udp icmp; do
	flag=""
	[ "$mode" = icmp ] && flag=-I
	step "traceroute ($mode probes) from the LAN host to 203.0.113.1"
	out=$(lan traceroute -n $flag -q 1 -w 2 -m 5 203.0.113.1 2>&1)
	echo "$out"
	hop1=$(awk '$1 == 1 { print $2 }' <<<"$out")
	hop2=$(awk '$1 == 2 { print $2 }' <<<"$out")
	[ "$hop1" = 192.168.1.1 ] || fail "$mode: first hop is '$hop1', expected the router 192.168.1.1"
	[ "$hop2" = 203.0.113.1 ] || fail "$mode: second hop is '$hop2', expected the destination 203.0.113.1"
	ok "$mode: hop 1 192.168.1.1, hop 2 203.0.113.1"
done
