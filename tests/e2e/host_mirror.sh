#!/bin/bash
# The kernel route mirror, IPv4, when the kernel drops routes on its own:
# a route the host added through the host interface wan (`ip route add`,
# proto boot, as dhclient-script adds its default route) is mirrored; when
# the port goes down the kernel drops it without a RTM_DELROUTE, and it
# leaves sluice too, never to come back as sluice's own (proto sluice in
# the kernel); a route the host deletes stays deleted.  Routes through
# nexthop objects (FRR's zebra installs them so) leave with their object,
# and a group's route is taken once the group has one path.  The kernel's
# blackholes are mirrored while the router has a host interface, and leave
# sluice with the last one (`link set wan host off`).  A CLI route that
# replaced a mirrored one is the CLI's: the kernel's later change or
# deletion of its own route leaves it.
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

# The kernel drops a nexthop object's routes with it, and changes a
# group's routes with the group, with no route message: only the nexthop
# events (RTNLGRP_NEXTHOP) tell.
step "a route through a nexthop object (as zebra installs) leaves with the object"
rt ip nexthop add id 71 via 203.0.113.1 dev wan || fail "ip nexthop add id 71"
rt ip route add 10.80.0.0/16 nhid 71 proto zebra || fail "ip route add 10.80.0.0/16 nhid 71"
lab_wait 5 "10.80.0.0/16 in sluice" has 10.80.0.0/16 || fail "not mirrored: $(routes)"
routes 10.80.0.0/16 | grep -q "via 203\.0\.113\.1 dev wan proto zebra" ||
	fail "mirrored as: $(routes 10.80.0.0/16)"
rt ip nexthop del id 71 || fail "ip nexthop del id 71"
[ -z "$(rt ip route show 10.80.0.0/16)" ] || fail "the kernel kept it: $(rt ip route show 10.80.0.0/16)"
lab_wait 5 "10.80.0.0/16 gone from sluice" hasnt 10.80.0.0/16 ||
	fail "sluice kept the route of a deleted nexthop: $(routes 10.80.0.0/16)"
ok "mirrored, and gone with its nexthop"

step "a route through a blackhole nexthop leaves with the object"
rt ip nexthop add id 72 blackhole || fail "ip nexthop add id 72 blackhole"
rt ip route add 10.81.0.0/16 nhid 72 proto zebra || fail "ip route add 10.81.0.0/16 nhid 72"
lab_wait 5 "10.81.0.0/16 in sluice" has 10.81.0.0/16 || fail "not mirrored: $(routes)"
routes 10.81.0.0/16 | grep -q "blackhole" || fail "mirrored as: $(routes 10.81.0.0/16)"
rt ip nexthop del id 72 || fail "ip nexthop del id 72"
lab_wait 5 "10.81.0.0/16 gone from sluice" hasnt 10.81.0.0/16 ||
	fail "sluice kept the blackhole of a deleted nexthop: $(routes 10.81.0.0/16)"
ok "mirrored, and gone with its nexthop"

step "a two-path group shrinking to one path: its route is taken then"
rt ip nexthop add id 73 via 203.0.113.1 dev wan || fail "ip nexthop add id 73"
rt ip nexthop add id 74 via 203.0.113.9 dev wan || fail "ip nexthop add id 74"
rt ip nexthop add id 75 group 73/74 || fail "ip nexthop add id 75 group 73/74"
rt ip route add 10.82.0.0/16 nhid 75 proto zebra || fail "ip route add 10.82.0.0/16 nhid 75"
sleep 2
hasnt 10.82.0.0/16 || fail "a multipath route was mirrored: $(routes 10.82.0.0/16)"
rt ip nexthop del id 74 || fail "ip nexthop del id 74"
lab_wait 5 "10.82.0.0/16 in sluice" has 10.82.0.0/16 ||
	fail "the route left with one path was not mirrored: $(rt ip route show 10.82.0.0/16)"
routes 10.82.0.0/16 | grep -q "via 203\.0\.113\.1 dev wan proto zebra" ||
	fail "mirrored as: $(routes 10.82.0.0/16)"
rt ip nexthop del id 75 || fail "ip nexthop del id 75"
rt ip nexthop del id 73 || fail "ip nexthop del id 73"
lab_wait 5 "10.82.0.0/16 gone from sluice" hasnt 10.82.0.0/16 ||
	fail "still in sluice: $(routes 10.82.0.0/16)"
ok "taken with one path, gone with the group"

