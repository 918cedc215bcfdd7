#!/bin/bash
# Forwarding: a packet whose TTL runs out at the router gets ICMP Time
# Exceeded from the router's address on the ingress port.
. "$(dirname "$0")/lib.sh"
e2e_up fttl

step "LAN host pings 203.0.113.1 with TTL 1"
out=$(lan ping -n -c 1 -t 1 -W 2 203.0.113.1 2>&1)
echo "$out"
grep -q "From 192.168.1.1 .*Time to live exceeded" <<<"$out" ||
	fail "no Time Exceeded from 192.168.1.1"
step "with TTL 2 the same ping arrives"
lan ping -n -c 1 -t 2 -W 2 203.0.113.1 >/dev/null || fail "TTL 2 did not reach 203.0.113.1"
ok "TTL 1 expires at the router, TTL 2 crosses it"
