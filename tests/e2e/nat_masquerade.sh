#!/bin/bash
# NAT: an HTTP fetch from the LAN host to a WAN web server through
# `masquerade out wan`: the content arrives, the server saw the router's
# public address (never the LAN host's), and the session is listed.
. "$(dirname "$0")/lib.sh"
e2e_up nmasq

mkdir -p "$E2E_TMP/www"
echo "sluice masquerade $$" >"$E2E_TMP/www/hello.txt"
http_server wan 203.0.113.1 8000 "$E2E_TMP/www" "$E2E_TMP/server.log"

step "curl http://203.0.113.1:8000/hello.txt from the LAN host"
got=$(lan curl -sS --fail --max-time 10 http://203.0.113.1:8000/hello.txt) || fail "curl failed"
[ "$got" = "sluice masquerade $$" ] || fail "got '$got'"
sleep 0.2
cat "$E2E_TMP/server.log"
grep -q '^203\.0\.113\.2 .*GET /hello.txt' "$E2E_TMP/server.log" ||
	fail "the server's log does not show the router's address 203.0.113.2"
grep -q '192\.168\.1\.10' "$E2E_TMP/server.log" && fail "the LAN address leaked to the WAN"
ok "content right, the server saw 203.0.113.2"

step "sluice nat session show lists the flow"
sess=$(cli nat session show) || fail "nat session show failed"
echo "$sess"
grep "192\.168\.1\.10" <<<"$sess" | grep "203\.0\.113\.2" | grep -q "203\.0\.113\.1:8000" ||
	fail "no session 192.168.1.10 -> 203.0.113.2 -> 203.0.113.1:8000"
n=$(stat_value "created")
[ "$n" -ge 1 ] || fail "stats: sessions_created is $n"
ok "session listed, $n created"
