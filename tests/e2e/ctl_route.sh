#!/bin/bash
# Control: `sluice route add/del/get/change/replace` change forwarding at
# once; change takes an existing route only, replace either, as ip's; a
# port set down keeps its routes and a backup route takes over.
. "$(dirname "$0")/lib.sh"
e2e_up croute

step "198.51.100.1 is reached through the default route"
ping_ok lan 1 198.51.100.1 || fail "198.51.100.1 unreachable at start"

step "route add 198.51.100.0/24 via 203.0.113.1, then route get"
cli route add 198.51.100.0/24 via 203.0.113.1 || fail "route add failed"
out=$(cli route get 198.51.100.1) || fail "route get failed"
echo "$out"
grep -q "via 203\.0\.113\.1" <<<"$out" && grep -qw wan <<<"$out" ||
	fail "route get 198.51.100.1 does not name gateway 203.0.113.1 dev wan"
cli route show | grep -q "^198\.51\.100\.0/24 via 203\.0\.113\.1" || fail "route show lacks the new route"
out=$(cli route add 198.51.100.0/24 via 203.0.113.1 2>&1) && fail "a duplicate route add succeeded"
echo "duplicate: $out"
grep -q "^Error:" <<<"$out" || fail "a duplicate route add did not print an Error: line"

step "route change: an existing route only; route replace: either"
out=$(cli route change 10.30.0.0/16 via 203.0.113.1 2>&1) && fail "route change of an absent route succeeded"
echo "absent: $out"
grep -q "^Error:" <<<"$out" || fail "route change of an absent route did not print an Error: line"
cli route show | grep -q "^10\.30\.0\.0/16" && fail "route change of an absent route made it"
cli route change 198.51.100.0/24 via 203.0.113.3 || fail "route change of an existing route failed"
cli route get 198.51.100.1 | grep -q "via 203\.0\.113\.3" || fail "route change did not move the gateway to .3"
ping_ok lan 1 198.51.100.1 || fail "198.51.100.1 unreachable through 203.0.113.3"
cli neigh show 203.0.113.3 | grep -q lladdr || fail "no neighbour for the changed gateway 203.0.113.3"
cli route replace 198.51.100.0/24 via 203.0.113.1 || fail "route replace of an existing route failed"
cli route get 198.51.100.1 | grep -q "via 203\.0\.113\.1" || fail "route replace did not move the gateway back"
cli route replace 10.30.0.0/16 via 203.0.113.1 || fail "route replace of an absent route failed"
cli route show | grep -q "^10\.30\.0\.0/16 via 203\.0\.113\.1" || fail "route replace did not make the absent route"
cli route del 10.30.0.0/16 || fail "route del 10.30.0.0/16"

step "route del PREFIX deletes a blackhole route too, of either family, as ip's"
cli route add blackhole 10.4.0.0/16 || fail "route add blackhole 10.4.0.0/16"
cli route del 10.4.0.0/16 || fail "route del 10.4.0.0/16 did not delete its blackhole route"
cli route show | grep -q "10\.4\.0\.0/16" && fail "the blackhole 10.4.0.0/16 is still there"
cli route add 10.5.0.0/16 blackhole metric 7 || fail "route add 10.5.0.0/16 blackhole metric 7"
cli route del 10.5.0.0/16 metric 7 || fail "route del 10.5.0.0/16 metric 7 did not delete its blackhole route"
cli route add blackhole 2001:db8:44::/48 || fail "route add blackhole 2001:db8:44::/48"
cli route del 2001:db8:44::/48 || fail "route del 2001:db8:44::/48 did not delete its blackhole route"
cli -6 route show | grep -q "2001:db8:44::/48" && fail "the blackhole 2001:db8:44::/48 is still there"
cli route add blackhole 10.4.0.0/16 || fail "route add blackhole 10.4.0.0/16 (again)"
out=$(cli route del 10.4.0.0/16 via 203.0.113.1 2>&1) && fail "route del via a gateway deleted a blackhole route"
cli route del blackhole 10.4.0.0/16 || fail "route del blackhole 10.4.0.0/16"

step "route add unreachable: ICMP net unreachable at once, as ip's type"
cli route add unreachable 10.8.0.0/16 || fail "route add unreachable 10.8.0.0/16"
cli route show | grep -q "^unreachable 10\.8\.0\.0/16 proto static$" || fail "route show: $(cli route show)"
out=$(lan ping -n -c 1 -W 2 10.8.1.1 2>&1)
grep -q "From 192.168.1.1 .*Destination Net Unreachable" <<<"$out" || fail "10.8.1.1 not net unreachable: $out"
cli route del 10.8.0.0/16 || fail "route del 10.8.0.0/16"
out=$(cli route add prohibit 10.8.0.0/16 2>&1) && fail "route add prohibit succeeded"
grep -q 'route type "prohibit" is not supported' <<<"$out" || fail "route add prohibit said: $out"

