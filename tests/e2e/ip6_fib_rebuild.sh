#!/bin/bash
# The IPv6 FIB rebuilt under the lab's own sizing (-m 512, no --max-routes):
# DPDK 22.11's trie keeps the groups it reserved for deleted prefixes, so
# /64s added and deleted in batches fill it after some 3000 adds; the
# dataplane must then rebuild it (main.c keeps room for a second IPv6 FIB
# when it sizes the IPv4 one) and take every route, and forwarding through
# a route added after the rebuilds must work.
. "$(dirname "$0")/lib.sh"
e2e_up fibrb "" ip6
log=$(lab_state "$LAB")/dataplane.log

lan ping -6 -n -c 2 -i 0.2 -W 2 2001:db8:2::1 >/dev/null || fail "no IPv6 path at start"
grep -q "room for 5120 IPv6 routes" "$log" || fail "the IPv6 FIB is not the default 5120 routes"

step "8 rounds of 500 /64s added then deleted (4000 adds for a 5120-route FIB)"
for r in $(seq 0 7); do
	awk -v r=$((0x4000 + r)) 'BEGIN { for (i = 0; i < 500; i++)
		printf "route add 2001:db8:%x:%x::/64 via 2001:db8:2::1\n", r, i }' >"$E2E_TMP/add"
	sed 's/^route add \([^ ]*\) .*/route del \1/' "$E2E_TMP/add" >"$E2E_TMP/del"
	cli -b "$E2E_TMP/add" 2>"$E2E_TMP/err" || { cat "$E2E_TMP/err"; fail "round $r: adds refused"; }
	n=$(cli -6 route show | grep -c "^2001:db8:$(printf %x $((0x4000 + r))):")
	[ "$n" = 500 ] || fail "round $r: $n of 500 /64s in the table"
	cli -b "$E2E_TMP/del" 2>"$E2E_TMP/err" || { cat "$E2E_TMP/err"; fail "round $r: deletes failed"; }
done
grep "IPv6 FIB" "$log"
grep -q "IPv6 FIB rebuilt" "$log" || fail "no rebuild logged: the churn did not reach the trie's limit"
grep -q "IPv6 FIB full" "$log" && fail "a rebuild failed (no memory for a second FIB?)"
ok "every add taken, $(grep -c 'IPv6 FIB rebuilt' "$log") rebuild(s) logged, none failed"

step "forwarding by a route added after the rebuilds"
cli route add 2001:db8:4444::/48 via 2001:db8:2::1 || fail "route add after the rebuilds failed"
wan ip -6 addr add 2001:db8:4444::1/128 dev eth0 nodad || fail "could not give the WAN host 2001:db8:4444::1"
lan ping -6 -n -c 3 -i 0.2 -W 2 2001:db8:4444::1 >/dev/null || fail "no ping through the /48 after the rebuilds"
ok "ping through a /48 added after the rebuilds"
