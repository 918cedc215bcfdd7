#!/bin/bash
# Control: SIGHUP makes sluiced re-read its file and apply only the
# difference: a new route is added, a removed NAT rule goes, and routes
# added with the CLI stay.  Then the old file back: the reverse.
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
