#!/bin/bash
# The kernel route mirror, IPv6: with host interfaces and IPv6 on, a route
# the router namespace's kernel learns through the host interface wan is
# forwarded by sluice.  `ip -6 route add 2001:db8:77::/48 via 2001:db8:2::1
# dev wan` shows in `sluice -6 route show` (proto boot, the kernel's metric)
# and `route get`, and the LAN host reaches 2001:db8:77::1 on the WAN peer;
# `ip -6 route replace` to the peer's link-local address keeps dev wan and
# still forwards; a multipath route leaves sluice (as IPv4's does) and comes
# back when one next hop is deleted; `ip -6 route del` takes it out and
# the pings stop, counted as ip6_no_route.  Sluice's own IPv6 routes through
# wan are in the kernel as proto sluice, never mirrored back; and BIRD's
# IPv6 static route reaches sluice as proto bird.
# The config's IPv6 default route is deleted first: only mirrored routes
# reach 2001:db8:77::/48.
. "$(dirname "$0")/host_lib.sh"
export SLUICE_LAB_HOST=yes
e2e_up hmirs "" ip6

r6() { cli -6 route show "$@"; }
kr6() { rt ip -6 route show "$@"; }

step "sluice's own IPv6 default route is in the kernel as proto sluice, and goes with it"
lab_wait 10 "default via 2001:db8:2::1 dev wan proto sluice in the kernel" \
	sh -c "ip netns exec $LAB-rt ip -6 route show default | grep -q 'via 2001:db8:2::1 dev wan proto sluice metric 1024'" ||
	fail "the router's kernel: $(kr6)"
r6 | grep -q "proto sluice" && fail "sluice mirrored its own route back: $(r6)"
cli -6 route del default via 2001:db8:2::1 || fail "route del default"
# ...and from the file, which a restarted sluiced reconciles.
sed -i '/^route = default via 2001:db8:2::1/d' "$(lab_conf "$LAB")"
lab_wait 5 "sluice's default route gone from the kernel" sh -c "! ip netns exec $LAB-rt ip -6 route show default | grep -q ." ||
	fail "still in the kernel: $(kr6 default)"
ok "installed (metric 1024) and removed with sluice's route"

wan ip -6 addr add 2001:db8:77::1/128 dev eth0 nodad || fail "wan address"
lab_wait 10 "the WAN peer's link-local address" sh -c "ip netns exec $LAB-wan ip -6 addr show dev eth0 scope link | grep -q fe80" ||
	fail "no link-local address on the WAN peer"
wll=$(wan ip -6 addr show dev eth0 scope link | awk '/inet6 fe80/ { sub("/.*", "", $2); print $2; exit }')
step "no route to 2001:db8:77::1 before the kernel has one"
lan ping -6 -n -c 1 -W 1 2001:db8:77::1 >/dev/null 2>&1 && fail "2001:db8:77::1 answered before any route"
ok "unreachable"

step "ip -6 route add 2001:db8:77::/48 via 2001:db8:2::1 dev wan: mirrored, forwarded"
rt ip -6 route add 2001:db8:77::/48 via 2001:db8:2::1 dev wan || fail "ip -6 route add"
want="2001:db8:77::/48 via 2001:db8:2::1 dev wan proto boot metric 1024"
mirrored() { [ "$(r6 2001:db8:77::/48)" = "$1" ]; }
lab_wait 5 "the route in sluice" mirrored "$want" || fail "sluice -6 route show: $(r6)"
[ "$(cli -j -6 route show 2001:db8:77::/48 | json 'd[0]["protocol"]')" = boot ] ||
	fail "JSON protocol: $(cli -j -6 route show 2001:db8:77::/48)"
