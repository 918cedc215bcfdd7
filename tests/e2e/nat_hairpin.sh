#!/bin/bash
# NAT: hairpinning: the LAN host reaches its own service through the
# router's public address 203.0.113.2:8080, and the connection's source is
# translated so the replies come back through the router.
. "$(dirname "$0")/lib.sh"
e2e_up nhair

mkdir -p "$E2E_TMP/www"
echo "hairpin $$" >"$E2E_TMP/www/index.txt"
http_server lan 192.168.1.10 80 "$E2E_TMP/www" "$E2E_TMP/server.log"

step "curl http://203.0.113.2:8080/index.txt from the LAN host itself"
got=$(lan curl -sS --fail --max-time 10 http://203.0.113.2:8080/index.txt) || fail "curl failed"
[ "$got" = "hairpin $$" ] || fail "got '$got'"
sleep 0.2
cat "$E2E_TMP/server.log"
grep -q '^203\.0\.113\.2 .*GET /index.txt' "$E2E_TMP/server.log" ||
	fail "the hairpinned request's source was not translated to 203.0.113.2"
ok "hairpin through 203.0.113.2:8080"