step "route del default: the specific route carries 198.51.100.1 at once"
cli route del default via 203.0.113.1 || fail "route del default failed"
ping_ok lan 1 198.51.100.1 || fail "198.51.100.1 lost although its /24 route is there"
out=$(lan ping -n -c 1 -W 2 10.1.2.3 2>&1)
grep -q "Destination Net Unreachable" <<<"$out" || fail "10.1.2.3 did not become net unreachable: $out"

step "route del 198.51.100.0/24: unreachable at once"
cli route del 198.51.100.0/24 via 203.0.113.1 || fail "route del failed"
out=$(lan ping -n -c 1 -W 2 198.51.100.1 2>&1)
echo "$out"
grep -q "From 192.168.1.1 .*Destination Net Unreachable" <<<"$out" ||
	fail "198.51.100.1 still forwarded after its route went"
out=$(cli route del 198.51.100.0/24 via 203.0.113.1 2>&1) && fail "deleting an absent route succeeded"

step "route add default via 203.0.113.1: back at once"
cli route add default via 203.0.113.1 || fail "route add default failed"
ping_ok lan 1 198.51.100.1 || fail "198.51.100.1 not back"
out=$(cli route get 10.1.2.3) || fail "route get 10.1.2.3 failed"
grep -q "via 203\.0\.113\.1" <<<"$out" || fail "route get 10.1.2.3 is not the default route: $out"

step "a port set down keeps its routes, flagged linkdown, and a backup route takes over until it is up"
cli route add 10.7.0.0/16 via 203.0.113.1 metric 10 || fail "route add 10.7.0.0/16 via 203.0.113.1 metric 10"
cli route add 10.7.0.0/16 via 192.168.1.10 metric 20 || fail "route add 10.7.0.0/16 via 192.168.1.10 metric 20"
cli route get 10.7.1.1 | grep -q "via 203\.0\.113\.1 dev wan" || fail "10.7.1.1 does not go by metric 10 at first"
ping_ok lan 1 198.51.100.1 || fail "198.51.100.1 unreachable before wan goes down"
cli nat session show | grep -q "192\.168\.1\.10" || fail "no NAT session for the ping through wan"
cli neigh show dev wan | grep -q "^203\.0\.113\.1 " || fail "203.0.113.1 is not a neighbour on wan"
cli link set wan down || fail "link set wan down"
# As the kernel's interface going down: wan's masquerade flows and its
# learned neighbours are forgotten.
out=$(cli nat session show)
[ -z "$out" ] || fail "NAT sessions of wan's rules outlived wan going down: $out"
cli neigh show dev wan | grep -q "^203\.0\.113\.1 " && fail "wan's learned neighbour outlived wan going down"
out=$(cli route show)
echo "$out"
grep -q "^10\.7\.0\.0/16 via 203\.0\.113\.1 dev wan proto static metric 10 linkdown$" <<<"$out" ||
	fail "route show does not flag the route through wan linkdown"
grep -q "^10\.7\.0\.0/16 via 192\.168\.1\.10 dev lan proto static metric 20$" <<<"$out" ||
	fail "route show lost or flagged the route through lan"
got=$(cli -j route show | json '" ".join(",".join(r["flags"]) or "-" for r in d if r["dst"] == "10.7.0.0/16")')
[ "$got" = "linkdown -" ] || fail "route show -j flags of 10.7.0.0/16 are '$got', expected 'linkdown -'"
cli route get 10.7.1.1 | grep -q "via 192\.168\.1\.10 dev lan" || fail "the backup route through lan did not take over"
out=$(cli route get 198.51.100.1)
[ "$out" = "198.51.100.1 via 203.0.113.1 dev wan src 203.0.113.2 linkdown" ] ||
	fail "route get through the port that is down printed '$out'"
got=$(cli -j route get 198.51.100.1 | json '",".join(d[0]["flags"])')
[ "$got" = "linkdown" ] || fail "route get -j flags are '$got', expected 'linkdown'"
out=$(lan ping -n -c 1 -W 2 198.51.100.1 2>&1) && fail "198.51.100.1 answered with wan down: $out"
cli link set wan up || fail "link set wan up"
cli route get 10.7.1.1 | grep -q "via 203\.0\.113\.1 dev wan" || fail "the route through wan is not back"
cli route show | grep -q linkdown && fail "a route is still flagged linkdown with wan up"
ping_ok lan 1 198.51.100.1 || fail "198.51.100.1 not reached once wan is up again"
cli route del 10.7.0.0/16 metric 10 && cli route del 10.7.0.0/16 metric 20 || fail "route del 10.7.0.0/16"

step "a gateway on no connected network, or its network's broadcast address, is refused"
cli route add 10.20.0.0/16 via 10.9.9.9 2>&1 && fail "route via an unreachable gateway accepted"
out=$(cli route add 10.66.0.0/16 via 203.0.113.255 2>&1) && fail "route via the broadcast address 203.0.113.255 accepted"
[ "$out" = "Error: gateway 203.0.113.255 is the broadcast address of a network of port wan." ] ||
	fail "route via 203.0.113.255 printed '$out'"
ok "route add/del/get/change/replace take effect at once"
