#!/bin/bash
# link show reports the port's real carrier (issue 9.6): with the LAN
# host's end of the veth down, port lan has no carrier, as ip prints it
# (<NO-CARRIER,BROADCAST,MULTICAST,UP> ... state DOWN, and in JSON); with
# it up again, LOWER_UP and state UP.  On af_xdp (the lab's default) and
# af_packet ports, whose PMDs report link up whatever the interface does.
# Routes through a port without carrier are shown linkdown, as ip shows
# the kernel's.
. "$(dirname "$0")/lib.sh"

check() {		# KIND
	local kind=$1 out j
	e2e_up "carr${kind:0:1}" "$kind"

	step "[$kind] carrier on: LOWER_UP, state UP"
	out=$(cli link show lan) || fail "link show lan failed"
	echo "$out" | head -1
	grep -q '^1: lan: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP$' <<<"$out" ||
		fail "lan with carrier: $(head -1 <<<"$out")"

	step "[$kind] the LAN host's eth0 goes down: no carrier"
	lan ip link set eth0 down || fail "ip link set eth0 down"
	nocarrier() { cli link show lan | grep -q '^1: lan: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN$'; }
	lab_wait 5 "NO-CARRIER on lan" nocarrier || fail "lan without carrier: $(cli link show lan | head -1)"
	cli link show lan | head -1
	j=$(cli -j link show lan | json '[d[0]["flags"], d[0]["operstate"]]')
	[ "$j" = '[["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"], "DOWN"]' ] || fail "JSON: $j"
	ok "NO-CARRIER, state DOWN; JSON $j"
	# wan is not affected.
	cli link show wan | grep -q 'UP,LOWER_UP> .* state UP$' || fail "wan lost its carrier too"
	# Routes through lan are marked as the kernel marks them, and kept.
	out=$(cli route show) || fail "route show failed"
	echo "$out"
	grep -q '^192\.168\.1\.0/24 dev lan .* linkdown$' <<<"$out" ||
		fail "the connected route through lan is not marked linkdown"
	grep 'dev wan' <<<"$out" | grep -q linkdown && fail "a route through wan is marked linkdown"
	j=$(cli -j route show 192.168.1.0/24 | json 'd[0]["flags"]')
	[ "$j" = '["linkdown"]' ] || fail "JSON flags of 192.168.1.0/24: $j"
	ok "192.168.1.0/24 linkdown, in JSON $j; wan's routes not"

	step "[$kind] eth0 up again: LOWER_UP"
	lan ip link set eth0 up || fail "ip link set eth0 up"
	# Down took the host's routes through eth0 with it.
	lan ip route replace default via 192.168.1.1 || fail "the LAN host's default route"
	carrier() { cli link show lan | grep -q '^1: lan: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP$'; }
	lab_wait 5 "LOWER_UP on lan" carrier || fail "lan after eth0 up: $(cli link show lan | head -1)"
	j=$(cli -j link show lan | json '[d[0]["flags"], d[0]["operstate"]]')
	[ "$j" = '[["BROADCAST", "MULTICAST", "UP", "LOWER_UP"], "UP"]' ] || fail "JSON: $j"
	ping_ok lan 3 203.0.113.1 || fail "no forwarding after the carrier came back"
	cli route show | grep -q linkdown && fail "a route is still linkdown: $(cli route show)"
	ok "LOWER_UP, state UP, forwarding again, no route linkdown"

	lab_down "$LAB"
	rm -rf "$E2E_TMP"
	LAB="" E2E_TMP=""
}

check xdp
check packet
