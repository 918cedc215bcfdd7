#!/bin/bash
# IPv6 at the CLI and in the file: addr/route/neigh show list both families
# (route show IPv4, -6 IPv6, -4 IPv4), -j with ip -6 -j's fields, route
# add/get/flush of IPv6 changing forwarding at once, the errors, a batch of
# IPv6 lines, sluiced --check of IPv6, and a reload that reconciles IPv6
# addresses, routes and ra while the link-local addresses stay.
. "$(dirname "$0")/lib.sh"
e2e_up ip6ct "" ip6

# expect_err STATUS WANT CMD...: CMD exits STATUS, prints WANT on stderr's
# first line and nothing on stdout.
expect_err() {
	local status=$1 want=$2 rc=0 out
	shift 2
	out=$("$@" 2>"$E2E_TMP/err") || rc=$?
	echo "$* -> $rc: $(head -1 "$E2E_TMP/err")"
	[ "$rc" = "$status" ] || fail "'$*' exited $rc, expected $status"
	[ "$(head -1 "$E2E_TMP/err")" = "$want" ] || fail "'$*' said '$(head -1 "$E2E_TMP/err")', expected '$want'"
	[ -z "$out" ] || fail "'$*' printed on stdout: $out"
}

lan ping -6 -n -c 2 -i 0.2 -W 2 2001:db8:2::1 >/dev/null || fail "no IPv6 path at start"
lan ping -n -c 2 -i 0.2 -W 2 203.0.113.1 >/dev/null || fail "no IPv4 path at start"

step "addr show: both families, IPv4, IPv6 global, then the link-local with scope link"
out=$(cli addr show lan) || fail "addr show lan failed"
echo "$out"
grep -A3 "link/ether" <<<"$out" | sed -n 2,4p | awk '{ print $1, $4 }' | tr '\n' ' ' |
	grep -q "^inet global inet6 global inet6 link $" || fail "addr show lan: not inet, inet6 global, inet6 link"
grep -q "^    inet6 2001:db8:1::1/64 scope global$" <<<"$out" || fail "no 'inet6 2001:db8:1::1/64 scope global'"
grep -q "^    inet6 fe80::[0-9a-f:]*/64 scope link$" <<<"$out" || fail "no link-local address with scope link"
cli -4 addr show lan | grep -q inet6 && fail "-4 addr show lists IPv6"
cli -6 addr show lan | grep -q "inet " && fail "-6 addr show lists IPv4"
fams=$(cli -j addr show | json '[(l["ifname"], a["family"], a["scope"], "label" in a) for l in d for a in l["addr_info"]]')
echo "$fams"
for want in '["lan", "inet", "global", true]' '["lan", "inet6", "global", false]' \
	    '["lan", "inet6", "link", false]' '["wan", "inet6", "global", false]' '["wan", "inet6", "link", false]'; do
	grep -qF "$want" <<<"$fams" || fail "addr show -j lacks $want"
done
cli -j addr show to 2001:db8:2::/64 | json '[l["ifname"] for l in d]' | grep -qx '\["wan"\]' ||
	fail "addr show to 2001:db8:2::/64 is not wan alone"
ok "addr show: inet, inet6 global, inet6 link; -4/-6; -j family/scope as ip"

step "route show is IPv4, -6 route show IPv6, -4 IPv4"
cli route show
cli -6 route show
cli route show | grep -q ":" && fail "route show lists IPv6 routes"
cli -4 route show | grep -q "^default via 203\.0\.113\.1 dev wan proto boot" || fail "-4 route show lacks the IPv4 default"
cli -6 route show | grep -q "^default via 2001:db8:2::1 dev wan proto boot" || fail "-6 route show lacks the IPv6 default"
cli -6 route show | grep -q "^2001:db8:1::/64 dev lan proto kernel" || fail "-6 route show lacks lan's connected route"
cli -6 route show | grep -qE "^([0-9]+\.){3}" && fail "-6 route show lists IPv4 routes"
r=$(cli -j -6 route show | json '[r for r in d if r["dst"] == "default"][0]')
echo "$r"
for k in '"type": "unicast"' '"gateway": "2001:db8:2::1"' '"dev": "wan"' '"protocol": "boot"' '"metric": 1024' '"flags": []'; do
	grep -qF "$k" <<<"$r" || fail "-j -6 route show: the default lacks $k"
