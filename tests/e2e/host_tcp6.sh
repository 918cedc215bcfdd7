#!/bin/bash
# Host path, IPv6: with `host = yes` on both ports, the host interfaces
# carry the ports' IPv6 addresses (one link-local, the port's); a TCP
# service in the router namespace's kernel is reached from the LAN host at
# the router's global and link-local addresses (the kernel resolves the
# LAN host with its own solicitations: the advertisements come back through
# the host path) while IPv6 is forwarded to the WAN; the router answers a
# solicitation once, not once more from the kernel; an address the host
# adds is the port's (`proto host`), answered for, and goes with it.
. "$(dirname "$0")/lib.sh"
export SLUICE_LAB_HOST=yes
e2e_up htcp6 "" ip6

ll=$(cli -j addr show dev lan | json '[a["local"] for a in d[0]["addr_info"] if a["scope"] == "link"][0]')
step "the host's lan has 2001:db8:1::1/64 and the port's link-local $ll, nothing else"
have_addr() { rt ip -6 addr show dev lan | grep -q "inet6 2001:db8:1::1/64"; }
lab_wait 10 "2001:db8:1::1/64 on the host's lan" have_addr || fail "not there: $(rt ip -6 addr show dev lan)"
[ "$(rt ip -6 addr show dev lan scope link | awk '/inet6/ { print $2 }')" = "$ll/64" ] ||
	fail "the host's link-locals: $(rt ip -6 addr show dev lan scope link)"
rt ip -6 addr show dev wan | grep -q "inet6 2001:db8:2::2/64" || fail "2001:db8:2::2/64 is not on the host's wan"
ok "lan: 2001:db8:1::1/64, $ll/64; wan: 2001:db8:2::2/64"

mkdir -p "$E2E_TMP/www"
echo "router's own $$" >"$E2E_TMP/www/r.txt"
http_server rt :: 8000 "$E2E_TMP/www" "$E2E_TMP/rt.log"

step "TCP from the LAN host to the router's global and link-local addresses, with IPv6 forwarded meanwhile"
before=$(stat_value '^punted$')
lan ping -6 -n -c 20 -i 0.1 -W 2 2001:db8:2::1 >"$E2E_TMP/ping" 2>&1 &
pingpid=$!
for u in "http://[2001:db8:1::1]:8000/r.txt" "http://[$ll%eth0]:8000/r.txt"; do
	got=$(lan curl -g -sS --fail --max-time 10 "$u") || fail "no answer from $u"
	[ "$got" = "router's own $$" ] || fail "$u: got '$got'"
done
wait_gone "$pingpid" 20 || fail "the ping did not end"
grep -q " 20 received" "$E2E_TMP/ping" || fail "forwarded IPv6 suffered: $(tail -2 "$E2E_TMP/ping")"
grep -q "^2001:db8:1::10 .*GET /r.txt" "$E2E_TMP/rt.log" || fail "the router's server did not see 2001:db8:1::10: $(cat "$E2E_TMP/rt.log")"
grep -q "^fe80::.*GET /r.txt" "$E2E_TMP/rt.log" || fail "the router's server did not see a link-local client: $(cat "$E2E_TMP/rt.log")"
after=$(stat_value '^punted$')
[ "$after" -gt "$before" ] || fail "stats: punted did not grow ($before -> $after)"
lmac=$(lan cat /sys/class/net/eth0/address)
rt ip -6 neigh show dev lan | grep "2001:db8:1::10 " | grep -qi "$lmac" ||
	fail "the host's kernel did not resolve 2001:db8:1::10: $(rt ip -6 neigh show dev lan)"
ok "both fetched; 20 of 20 forwarded; the host resolved 2001:db8:1::10 at $lmac; punted $before -> $after"

step "a solicitation for the router's address is answered once"
lan ip -6 neigh flush dev eth0
lan timeout 6 tcpdump -l -n -i eth0 'icmp6 and ip6[40] == 136' >"$E2E_TMP/na" 2>/dev/null &
tdpid=$!
sleep 2
lan ping -6 -n -c 1 -W 2 2001:db8:1::1 >/dev/null || fail "no echo reply from 2001:db8:1::1"
wait_gone "$tdpid" 10 || fail "tcpdump did not end"
cat "$E2E_TMP/na"
n=$(grep -c "neighbor advertisement, tgt is 2001:db8:1::1," "$E2E_TMP/na")
[ "$n" = 1 ] || fail "$n advertisements for 2001:db8:1::1 (the kernel must not answer as well)"
ok "one advertisement"

step "an address the host adds is the port's (proto host), answered for, and goes with it"
rt ip -6 addr add 2001:db8:1::77/64 dev lan || fail "ip -6 addr add failed"
made() { cli addr show dev lan | grep -q "inet6 2001:db8:1::77/64 .*proto host"; }
lab_wait 10 "2001:db8:1::77 in sluice addr show, proto host" made || fail "$(cli addr show dev lan)"
[ "$(cli -j addr show dev lan | json '[a.get("protocol") for a in d[0]["addr_info"] if a["local"] == "2001:db8:1::77"][0]')" = host ] ||
	fail "addr show -j: $(cli -j addr show dev lan)"
ping_ok lan 3 2001:db8:1::77 || fail "the router does not answer 2001:db8:1::77"
got=$(lan curl -g -sS --fail --max-time 10 "http://[2001:db8:1::77]:8000/r.txt") || fail "no TCP to 2001:db8:1::77"
[ "$got" = "router's own $$" ] || fail "got '$got'"
rt ip -6 addr del 2001:db8:1::77/64 dev lan || fail "ip -6 addr del failed"
gone() { ! cli addr show dev lan | grep -q "2001:db8:1::77"; }
lab_wait 10 "2001:db8:1::77 gone from sluice" gone || fail "still there: $(cli addr show dev lan)"
ok "2001:db8:1::77: proto host, pinged, served, removed"

step "the host removing one of the port's own addresses gets it back"
rt ip -6 addr del 2001:db8:1::1/64 dev lan || fail "ip -6 addr del 2001:db8:1::1 failed"
lab_wait 10 "2001:db8:1::1/64 back on the host's lan" have_addr || fail "not put back: $(rt ip -6 addr show dev lan)"
cli addr show dev lan | grep -q "inet6 2001:db8:1::1/64" || fail "sluice lost 2001:db8:1::1"
ok "put back"
