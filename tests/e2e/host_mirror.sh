#!/bin/bash
# The kernel route mirror, IPv4, when the kernel drops routes on its own:
# a route the host added through the host interface wan (`ip route add`,
# proto boot, as dhclient-script adds its default route) is mirrored; when
# the port goes down the kernel drops it without a RTM_DELROUTE, and it
# leaves sluice too, never to come back as sluice's own (proto sluice in
# the kernel); a route the host deletes stays deleted.  The kernel's
# blackholes are mirrored while the router has a host interface, and leave
# sluice with the last one (`link set wan host off`).
. "$(dirname "$0")/host_lib.sh"
host_up hmirr

sl() { "$SLUICE_BUILD/control/sluice" -s "$(lab_sock "$LAB")" route show "$@"; }
has() { [ -n "$(sl "$1")" ]; }
hasnt() { [ -z "$(sl "$1")" ]; }

step "a route the host adds through wan is mirrored, proto boot"
rt ip route add 10.77.0.0/16 via 203.0.113.1 || fail "ip route add 10.77.0.0/16"
lab_wait 5 "10.77.0.0/16 in sluice" has 10.77.0.0/16 || fail "not mirrored: $(routes)"
routes 10.77.0.0/16 | grep -q "via 203\.0\.113\.1 dev wan proto boot" || fail "mirrored as: $(routes 10.77.0.0/16)"
ok "$(routes 10.77.0.0/16)"

step "wan down: the kernel drops it, and so does sluice; wan up: it stays gone"
cli link set wan down || fail "link set wan down"
lab_wait 5 "10.77.0.0/16 gone from sluice" hasnt 10.77.0.0/16 ||
	fail "sluice kept the route the kernel dropped: $(routes 10.77.0.0/16)"
cli link set wan up || fail "link set wan up"
sleep 2
[ -z "$(rt ip route show 10.77.0.0/16)" ] ||
	fail "the kernel got the dropped route back: $(rt ip route show 10.77.0.0/16)"
hasnt 10.77.0.0/16 || fail "sluice has it again: $(routes 10.77.0.0/16)"
ok "gone from both"

step "a route the host deletes stays deleted"
rt ip route add 10.77.0.0/16 via 203.0.113.1 || fail "ip route add 10.77.0.0/16 (again)"
lab_wait 5 "10.77.0.0/16 in sluice" has 10.77.0.0/16 || fail "not mirrored again: $(routes)"
rt ip route del 10.77.0.0/16 || fail "ip route del 10.77.0.0/16"
lab_wait 5 "10.77.0.0/16 gone from sluice" hasnt 10.77.0.0/16 || fail "still in sluice: $(routes 10.77.0.0/16)"
sleep 2
[ -z "$(rt ip route show 10.77.0.0/16)" ] || fail "the deleted route came back: $(rt ip route show 10.77.0.0/16)"
ok "deleted"

step "the kernel's blackhole is mirrored while wan is a host interface, not after"
rt ip route add blackhole 10.88.0.0/16 || fail "ip route add blackhole"
lab_wait 5 "the blackhole in sluice" has 10.88.0.0/16 || fail "not mirrored: $(routes)"
cli link set wan host off || fail "link set wan host off"
lab_wait 5 "the blackhole gone from sluice" hasnt 10.88.0.0/16 ||
	fail "the blackhole outlived the last host interface: $(routes 10.88.0.0/16)"
rt ip route show 10.88.0.0/16 | grep -q blackhole || fail "the host's own blackhole went"
sleep 2
hasnt 10.88.0.0/16 || fail "the blackhole came back without a host interface"
ok "mirrored, then left alone"
