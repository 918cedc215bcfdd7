#!/bin/bash
# Control: SIGHUP makes sluiced re-read its file and apply only the
# difference: a new route is added, a removed NAT rule goes, and routes
# added with the CLI stay.  Then the old file back: the reverse.  A changed
# NAT rule keeps its place in the file's order, and an unchanged file
# changes nothing.
. "$(dirname "$0")/lib.sh"
e2e_up chup

conf=$(lab_conf "$LAB")
cp "$conf" "$E2E_TMP/orig.ini"
mkdir -p "$E2E_TMP/www"
echo "forwarded $$" >"$E2E_TMP/www/f"
http_server lan 192.168.1.10 80 "$E2E_TMP/www" "$E2E_TMP/server.log"
wan curl -sS --fail --max-time 5 http://203.0.113.2:8080/f >/dev/null || fail "the port forward does not work at start"

step "a route from the CLI: 10.99.0.0/16 via 203.0.113.4"
cli route add 10.99.0.0/16 via 203.0.113.4 || fail "route add failed"

step "edit the file: + route 198.51.100.0/24 via 203.0.113.3, - the dnat rule; SIGHUP"
sed -i -e '/^route = default via/a route = 198.51.100.0/24 via 203.0.113.3 metric 5' \
       -e '/^rule = dnat/d' "$conf"
pid=$(lab_pid "$LAB" sluiced) || fail "sluiced is not running"
kill -HUP "$pid"
applied() {
	cli route show | grep -q "^198\.51\.100\.0/24" && ! cli nat rule show | grep -q dnat
}
lab_wait 5 "the reload" applied || fail "the reload was not applied within 5 s"
cli route show
cli nat rule show
cli route get 198.51.100.1 | grep -q "via 203\.0\.113\.3" || fail "198.51.100.1 does not go via 203.0.113.3"
cli route show | grep -q "^10\.99\.0\.0/16 via 203\.0\.113\.4" || fail "the CLI route was removed by the reload"
cli route show | grep -qw default || fail "the unchanged default route went"
cli nat rule show | grep -q masquerade || fail "the unchanged masquerade rule went"
wan curl -sS --max-time 3 http://203.0.113.2:8080/f >/dev/null 2>&1 && fail "the removed port forward still works"
kill -0 "$pid" || fail "sluiced exited on SIGHUP"
ok "added the route, removed the dnat rule, kept the CLI route"

