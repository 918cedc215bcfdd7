#!/bin/bash
# IPv6 router advertisements: `sluice link set lan ra on` makes the router
# advertise; a LAN host with accept_ra=2 and no static address or route
# autoconfigures an address in 2001:db8:1::/64 (SLAAC) and a default route
# via the router's link-local address, and reaches the WAN with them.
# `ra off` stops the answers to its solicitations.
. "$(dirname "$0")/lib.sh"
e2e_up ip6ra "" ip6

step "the LAN host forgets its static IPv6 address and route; accept_ra=2, autoconf"
lan_await_ra

step "sluice link set lan ra on"
cli link set lan ra on || fail "link set lan ra on failed"
cli link show lan | grep -q "state UP ra on" || { cli link show lan; fail "link show lan does not say ra on"; }
[ "$(cli -j link show lan | json 'd[0]["ra"]')" = True ] || fail "link show -j: ra is not true"
[ "$(cli -j link show wan | json 'd[0]["ra"]')" = False ] || fail "link show -j: wan's ra is not false"
ll=$(cli -j addr show dev lan | json '[a["local"] for a in d[0]["addr_info"] if a["scope"] == "link"][0]')

step "the LAN host solicits (its link goes down and up) and configures itself"
lan_slaac "$ll" "a SLAAC address and a default route from the RA" ||
	fail "the LAN host did not autoconfigure from the router's advertisements"
addr=$SLAAC_ADDR
lan ip -6 addr show dev eth0
lan ip -6 route show default
ok "address $addr, default route via $ll (proto ra)"

step "the autoconfigured host reaches the WAN host"
out=$(lan ping -6 -n -c 5 -i 0.2 -W 2 2001:db8:2::1 2>&1)
echo "$out"
grep -q " 5 received" <<<"$out" || fail "the autoconfigured host cannot reach 2001:db8:2::1"
lab_wait 5 "the router's neighbour entry for $addr" \
	sh -c "'$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' -6 neigh show | grep -q '^$addr dev lan'" ||
	fail "the router has no neighbour entry for the SLAAC address $addr"
ok "5 of 5 echo replies from the WAN host via the advertised router"

step "ra off: a solicitation gets no answer"
cli link set lan ra off || fail "link set lan ra off failed"
[ "$(cli -j link show lan | json 'd[0]["ra"]')" = False ] || fail "link show -j: ra is still true"
lan ip link set eth0 down
lan ip link set eth0 up
sleep 5
lan ip -6 route show default | grep -q "proto ra" && fail "a default route from an RA came back with ra off"
ok "no advertisement answered the solicitations"