done
ok "route show per family; -j fields as ip -6 -j"

step "an IPv6 route without a metric takes 1024, as ip -6's: under the connected /64's 256"
cli route add 2001:db8:1::/64 dev wan || fail "route add 2001:db8:1::/64 dev wan"
cli -6 route show | grep -q "^2001:db8:1::/64 dev wan proto static scope link metric 1024$" ||
	fail "the route without a metric is not metric 1024: $(cli -6 route show)"
cli route get 2001:db8:1::10 | grep -q " dev lan " || fail "a route of metric 1024 hid the connected /64"
cli route del 2001:db8:1::/64 dev wan || fail "route del 2001:db8:1::/64 dev wan"

step "route add 2001:db8:77::/48 via 2001:db8:2::1, a link-local gateway with dev, a blackhole"
cli route add 2001:db8:77::/48 via 2001:db8:2::1 metric 5 || fail "route add failed"
cli route add 2001:db8:78::/48 via "$(wan ip -6 addr show dev eth0 scope link | awk '/inet6/ { sub("/.*", "", $2); print $2 }')" dev wan ||
	fail "route add via the WAN host's link-local address failed"
cli route add blackhole 2001:db8:99:5::/64 || fail "route add blackhole failed"
cli -6 route show proto static
wan ip -6 addr add 2001:db8:77::1/128 dev eth0 nodad
wan ip -6 addr add 2001:db8:78::1/128 dev eth0 nodad
lan ping -6 -n -c 2 -i 0.2 -W 2 2001:db8:77::1 >/dev/null || fail "2001:db8:77::1 unreachable via its route"
lan ping -6 -n -c 2 -i 0.2 -W 2 2001:db8:78::1 >/dev/null || fail "2001:db8:78::1 unreachable via the link-local gateway"
out=$(lan ping -6 -n -c 1 -W 2 2001:db8:99:5::1 2>&1)
grep -q " 0 received" <<<"$out" || fail "2001:db8:99:5::1 answered through a blackhole route"
out=$(cli route get 2001:db8:77::1) || fail "route get failed"
echo "$out"
grep -q "^2001:db8:77::1 via 2001:db8:2::1 dev wan" <<<"$out" || fail "route get 2001:db8:77::1: $out"
cli route get 2001:db8:99:5::1 | grep -q "^blackhole 2001:db8:99:5::1" || fail "route get of the blackhole"
[ "$(cli -j route get 2001:db8:99::1 | json 'd[0]["gateway"]')" = 2001:db8:2::1 ] ||
	fail "route get 2001:db8:99::1 (the default) has not gateway 2001:db8:2::1"
cli -6 route show root 2001:db8:70::/44 | grep -c . | grep -qx 2 || fail "route show root 2001:db8:70::/44: not 2 routes"
cli route show root 2001:db8:70::/44 | grep -c . | grep -qx 2 || fail "an IPv6 selector without -6 did not list IPv6"
ll=$(cli -j addr show dev lan | json '[a["local"] for a in d[0]["addr_info"] if a["scope"] == "link"][0]')
out=$(cli route get "$ll" dev lan) || fail "route get $ll dev lan failed"
[ "$out" = "local $ll dev lan src $ll" ] || fail "route get $ll dev lan: [$out]"
cli route get fe80::99 oif wan | grep -q "^fe80::99 dev wan" || fail "route get fe80::99 oif wan: $(cli route get fe80::99 oif wan)"
[ "$(cli -j route get ff02::1 dev lan | json 'd[0]["type"] + " " + d[0]["dev"]')" = "multicast lan" ] ||
	fail "route get ff02::1 dev lan: $(cli -j route get ff02::1 dev lan)"
