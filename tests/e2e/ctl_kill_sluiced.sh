#!/bin/bash
# Control: killing sluiced (even with SIGKILL) leaves forwarding and NAT
# running: the tables live in the dataplane.
. "$(dirname "$0")/lib.sh"
e2e_up ckill

mkdir -p "$E2E_TMP/www"
echo "still here $$" >"$E2E_TMP/www/f"
http_server wan 203.0.113.1 8000 "$E2E_TMP/www" "$E2E_TMP/server.log"
ping_ok lan 2 203.0.113.1 || fail "no ping before"

step "kill -9 sluiced"
pid=$(lab_pid "$LAB" sluiced) || fail "sluiced is not running"
kill -KILL "$pid"
lab_wait 5 "sluiced to die" sh -c "! kill -0 $pid" || fail "sluiced did not die"

step "forwarding and NAT go on"
ping_ok lan 5 203.0.113.1 || fail "pings lost after sluiced died"
got=$(lan curl -sS --fail --max-time 10 http://203.0.113.1:8000/f) || fail "curl through the NAT failed"
[ "$got" = "still here $$" ] || fail "got '$got'"
cli route show | grep -qw default || fail "the default route is gone"
ok "the router forwards without sluiced"
