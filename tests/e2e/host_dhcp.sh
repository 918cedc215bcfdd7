#!/bin/bash
# Host daemons: the WAN port is a host interface with no address of its own;
# dnsmasq in the WAN namespace leases one with a router option, dhclient on
# the router namespace's interface wan takes it, and sluice then has the
# address on port wan, the default route dhclient-script installs (Debian's
# adds it with `ip route`, so proto boot), and masquerades the LAN host to
# the leased address.  Releasing the lease removes both.
. "$(dirname "$0")/host_lib.sh"
host_up hdhcp '/^address = 203.0.113.2/d' '/^route = default/d'

cli addr show dev wan | grep -q "inet " && fail "port wan has an address before DHCP: $(cli addr show dev wan)"

step "dnsmasq serves 203.0.113.50-59 with router 203.0.113.1"
dnsmasq_dhcp wan eth0 --dhcp-range=203.0.113.50,203.0.113.59,255.255.255.0,1h \
	--dhcp-option=option:router,203.0.113.1 || fail "dnsmasq did not start"

step "dhclient on wan in the router namespace"
dhclient_in rt -4 -1 wan ||
	{ cat "$E2E_TMP/dhclient.log" "$E2E_TMP/dnsmasq.log"; fail "dhclient got no lease"; }
leased=$(rt ip -4 -o addr show dev wan | awk '{ sub("/.*", "", $4); print $4; exit }')
case "$leased" in 203.0.113.5[0-9]) ;; *) fail "wan has '$leased', not a leased address" ;; esac
ok "leased $leased"

step "sluice has the address and the default route"
lab_wait 10 "$leased on port wan" sh -c "'$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' addr show dev wan | grep -q 'inet $leased/24'" ||
	fail "port wan: $(cli addr show dev wan)"
lab_wait 10 "a default route in sluice" sh -c "'$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' route show default | grep -q 'via 203.0.113.1 dev wan'" ||
	{ rt ip route; routes; fail "no default route in sluice"; }
echo "kernel: $(rt ip route show default)"
echo "sluice: $(routes default)"
ok "address $leased and $(routes default)"

step "a reload leaves the leased address and dhclient's route (proto boot, not the file's)"
kill -HUP "$(lab_pid "$LAB" sluiced)"
sleep 2
routes default | grep -q "via 203.0.113.1 dev wan proto boot" || fail "the reload removed the default route"
cli addr show dev wan | grep -q "inet $leased/24" || fail "the reload removed $leased"
ok "both kept"

step "the LAN host is masqueraded to $leased"
mkdir -p "$E2E_TMP/www"
echo "dhcp $$" >"$E2E_TMP/www/f"
http_server wan 198.51.100.1 8000 "$E2E_TMP/www" "$E2E_TMP/http.log"
got=$(lan curl -sS --fail --max-time 10 http://198.51.100.1:8000/f) || fail "LAN to WAN failed"
[ "$got" = "dhcp $$" ] || fail "got '$got'"
grep -q "^$leased " "$E2E_TMP/http.log" || fail "the server saw: $(cat "$E2E_TMP/http.log")"
ok "the WAN server saw $leased"

step "release the lease: address and default route leave sluice"
dhclient_in rt -4 -r wan || fail "dhclient -r"
lab_wait 10 "$leased gone from port wan" sh -c "! '$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' addr show dev wan | grep -q 'inet $leased/'" ||
	fail "port wan still has $leased"
lab_wait 10 "no default route" sh -c "! '$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' route show default | grep -q ." ||
	fail "sluice still has: $(routes default)"
lan curl -sS --fail --max-time 3 http://198.51.100.1:8000/f >/dev/null 2>&1 && fail "LAN still reaches the WAN"
ok "released: no address, no default route"