cli route get 2001:db8:77::1 | grep -q "via 2001:db8:2::1 dev wan" || fail "route get: $(cli route get 2001:db8:77::1)"
ping_ok lan 3 2001:db8:77::1 || fail "no ping to 2001:db8:77::1 through the mirrored route"
# The kernel's own IPv6 routes on wan (connected 2001:db8:2::/64 and
# fe80::/64, metric 256; multicast) stay out of sluice.
kr6 dev wan | grep -q "^fe80::/64 proto kernel metric 256" || fail "the kernel has no fe80::/64 on wan: $(kr6 dev wan)"
r6 | grep -E "^(fe80|ff00)" && fail "sluice took a kernel-made route: $(r6)"
[ "$(r6 2001:db8:2::/64 | wc -l)" = 1 ] || fail "sluice has $(r6 2001:db8:2::/64 | wc -l) routes for 2001:db8:2::/64: $(r6)"
ok "$want; route get; 3 of 3 pings; no kernel-made route taken"

step "ip -6 route replace ... via $wll dev wan: a link-local gateway keeps its dev"
rt ip -6 route replace 2001:db8:77::/48 via "$wll" dev wan || fail "ip -6 route replace"
lab_wait 5 "the replaced route in sluice" mirrored "2001:db8:77::/48 via $wll dev wan proto boot metric 1024" ||
	fail "sluice -6 route show: $(r6)"
cli route get 2001:db8:77::1 | grep -q "via $wll dev wan" || fail "route get: $(cli route get 2001:db8:77::1)"
ping_ok lan 3 2001:db8:77::1 || fail "no ping through the link-local gateway"
ok "via $wll dev wan, forwarded"

step "a second next hop makes it multipath: it leaves sluice; deleting one brings the other back"
rt ip -6 route append 2001:db8:77::/48 via 2001:db8:2::1 dev wan || fail "ip -6 route append"
kr6 2001:db8:77::/48 | grep -q nexthop || fail "the kernel's route is not multipath: $(kr6 2001:db8:77::/48)"
lab_wait 5 "the multipath route gone from sluice" mirrored "" || fail "sluice -6 route show: $(r6)"
rt ip -6 route del 2001:db8:77::/48 via "$wll" dev wan || fail "ip -6 route del of one next hop"
lab_wait 5 "the remaining route in sluice" mirrored "$want" || fail "sluice -6 route show: $(r6)"
ping_ok lan 2 2001:db8:77::1 || fail "no ping after the multipath route became single"
ok "multipath not mirrored; the single route back: $want"

step "kill -9 sluiced; the kernel changes meanwhile; the restarted sluiced resyncs IPv6 without a flap"
rt ip -6 route add 2001:db8:78::/48 via 2001:db8:2::1 dev wan || fail "ip -6 route add 78"
lab_wait 5 "2001:db8:78::/48 in sluice" sh -c "'$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' -6 route show 2001:db8:78::/48 | grep -q ." ||
	fail "sluice -6 route show: $(r6)"
log=$(lab_state "$LAB")/sluiced.log
lines=$(wc -l <"$log")
kill -KILL "$(lab_pid "$LAB" sluiced)"
rt ip -6 route del 2001:db8:78::/48 || fail "ip -6 route del 78"
rt ip -6 route add 2001:db8:79::/48 via 2001:db8:2::1 dev wan metric 7 || fail "ip -6 route add 79"
lab_start_sluiced "$LAB"
lab_wait 30 "sluiced resynced" sh -c "tail -n +$((lines + 1)) '$log' | grep -q 'mirror: resynced'" ||
	fail "sluiced did not resync: $(tail -5 "$log")"
mirrored "$want" || fail "2001:db8:77::/48 after the restart: $(r6)"
tail -n +$((lines + 1)) "$log" | grep -E "route 2001:db8:77::/48 .*(removed|added|changed)" &&
	fail "the restarted sluiced changed 2001:db8:77::/48 (a flap)"
[ -z "$(r6 2001:db8:78::/48)" ] || fail "2001:db8:78::/48, deleted while sluiced was down, is still in sluice"
[ "$(r6 2001:db8:79::/48)" = "2001:db8:79::/48 via 2001:db8:2::1 dev wan proto boot metric 7" ] ||
	fail "2001:db8:79::/48, added while sluiced was down: $(r6)"
