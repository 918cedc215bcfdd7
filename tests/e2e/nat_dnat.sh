#!/bin/bash
# NAT: a WAN client reaches the LAN host's web server through the port
# forward `dnat in wan proto tcp dport 8080 to 192.168.1.10:80`; the server
# sees the client's own address.
. "$(dirname "$0")/lib.sh"
e2e_up ndnat

mkdir -p "$E2E_TMP/www"
echo "lan service $$" >"$E2E_TMP/www/index.txt"
http_server lan 192.168.1.10 80 "$E2E_TMP/www" "$E2E_TMP/server.log"

step "curl http://203.0.113.2:8080/index.txt from the WAN host"
got=$(wan curl -sS --fail --max-time 10 http://203.0.113.2:8080/index.txt) || fail "curl failed"
[ "$got" = "lan service $$" ] || fail "got '$got'"
sleep 0.2
cat "$E2E_TMP/server.log"
grep -q '^203\.0\.113\.1 .*GET /index.txt' "$E2E_TMP/server.log" ||
	fail "the LAN server did not see the WAN client's address 203.0.113.1"
step "a port with no forward stays closed"
wan curl -sS --max-time 3 http://203.0.113.2:8081/ >/dev/null 2>&1 && fail "203.0.113.2:8081 answered"
ok "port forward works and keeps the client's address"