step "a CLI route that replaced a mirrored one keeps its key: the kernel's next change and its deletion leave it, and then the kernel gets it"
rt ip route add 10.78.0.0/16 via 203.0.113.1 || fail "ip route add 10.78.0.0/16"
lab_wait 5 "10.78.0.0/16 in sluice" has 10.78.0.0/16 || fail "not mirrored: $(routes)"
cli route replace 10.78.0.0/16 via 203.0.113.1 dev wan || fail "route replace 10.78.0.0/16"
routes 10.78.0.0/16 | grep -q "proto static" || fail "the CLI route is not there: $(routes 10.78.0.0/16)"
sleep 2		# the mirror's poll of the dataplane (1 s) sees the CLI's route
rt ip route replace 10.78.0.0/16 via 203.0.113.1 proto 186 || fail "ip route replace 10.78.0.0/16"
sleep 2
routes 10.78.0.0/16 | grep -q "proto static" ||
	fail "the kernel's change took the CLI's route: $(routes 10.78.0.0/16)"
rt ip route del 10.78.0.0/16 || fail "ip route del 10.78.0.0/16"
sleep 2
routes 10.78.0.0/16 | grep -q "proto static" ||
	fail "the kernel's deletion took the CLI's route: $(routes 10.78.0.0/16)"
in_kernel_as_sluice() { rt ip route show 10.78.0.0/16 | grep -q "proto sluice"; }
lab_wait 5 "the CLI's route in the kernel" in_kernel_as_sluice ||
	fail "the kernel did not get the CLI's route once its own went: $(rt ip route show 10.78.0.0/16)"
cli route del 10.78.0.0/16 || fail "route del 10.78.0.0/16"
ok "the CLI's route stayed, and went to the kernel as proto sluice"

step "a CLI route that replaced a mirrored one, deleted: the kernel's route, still there, takes the key back"
rt ip route add 10.79.0.0/16 via 203.0.113.1 || fail "ip route add 10.79.0.0/16"
lab_wait 5 "10.79.0.0/16 in sluice" has 10.79.0.0/16 || fail "not mirrored: $(routes)"
cli route replace 10.79.0.0/16 via 203.0.113.1 dev wan || fail "route replace 10.79.0.0/16"
sleep 2
cli route del 10.79.0.0/16 || fail "route del 10.79.0.0/16"
kernel_route_back() { routes 10.79.0.0/16 | grep -q "proto boot"; }
lab_wait 5 "the kernel's 10.79.0.0/16 back in sluice" kernel_route_back ||
	fail "the kernel's route did not come back: $(routes 10.79.0.0/16)"
rt ip route del 10.79.0.0/16 || fail "ip route del 10.79.0.0/16"
lab_wait 5 "10.79.0.0/16 gone from sluice" hasnt 10.79.0.0/16 || fail "still in sluice: $(routes 10.79.0.0/16)"
ok "mirrored again, then gone with the kernel's"

step "a kernel route shadowed by the CLI's at its key is logged once, not at every resync"
log=$(lab_state "$LAB")/sluiced.log
cli route add 10.90.0.0/16 via 203.0.113.1 dev wan || fail "route add 10.90.0.0/16"
in_kernel_90() { rt ip route show 10.90.0.0/16 | grep -q "proto sluice"; }
lab_wait 5 "the CLI's 10.90.0.0/16 in the kernel" in_kernel_90 || fail "not in the kernel: $(rt ip route show 10.90.0.0/16)"
rt ip route replace 10.90.0.0/16 via 203.0.113.1 proto 186 || fail "ip route replace 10.90.0.0/16"
shadow_logged() { grep -c "^mirror: route 10\.90\.0\.0/16.*File exists" "$log"; }
kernel_refused() { grep -c "^kernel: route 10\.90\.0\.0/16.*File exists" "$log"; }
lab_wait 5 "the shadowed route logged" shadow_logged || fail "the shadowed route was not logged"
for i in 1 2; do
	resyncs=$(grep -c "mirror: resynced" "$log")
	rt ip link add "sm$i$$" type veth peer name "sn$i$$" && rt ip link del "sm$i$$"
	more_resyncs() { [ "$(grep -c "mirror: resynced" "$log")" -gt "$resyncs" ]; }
	lab_wait 10 "a resync after a link event" more_resyncs || fail "no resync after a link event"
done
routes 10.90.0.0/16 | grep -q "proto static" || fail "the CLI's route went: $(routes 10.90.0.0/16)"
[ "$(shadow_logged)" = 1 ] || fail "logged $(shadow_logged) times: $(grep "10\.90\.0\.0/16" "$log")"
[ "$(kernel_refused)" -le 1 ] || fail "the kernel's refusal logged $(kernel_refused) times: $(grep "10\.90\.0\.0/16" "$log")"
cli route del 10.90.0.0/16 || fail "route del 10.90.0.0/16"
rt ip route del 10.90.0.0/16 || fail "ip route del 10.90.0.0/16"
lab_wait 5 "10.90.0.0/16 gone from sluice" hasnt 10.90.0.0/16 || fail "still in sluice: $(routes 10.90.0.0/16)"
ok "logged once over two resyncs: $(grep "10\.90\.0\.0/16.*File exists" "$log")"

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
