#!/bin/bash
# Forwarding: a next hop that never answers ARP gives ICMP Host Unreachable
# from the router (after its ARP retries), and a counted ARP timeout.
. "$(dirname "$0")/lib.sh"
e2e_up fhost

step "LAN host pings 203.0.113.99 (on the WAN network, nobody there)"
out=$(lan ping -n -c 1 -w 15 203.0.113.99 2>&1)
echo "$out"
grep -q "From 192.168.1.1 .*Destination Host Unreachable" <<<"$out" ||
	fail "no Host Unreachable from 192.168.1.1 for a dead neighbour"
step "the live WAN host still answers"
ping_ok lan 2 203.0.113.1 || fail "203.0.113.1 lost"
ok "host unreachable for a dead neighbour"