# A global address with dev: the longest route through that port (the
# kernel's oif), none through it unreachable.
cli route get 2001:db8:77::1 dev wan | grep -q "^2001:db8:77::1 via 2001:db8:2::1 dev wan" ||
	fail "route get 2001:db8:77::1 dev wan: $(cli route get 2001:db8:77::1 dev wan)"
cli route get 2001:db8:1::99 dev lan | grep -q "^2001:db8:1::99 dev lan " ||
	fail "route get 2001:db8:1::99 dev lan: $(cli route get 2001:db8:1::99 dev lan)"
expect_err 1 'Error: network is unreachable.' cli route get 2001:db8:77::1 dev lan
ok "IPv6 routes forward at once; route get without a flag, and with dev"

step "errors"
expect_err 2 'Error: link-local gateway fe80::1 needs "dev NAME".' cli route add ::/0 via fe80::1
expect_err 2 'Error: gateway "203.0.113.1" is not an IPv6 address.' cli route add 2001:db8:5::/48 via 203.0.113.1
expect_err 2 'Error: "2001:db8:5::/48" is not an IPv4 prefix.' cli -4 route add 2001:db8:5::/48 via 2001:db8:2::1
expect_err 2 'Error: invalid prefix "2001:db8:5::1/48": host bits set.' cli route add 2001:db8:5::1/48 via 2001:db8:2::1
expect_err 2 'Error: an IPv4 address with -6.' cli -6 route get 203.0.113.1
expect_err 2 'Error: prefixes of both families in one selector.' cli route show root 2001:db8::/32 via 10.0.0.1
out=$(cli route add 2001:db8:77::/48 via 2001:db8:2::1 metric 5 2>&1) && fail "a duplicate IPv6 route add succeeded"
echo "duplicate: $out"
grep -q "^Error: .*exists" <<<"$out" || fail "a duplicate IPv6 route add did not say it exists"
ok "clear errors, nothing on stdout"

step "neigh show: both families; -6 and -4 one"
cli neigh show
cli neigh show | grep -q "^192\.168\.1\.10 dev lan lladdr" || fail "neigh show lacks 192.168.1.10"
cli neigh show | grep -q "^2001:db8:1::10 dev lan lladdr" || fail "neigh show lacks 2001:db8:1::10"
cli -6 neigh show | grep -q "^192\." && fail "-6 neigh show lists IPv4"
cli -4 neigh show | grep -q "^[0-9a-f]*:" && fail "-4 neigh show lists IPv6"
cli neigh add 2001:db8:1::55 lladdr 02:00:00:00:00:55 dev lan || fail "neigh add failed"
[ "$(cli -j neigh show 2001:db8:1::55 | json 'd[0]["state"]')" = '["PERMANENT"]' ] || fail "the IPv6 permanent entry is not PERMANENT"
cli neigh del 2001:db8:1::55 dev lan || fail "neigh del failed"
cli neigh show | grep -q "^2001:db8:1::55 " && fail "neigh del left the entry"
ok "neighbours of both families"

step "a batch of IPv6 lines, one bad"
printf '%s\n' "route add 2001:db8:a1::/48 via 2001:db8:2::1" "addr add 2001:db8:5::1/64 dev lan" \
	"route add 2001:db8:a2::/48 via fe80::1" "route add 2001:db8:a3::/48 via fe80::1 dev wan" >"$E2E_TMP/b"
rc=0
cli -b "$E2E_TMP/b" 2>"$E2E_TMP/berr" || rc=$?
cat "$E2E_TMP/berr"
[ "$rc" = 1 ] || fail "the batch exited $rc, expected 1"
grep -qx 'Error: link-local gateway fe80::1 needs "dev NAME". (line 3)' "$E2E_TMP/berr" || fail "no error for line 3"
for p in 2001:db8:a1::/48 2001:db8:a3::/48 2001:db8:5::/64; do
	cli -6 route show | grep -q "^$p " || fail "the batch did not add $p"