ping_ok lan 2 2001:db8:77::1 || fail "no ping after the restart"
rt ip -6 route del 2001:db8:79::/48 || fail "ip -6 route del 79"
ok "77 kept untouched, 78 removed, 79 added"

step "a blackhole is mirrored (no port); an IPv6 unreachable is not (the dataplane has no such type)"
rt ip -6 route add blackhole 2001:db8:55::/48 || fail "ip -6 route add blackhole"
rt ip -6 route add unreachable 2001:db8:56::/48 || fail "ip -6 route add unreachable"
lab_wait 5 "the blackhole in sluice" sh -c "[ \"\$('$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' -6 route show 2001:db8:55::/48)\" = 'blackhole 2001:db8:55::/48 proto boot metric 1024' ]" ||
	fail "sluice -6 route show: $(r6)"
[ -z "$(r6 2001:db8:56::/48)" ] || fail "the unreachable route is in sluice: $(r6)"
rt ip -6 route del blackhole 2001:db8:55::/48 || fail "ip -6 route del blackhole"
rt ip -6 route del unreachable 2001:db8:56::/48 || fail "ip -6 route del unreachable"
lab_wait 5 "the blackhole gone from sluice" sh -c "[ -z \"\$('$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' -6 route show 2001:db8:55::/48)\" ]" ||
	fail "sluice -6 route show: $(r6)"
ok "blackhole in and out; unreachable left out"

step "ip -6 route del: gone from sluice, pings stop (ip6_no_route)"
rt ip -6 route del 2001:db8:77::/48 via 2001:db8:2::1 dev wan || fail "ip -6 route del"
lab_wait 5 "the route gone from sluice" mirrored "" || fail "sluice -6 route show: $(r6)"
before=$(stat_value '^ip6_no_route$')
lan ping -6 -n -c 3 -i 0.2 -W 1 2001:db8:77::1 >"$E2E_TMP/ping" 2>&1 && fail "2001:db8:77::1 still answers: $(cat "$E2E_TMP/ping")"
grep -q " 0 received" "$E2E_TMP/ping" || fail "some echoes came back: $(tail -2 "$E2E_TMP/ping")"
after=$(stat_value '^ip6_no_route$')
[ "$after" -ge $((before + 3)) ] || fail "ip6_no_route $before -> $after for 3 echo requests"
ok "0 of 3 answered; ip6_no_route $before -> $after"

step "BIRD's IPv6 static route through wan: proto bird in sluice, forwarded, withdrawn"
wan ip -6 addr add 2001:db8:66::1/128 dev eth0 nodad || fail "wan address"
cat >"$E2E_TMP/brt6.conf" <<EOF
router id 192.168.1.1;
log "$E2E_TMP/brt6.blog" all;
protocol device { scan time 2; }
protocol kernel { ipv6 { import none; export all; }; }
protocol static st6 {
	ipv6;
	route 2001:db8:66::/48 via 2001:db8:2::1;
}
EOF
bird_start brt6 rt
lab_wait 20 "BIRD's route in the kernel" sh -c "ip netns exec $LAB-rt ip -6 route show proto bird | grep -q 2001:db8:66::/48" ||
	fail "the kernel: $(kr6); BIRD: $(birdc_ brt6 show route 2>&1)"
want="2001:db8:66::/48 via 2001:db8:2::1 dev wan proto bird metric 32"
bmirrored() { [ "$(r6 2001:db8:66::/48)" = "$1" ]; }
lab_wait 5 "BIRD's route in sluice" bmirrored "$want" || fail "sluice -6 route show: $(r6)"
ping_ok lan 3 2001:db8:66::1 || fail "no ping to 2001:db8:66::1 through BIRD's route"
birdc_ brt6 disable st6 >/dev/null || fail "birdc disable"
lab_wait 5 "BIRD's route gone from sluice" bmirrored "" || fail "sluice -6 route show: $(r6)"
lan ping -6 -n -c 1 -W 1 2001:db8:66::1 >/dev/null 2>&1 && fail "2001:db8:66::1 still answers"
ok "$want; forwarded; withdrawn"