step "the original file back; SIGHUP"
cp "$E2E_TMP/orig.ini" "$conf"
kill -HUP "$pid"
reverted() {
	! cli route show | grep -q "^198\.51\.100\.0/24" && cli nat rule show | grep -q dnat
}
lab_wait 5 "the second reload" reverted || fail "the second reload was not applied within 5 s"
cli route show | grep -q "^10\.99\.0\.0/16" || fail "the CLI route was removed by the second reload"
got=$(wan curl -sS --fail --max-time 5 http://203.0.113.2:8080/f) || fail "the port forward did not come back"
[ "$got" = "forwarded $$" ] || fail "got '$got'"
ok "removed the route, restored the dnat rule, kept the CLI route"

# The dataplane matches NAT rules first to last: a changed rule must keep
# its place in the file's order, not move to the end.
rules() { cli nat rule show | sed 's/^[0-9]*: //'; }
step "three rules; SIGHUP; then the middle one changed (dport 8080 -> 8081); SIGHUP"
sed -i '/^rule = dnat/a rule = dnat in wan proto udp dport 5353 to 192.168.1.10:53' "$conf"
kill -HUP "$pid"
three() { [ "$(rules | wc -l)" = 3 ]; }
lab_wait 5 "the third rule" three || fail "the third rule was not added within 5 s"
sed -i 's/^rule = dnat in wan proto tcp dport 8080 /rule = dnat in wan proto tcp dport 8081 /' "$conf"
kill -HUP "$pid"
changed() { rules | grep -q "dport 8081 "; }
lab_wait 5 "the changed rule" changed || fail "the changed rule was not applied within 5 s"
cli nat rule show
want="masquerade out wan
dnat in wan proto tcp dport 8081 to 192.168.1.10:80
dnat in wan proto udp dport 5353 to 192.168.1.10:53"
[ "$(rules)" = "$want" ] || fail "the rules are not in the file's order: $(rules | tr '\n' ';')"
got=$(wan curl -sS --fail --max-time 5 http://203.0.113.2:8081/f) || fail "the changed port forward does not work"
[ "$got" = "forwarded $$" ] || fail "got '$got'"
ok "the changed middle rule kept its place"

step "SIGHUP with the file unchanged changes nothing (same rule ids)"
log=$(lab_state "$LAB")/sluiced.log
before=$(cli nat rule show)
napplied=$(grep -c "^configuration applied" "$log")
kill -HUP "$pid"
reloaded() { [ "$(grep -c "^configuration applied" "$log")" -gt "$napplied" ]; }
lab_wait 5 "the third reload" reloaded || fail "the reload of the unchanged file did not finish within 5 s"
grep "^configuration applied" "$log" | tail -n 1 | grep -q ": 0 changes, 0 failed" ||
	fail "an unchanged file made changes: $(tail -n 5 "$log" | tr '\n' ';')"
[ "$(cli nat rule show)" = "$before" ] || fail "an unchanged file changed the rules: $(cli nat rule show | tr '\n' ';')"
kill -0 "$pid" || fail "sluiced exited on SIGHUP"
ok "an unchanged file left everything alone"

# A route the dataplane refuses is logged as refused only, never as added
# first: the log follows the answers, not the requests.
step "a port whose device cannot be made, and a route through it; SIGHUP"
cp "$conf" "$E2E_TMP/before-bad.ini"
cat >>"$conf" <<EOF
[port bad]
device = net_af_xdp7,iface=nosuch$$
address = 10.50.0.1/24

[routes]
route = 10.60.0.0/16 via 10.50.0.2

[nat]
rule = masquerade out bad
EOF
napplied=$(grep -c "^configuration applied" "$log")
kill -HUP "$pid"
lab_wait 10 "the reload with a bad port" reloaded || fail "the reload did not finish within 10 s"
tail -n 12 "$log"
grep -q "route 10\.60\.0\.0/16 via 10\.50\.0\.2 not added" "$log" || fail "the refused route was not logged as refused"
grep -q "route 10\.60\.0\.0/16 via 10\.50\.0\.2 added" "$log" && fail "the refused route was logged as added"
grep -q "address 10\.50\.0\.1/24 dev bad not added: no port bad" "$log" ||
	fail "the address on the missing port was skipped without a word"
grep -q "nat rule masquerade out bad not added: no port bad" "$log" ||
	fail "the rule on the missing port was skipped without a word"
cp "$E2E_TMP/before-bad.ini" "$conf"
napplied=$(grep -c "^configuration applied" "$log")
kill -HUP "$pid"
lab_wait 10 "the reload without it" reloaded || fail "the reload without the bad port did not finish"
ok "refused, and said so once"

# A port's MAC cannot change in place: a new one in the file makes the port
# again, with its addresses, and traffic goes on.
step "[port wan] mac = 02:00:00:00:aa:01; SIGHUP"
sed -i '/^\[port wan\]/a mac = 02:00:00:00:aa:01' "$conf"
kill -HUP "$pid"
newmac() { cli -j link show wan | json 'd[0]["address"]' | grep -qx "02:00:00:00:aa:01"; }
lab_wait 5 "the new MAC" newmac || fail "the wan port did not get the new MAC within 5 s: $(tail -n 5 "$log" | tr '\n' ';')"
cli addr show | grep -q "203\.0\.113\.2/24" || fail "the wan address did not come back with the port"
lab_wait 5 "ping across" lan ping -n -c 1 -W 1 203.0.113.1 || fail "no traffic across after the MAC change"
ok "the port was made again with the new MAC; traffic goes on"