done
cli -6 addr show lan | grep -q "inet6 2001:db8:5::1/64" || fail "the batch did not add 2001:db8:5::1/64"
ok "good lines applied, the bad one named by its line"

step "a batch's gateway routes go sorted by prefix, yet apply as in line order"
# Same prefix in line order (exists, del, add again); a connected route
# (line 6) applied before the gateway route that needs it; errors printed
# in line order.
printf '%s\n' "route add 2001:db8:c9::/48 via 2001:db8:2::1" "route add 2001:db8:c1::/48 via 2001:db8:2::1" \
	"route add 2001:db8:c9::/48 via 2001:db8:2::4" "route del 2001:db8:c9::/48 via 2001:db8:2::1" \
	"route add 2001:db8:c9::/48 via 2001:db8:2::3" "route add 2001:db8:7::/64 dev wan" \
	"route add 2001:db8:c5::/48 via 2001:db8:7::1" "route add 2001:db8:c8::/48 via 2001:db9::1" \
	"route add 2001:db8:c0::/48 via 2001:db9::1" >"$E2E_TMP/s"
rc=0
cli -b "$E2E_TMP/s" 2>"$E2E_TMP/serr" || rc=$?
cat "$E2E_TMP/serr"
[ "$rc" = 1 ] || fail "the batch exited $rc, expected 1"
printf '%s\n' "Error: route exists. (line 3)" \
	"Error: gateway 2001:db9::1 is on no connected network. (line 8)" \
	"Error: gateway 2001:db9::1 is on no connected network. (line 9)" | diff - "$E2E_TMP/serr" ||
	fail "the batch's errors are not those of lines 3, 8, 9 in order"
cli -6 route show | grep -q "^2001:db8:c9::/48 via 2001:db8:2::3 dev wan" || fail "2001:db8:c9::/48 is not via 2001:db8:2::3"
cli -6 route show | grep -q "^2001:db8:c1::/48 via 2001:db8:2::1 dev wan" || fail "2001:db8:c1::/48 missing"
cli -6 route show | grep -q "^2001:db8:c5::/48 via 2001:db8:7::1 dev wan" ||
	fail "2001:db8:c5::/48 via the connected route of an earlier line missing"
printf '%s\n' "route del 2001:db8:c9::/48 via 2001:db8:2::3" "route del 2001:db8:c1::/48 via 2001:db8:2::1" \
	"route del 2001:db8:c5::/48 via 2001:db8:7::1" "route del 2001:db8:7::/64 dev wan" >"$E2E_TMP/s"
cli -b "$E2E_TMP/s" || fail "deleting the batch's routes failed"
ok "same-prefix order, a connected route's order and the errors' order kept"

step "reload: the file's IPv6 address, route and ra reconciled, link-local kept"
conf=$(lab_conf "$LAB")
cp "$conf" "$E2E_TMP/orig.ini"
ll=$(cli -j addr show dev lan | json '[a["local"] for a in d[0]["addr_info"] if a["scope"] == "link"][0]')
sed -i -e 's|^address = 2001:db8:1::1/64|address = 2001:db8:1::1/64\naddress = 2001:db8:6::1/64\nra = yes|' \
       -e 's|^route = default via 2001:db8:2::1|route = default via 2001:db8:2::1\nroute = 2001:db8:66::/48 via 2001:db8:2::1 metric 3|' "$conf"
