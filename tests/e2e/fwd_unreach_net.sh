#!/bin/bash
# Forwarding: with the default route deleted, a packet to an address no
# route covers gets ICMP Net Unreachable from the router.
. "$(dirname "$0")/lib.sh"
e2e_up fnet

step "198.51.100.1 (beyond the default route) answers"
ping_ok lan 2 198.51.100.1 || fail "198.51.100.1 unreachable before the change"
step "sluice route del default"
cli route del default via 203.0.113.1 || fail "route del default failed"
out=$(lan ping -n -c 1 -W 2 198.51.100.1 2>&1)
echo "$out"
grep -q "From 192.168.1.1 .*Destination Net Unreachable" <<<"$out" ||
	fail "no Net Unreachable from 192.168.1.1 without a default route"
step "the connected WAN network still works"
ping_ok lan 2 203.0.113.1 || fail "203.0.113.1 lost with the default route"
step "sluice route add default via 203.0.113.1 brings 198.51.100.1 back"
cli route add default via 203.0.113.1 || fail "route add default failed"
ping_ok lan 2 198.51.100.1 || fail "198.51.100.1 not back with the default route"
ok "net unreachable without a route, back with it"
