#!/bin/bash
# IPv6 forwarding: ping -6 and a TCP download cross the router, routed
# untranslated (the WAN server sees the LAN host's own address, while the
# masquerade rule still translates IPv4); both families at once, byte-exact.
. "$(dirname "$0")/lib.sh"
e2e_up ip6fw "" ip6

step "LAN host pings the WAN host 2001:db8:2::1 and 2001:db8:99::1 (beyond the default route)"
for dst in 2001:db8:2::1 2001:db8:99::1; do
	out=$(lan ping -6 -n -c 20 -i 0.1 -W 2 "$dst" 2>&1)
	grep -q " 20 received" <<<"$out" || { echo "$out"; fail "pings to $dst were lost"; }
	grep -q "ttl=63" <<<"$out" || { echo "$out"; fail "replies from $dst did not come through one router (hop limit 63)"; }
done
ok "20 of 20 to each, hop limit decremented once"

mkdir -p "$E2E_TMP/www"
head -c $((4 * 1024 * 1024)) /dev/urandom >"$E2E_TMP/www/blob6"
head -c $((4 * 1024 * 1024)) /dev/urandom >"$E2E_TMP/www/blob4"
http_server wan 2001:db8:2::1 8006 "$E2E_TMP/www" "$E2E_TMP/server6.log"
http_server wan 203.0.113.1 8004 "$E2E_TMP/www" "$E2E_TMP/server4.log"

step "both families at once: 4 MB over IPv6, 4 MB over IPv4 (NAT), pings of both"
lan ping -6 -n -c 40 -i 0.05 -W 2 2001:db8:2::1 >"$E2E_TMP/ping6" 2>&1 &
p6=$!
lan ping -n -c 40 -i 0.05 -W 2 203.0.113.1 >"$E2E_TMP/ping4" 2>&1 &
p4=$!
lan curl -sS --fail --max-time 60 -o "$E2E_TMP/got4" http://203.0.113.1:8004/blob4 &
c4=$!
lan curl -sS --fail --max-time 60 -o "$E2E_TMP/got6" "http://[2001:db8:2::1]:8006/blob6" ||
	fail "the IPv6 download failed"
wait "$c4" || fail "the IPv4 download failed"
wait_gone "$p6" 30 && wait_gone "$p4" 30 || fail "the pings did not end"
for f in 4 6; do
	want=$(sha256sum <"$E2E_TMP/www/blob$f" | cut -d' ' -f1)
	got=$(sha256sum <"$E2E_TMP/got$f" | cut -d' ' -f1)
	[ "$want" = "$got" ] || fail "IPv$f: sha256 differs: sent $want, got $got"
done
grep -q " 40 received" "$E2E_TMP/ping6" || { cat "$E2E_TMP/ping6"; fail "IPv6 pings lost during the downloads"; }
grep -q " 40 received" "$E2E_TMP/ping4" || { cat "$E2E_TMP/ping4"; fail "IPv4 pings lost during the downloads"; }
ok "both downloads byte-exact, 40 of 40 pings of each family"

step "IPv6 is routed untranslated, IPv4 masqueraded"
cat "$E2E_TMP/server6.log" "$E2E_TMP/server4.log"
grep -q '^2001:db8:1::10 .*GET /blob6' "$E2E_TMP/server6.log" ||
	fail "the IPv6 server did not see the LAN host's own address 2001:db8:1::10"
grep -q '^203\.0\.113\.2 .*GET /blob4' "$E2E_TMP/server4.log" ||
	fail "the IPv4 server did not see the router's address 203.0.113.2"
ok "IPv6 client 2001:db8:1::10 as sent, IPv4 client as 203.0.113.2"

step "the ports counted the traffic"
links=$(cli -j link show) || fail "sluice -j link show failed"
txw=$(json '[l for l in d if l["ifname"] == "wan"][0]["stats64"]["tx"]["bytes"]' <<<"$links")
[ "$txw" -ge 50000 ] || fail "wan tx bytes $txw: the uploads' acks and requests are missing"
txl=$(json '[l for l in d if l["ifname"] == "lan"][0]["stats64"]["tx"]["bytes"]' <<<"$links")
[ "$txl" -ge $((8 * 1024 * 1024)) ] || fail "lan tx bytes $txl < the 8 MB downloaded"
ok "lan tx $txl bytes, wan tx $txw bytes"