pid=$(lab_pid "$LAB" sluiced) || fail "sluiced is not running"
kill -HUP "$pid"
applied() {
	cli -6 route show | grep -q "^2001:db8:66::/48 via 2001:db8:2::1 dev wan proto boot metric 3" &&
		cli -6 addr show lan | grep -q "inet6 2001:db8:6::1/64" &&
		cli -6 addr show lan | grep -q "inet6 2001:db8:1::1/64" &&
		cli link show lan | grep -q "ra on"
}
lab_wait 10 "the reload" applied || { cli -6 route show; cli addr show lan; fail "the reload was not applied"; }
cli -6 addr show lan | grep -q "inet6 2001:db8:5::1/64" && fail "the CLI's address stayed (the file owns addresses)"
cli -6 addr show lan | grep -q "inet6 $ll/64 scope link" || fail "the reload removed the link-local address"
ok "2001:db8:6::1/64 and 2001:db8:1::1/64 on lan, 2001:db8:66::/48 proto boot, ra on, $ll kept"
cp "$E2E_TMP/orig.ini" "$conf"
kill -HUP "$pid"
reverted() {
	! cli -6 route show | grep -q "^2001:db8:66::/48" && ! cli -6 addr show lan | grep -q "2001:db8:6::1" &&
		! cli link show lan | grep -q "ra on"
}
lab_wait 10 "the second reload" reverted || fail "the second reload was not applied"
cli -6 addr show lan | grep -q "inet6 $ll/64 scope link" || fail "the second reload removed the link-local address"
lan ping -6 -n -c 2 -i 0.2 -W 2 2001:db8:2::1 >/dev/null || fail "no IPv6 path after the reloads"
ok "the original file back: the route, the address and ra gone, forwarding as before"

step "route flush: per family"
cli route add 10.77.0.0/16 via 203.0.113.1 || fail "IPv4 route add failed"
cli -6 route flush proto static || fail "-6 route flush proto static failed"
cli -6 route show proto static | grep -q . && fail "IPv6 static routes left after the flush"
cli route show proto static | grep -q "^10\.77\.0\.0/16" || fail "-6 route flush removed an IPv4 route"
cli -6 route show | grep -q "^default via 2001:db8:2::1" || fail "the flush took the file's IPv6 default"
ok "-6 route flush proto static took the IPv6 static routes only"

step "addr flush dev lan keeps the link-local address"
cli -6 addr flush dev lan || fail "-6 addr flush dev lan failed"
out=$(cli addr show lan)
echo "$out"
grep -q "inet6 .*scope global" <<<"$out" && fail "global IPv6 addresses left after the flush"
grep -q "inet6 fe80::.*scope link" <<<"$out" || fail "addr flush took the link-local address"
grep -q "inet 192\.168\.1\.1/24" <<<"$out" || fail "-6 addr flush took the IPv4 address"
ok "global IPv6 addresses gone, the IPv4 one and the link-local one kept"

step "sluiced --check of IPv6"
cat >"$E2E_TMP/bad.ini" <<'INI'
[port lan]
device = net_null0
address = 2001:db8:1::1/64
ra = maybe
[port wan]
device = net_null1
address = 2001:db8:1:0:8000::1/65
address = 192.168.1.1/24
[routes]
route = default via fe80::1
INI
rc=0
"$SLUICE_BUILD/control/sluiced" --check -c "$E2E_TMP/bad.ini" 2>"$E2E_TMP/cerr" || rc=$?
cat "$E2E_TMP/cerr"
[ "$rc" = 1 ] || fail "--check exited $rc on a bad file"
[ "$(wc -l <"$E2E_TMP/cerr")" = 3 ] || fail "--check did not print exactly 3 errors"
grep -q ':4: invalid ra "maybe" (yes or no)$' "$E2E_TMP/cerr" || fail "no error for ra"
grep -q ':7: address 2001:db8:1:0:8000::1/65 of port "wan" overlaps 2001:db8:1::1/64 of port "lan" (line 3)' "$E2E_TMP/cerr" ||
	fail "no overlap error"
grep -q ':10: link-local gateway fe80::1 needs "dev NAME"$' "$E2E_TMP/cerr" || fail "no link-local gateway error"
ok "--check: three IPv6 errors at their lines"
