#!/bin/bash
# Host path, IPv6: radvd on the LAN port's host interface advertises the
# LAN /64.  The router's solicitations reach it through the host path and
# its advertisements leave through the port; a LAN host with accept_ra=2 and
# no static address or route autoconfigures from them (the prefix, and a
# default route via sluice's link-local address, which is the interface's)
# and pings the WAN host through sluice.  sluice's own `ra`, turned on
# first, goes off when the host's advertisements start.
. "$(dirname "$0")/lib.sh"
export SLUICE_LAB_HOST=yes
e2e_up hradv "" ip6

radvd=$(command -v radvd) || radvd=/usr/sbin/radvd
[ -x "$radvd" ] || fail "no radvd (Debian package radvd: scripts/lib.sh sl_install_deps)"

step "the host interface lan has the port's addresses, one link-local of the same EUI-64"
ll=$(cli -j addr show dev lan | json '[a["local"] for a in d[0]["addr_info"] if a["scope"] == "link"][0]')
lab_wait 10 "2001:db8:1::1/64 on the host's lan" \
	sh -c "ip netns exec '$(lab_ns "$LAB" rt)' ip -6 addr show dev lan | grep -q 'inet6 2001:db8:1::1/64'" ||
	fail "2001:db8:1::1/64 is not on the host's lan: $(rt ip -6 addr show dev lan)"
klls=$(rt ip -6 addr show dev lan scope link | awk '/inet6/ { print $2 }')
[ "$klls" = "$ll/64" ] || fail "the host's lan has link-local '$klls', the port $ll/64"
ok "lan: 2001:db8:1::1/64 and $ll/64 only"

step "the LAN host forgets its static IPv6 address and route; accept_ra=2"
lan_await_ra

step "sluice's own ra on, then radvd on the host's lan"
cli link set lan ra on || fail "link set lan ra on failed"
[ "$(cli -j link show lan | json 'd[0]["ra"]')" = True ] || fail "ra did not go on"
# Long intervals: the LAN host's solicitations must be what radvd answers.
cat >"$E2E_TMP/radvd.conf" <<EOF
interface lan {
	AdvSendAdvert on;
	MinRtrAdvInterval 200;
	MaxRtrAdvInterval 600;
	AdvDefaultLifetime 1800;
	prefix 2001:db8:1::/64 {
		AdvOnLink on;
		AdvAutonomous on;
		AdvValidLifetime 86400;
		AdvPreferredLifetime 14400;
	};
};
EOF
chmod 644 "$E2E_TMP/radvd.conf"
before=$(stat_value '^punted$')
rt "$radvd" -C "$E2E_TMP/radvd.conf" -p "$E2E_TMP/radvd.pid" -n -m logfile \
	-l "$E2E_TMP/radvd.log" -d 4 </dev/null >/dev/null 2>&1 &
lab_wait 10 "radvd's pidfile" test -s "$E2E_TMP/radvd.pid" ||
	fail "radvd did not start: $(cat "$E2E_TMP/radvd.log" 2>/dev/null)"
ra_off() { [ "$(cli -j link show lan | json 'd[0]["ra"]')" = False ]; }
lab_wait 15 "sluice's ra off for lan" ra_off ||
	fail "sluice's own ra is still on beside radvd"
[ "$(cli -j link show lan | json 'd[0].get("ra_yielded")')" = True ] ||
	fail "link show lan does not say its ra yielded: $(cli -j link show lan)"
cli link show lan | grep -q " ra yielded$" || fail "link show lan (text) lacks 'ra yielded'"
ok "radvd runs (pid $(cat "$E2E_TMP/radvd.pid")); sluice's ra on lan went off"

step "a reload of a file that says ra = yes on lan leaves sluice's ra off beside radvd"
conf=$(lab_conf "$LAB")
awk '{ print } /^\[port lan\]/ { print "ra = yes" }' "$conf" >"$E2E_TMP/ra.ini" && cp "$E2E_TMP/ra.ini" "$conf"
grep -q "^ra = yes" "$conf" || fail "could not put ra = yes in $conf"
pid=$(lab_pid "$LAB" sluiced) || fail "sluiced is not running"
log=$(lab_state "$LAB")/sluiced.log
n=$(grep -c "configuration applied" "$log")
kill -HUP "$pid"
lab_wait 10 "sluiced's reload" sh -c "[ \$(grep -c 'configuration applied' '$log') -gt $n ]" ||
	fail "sluiced did not reload"
ra_off || fail "the reload turned sluice's ra on again beside radvd: $(cli -j link show lan)"
grep -q "port lan (ra on) changed" "$log" && fail "sluiced turned ra on: $(grep 'ra on' "$log")"
ok "ra stays off, yielded, across the reload"

step "a reload of the file with ra = no ends the yield"
sed -i 's/^ra = yes$/ra = no/' "$conf"
n=$(grep -c "configuration applied" "$log")
kill -HUP "$pid"
lab_wait 10 "sluiced's reload" sh -c "[ \$(grep -c 'configuration applied' '$log') -gt $n ]" ||
	fail "sluiced did not reload"
[ "$(cli -j link show lan | json 'd[0].get("ra_yielded", False)')" = False ] ||
	fail "lan still says its ra yielded with ra = no: $(cli -j link show lan)"
ra_off || fail "ra went on with ra = no"
ok "no longer yielded, off as the file says"

step "the LAN host solicits and configures itself from radvd's answer"
lan_slaac "$ll" "a SLAAC address and a default route from radvd's RA" || {
	cat "$E2E_TMP/radvd.log"
	fail "the LAN host did not autoconfigure from radvd's advertisements"
}
addr=$SLAAC_ADDR
lan ip -6 addr show dev eth0
lan ip -6 route show default
# radvd's prefix lifetimes, not sluice's (30 days): the advertisement was radvd's.
lan ip -6 addr show dev eth0 scope global | grep -A1 "inet6 $addr/" | grep -q "valid_lft 86[34][0-9][0-9]sec" ||
	fail "the address's lifetime is not radvd's 86400 s: $(lan ip -6 addr show dev eth0 scope global)"
after=$(stat_value '^punted$')
[ "$after" -gt "$before" ] || fail "stats: punted did not grow ($before -> $after): the solicitations did not reach radvd"
lladdr=$(lan ip -6 addr show dev eth0 scope link | awk '/inet6 fe80/ { sub("/.*", "", $2); print $2; exit }')
grep -q "lan received RS from: $lladdr" "$E2E_TMP/radvd.log" ||
	fail "radvd got no solicitation from $lladdr through the host path: $(cat "$E2E_TMP/radvd.log")"
ok "radvd answered $lladdr's RS: address $addr (radvd's lifetime), default route via $ll; punted $before -> $after"

step "the autoconfigured host reaches the WAN host through sluice, with no static route"
out=$(lan ping -6 -n -c 5 -i 0.2 -W 2 2001:db8:2::1 2>&1)
echo "$out"
grep -q " 5 received" <<<"$out" || fail "the autoconfigured host cannot reach 2001:db8:2::1"
ok "5 of 5 echo replies from the WAN host via radvd's router"
