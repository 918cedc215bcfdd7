#!/bin/bash
# Host path, DHCPv6: dnsmasq on the LAN port's host interface serves
# 2001:db8:1::1000-2001:db8:1::10ff.  The LAN host's client (dhclient -6)
# solicits through sluice (to ff02::1:2, punted to the host interface),
# dnsmasq's answers leave through the port, and the LAN host holds an
# address of the range that dnsmasq's lease file names; from it the LAN
# host reaches the router.
. "$(dirname "$0")/host_lib.sh"
export SLUICE_LAB_HOST=yes
e2e_up hdhc6 "" ip6
trap host_cleanup EXIT

command -v dnsmasq >/dev/null || fail "no dnsmasq (Debian package dnsmasq-base: scripts/lib.sh sl_install_deps)"
command -v dhclient >/dev/null || fail "no dhclient (Debian package isc-dhcp-client: scripts/lib.sh sl_install_deps)"

step "the host interface lan has the port's 2001:db8:1::1/64"
lab_wait 10 "2001:db8:1::1/64 on the host's lan" \
	sh -c "ip netns exec '$(lab_ns "$LAB" rt)' ip -6 addr show dev lan | grep -q 'inet6 2001:db8:1::1/64'" ||
	fail "2001:db8:1::1/64 is not on the host's lan: $(rt ip -6 addr show dev lan)"
# The kernel serves an address only once duplicate address detection is done.
lab_wait 10 "no tentative address on the host's lan" \
	sh -c "! ip netns exec '$(lab_ns "$LAB" rt)' ip -6 addr show dev lan tentative | grep -q inet6" ||
	fail "the host's lan keeps a tentative address: $(rt ip -6 addr show dev lan)"
ok "lan: $(rt ip -6 -o addr show dev lan | awk '{ print $4 }' | tr '\n' ' ')"

step "dnsmasq serves 2001:db8:1::1000-10ff on the host's lan"
dnsmasq_dhcp rt lan --dhcp-range=2001:db8:1::1000,2001:db8:1::10ff,64,1h ||
	fail "dnsmasq did not start"
lab_wait 10 "dnsmasq's pidfile" test -s "$E2E_TMP/dnsmasq.pid" || fail "dnsmasq did not start"

step "dhclient -6 on the LAN host"
dhclient_in lan -6 -1 eth0 || {
	cat "$E2E_TMP/dhclient.log" "$E2E_TMP/dnsmasq.log"
	fail "dhclient -6 got no lease"
}
in_range() {
	"$PY" -c 'import ipaddress, sys
a = ipaddress.ip_address(sys.argv[1])
sys.exit(0 if ipaddress.ip_address("2001:db8:1::1000") <= a <= ipaddress.ip_address("2001:db8:1::10ff") else 1)' "$1"
}
leased=""
for a in $(lan ip -6 -o addr show dev eth0 scope global | awk '{ sub("/.*", "", $4); print $4 }'); do
	in_range "$a" && leased=$a
done
[ -n "$leased" ] || {
	cat "$E2E_TMP/dhclient.log"
	fail "the LAN host has no address of the range: $(lan ip -6 -o addr show dev eth0 scope global)"
}
ok "the LAN host holds $leased"

step "dnsmasq's lease file names $leased"
grep -qw "$leased" "$E2E_TMP/dnsmasq.leases" ||
	fail "dnsmasq's leases: $(cat "$E2E_TMP/dnsmasq.leases")"
ok "$(grep -w "$leased" "$E2E_TMP/dnsmasq.leases")"

step "from $leased the LAN host reaches the router"
lan ping -6 -n -c 1 -W 2 -I "$leased" 2001:db8:1::1 >/dev/null ||
	fail "no answer to ping from $leased to 2001:db8:1::1"
ok "2001:db8:1::1 answers $leased"
