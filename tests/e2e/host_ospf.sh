#!/bin/bash
# Host daemons: BIRD's OSPF in the router namespace and in the WAN namespace
# form an adjacency across the host interface wan (hellos to 224.0.0.5,
# IP protocol 89, through sluice's port), it reaches Full, and a prefix the
# WAN side originates is mirrored into sluice with BIRD's protocol and
# forwarded.  The config has no default route: only OSPF's route reaches it.
. "$(dirname "$0")/host_lib.sh"
host_up hospf '/^route = default/d'

# The WAN side originates 10.77.0.0/24 (an external route) and owns 10.77.0.1.
wan ip addr add 10.77.0.1/32 dev eth0 || fail "wan address"
cat >"$E2E_TMP/owan.conf" <<CONF
router id 203.0.113.1;
log "$E2E_TMP/owan.blog" all;
protocol device { }
protocol static orig {
	ipv4;
	route 10.77.0.0/24 blackhole;
}
protocol ospf v2 ospf1 {
	ipv4 { import none; export where proto = "orig"; };
	area 0 { interface "eth0" { type broadcast; hello 1; dead 4; }; };
}
CONF
cat >"$E2E_TMP/ort.conf" <<CONF
router id 203.0.113.2;
log "$E2E_TMP/ort.blog" all;
protocol device { scan time 2; }
protocol kernel {
	ipv4 { import none; export where source = RTS_OSPF_EXT2 || source = RTS_OSPF_EXT1; };
}
protocol ospf v2 ospf1 {
	ipv4 { import all; export none; };
	area 0 { interface "wan" { type broadcast; hello 1; dead 4; }; };
}
CONF

step "no route to 10.77.0.1 before OSPF"
lan ping -n -c 1 -W 1 10.77.0.1 >/dev/null 2>&1 && fail "10.77.0.1 answered before any route"

step "BIRD OSPF on both sides"
bird_start ort rt
bird_start owan wan
lab_wait 90 "OSPF neighbour Full" sh -c "birdc -s '$E2E_TMP/ort.ctl' show ospf neighbors | grep -q 'Full/'" ||
	{ birdc_ ort show ospf neighbors; birdc_ ort show ospf interface; fail "no Full adjacency"; }
birdc_ ort show ospf neighbors | grep 'Full/'
ok "OSPF adjacency Full across the host interface"

step "the WAN side's prefix in sluice with its protocol"
lab_wait 30 "10.77.0.0/24 in sluice" sh -c "'$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' route show proto bird | grep -q '^10.77.0.0/24 via 203.0.113.1 dev wan proto bird'" ||
	{ rt ip route; routes; fail "10.77.0.0/24 is not in sluice"; }
routes proto bird
ok "10.77.0.0/24 via 203.0.113.1 dev wan proto bird"

step "forwarded"
ping_ok lan 3 10.77.0.1 || fail "no ping to 10.77.0.1 through the OSPF route"
ok "LAN reaches 10.77.0.1 through sluice"
