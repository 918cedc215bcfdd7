#!/bin/bash
# sluice trace: a TTL-1 packet ends in "drop ttl_exceeded", a forwarded one
# in "forward" out of wan after its route, NAT and neighbour steps, one to
# an unreachable route names that type in its route step; -j gives
# one JSON object per packet; -c ends it, and no trace runs afterwards.
. "$(dirname "$0")/lib.sh"
e2e_up otrc

SLUICE=$SLUICE_BUILD/control/sluice
SOCK=$(lab_sock "$LAB")

traces() { cli -j stats | json "d['control']['traces']"; }
traces_are() { [ "$(traces)" = "$1" ]; }
wait_trace() { lab_wait 10 "a running trace" traces_are 1; }

# Make sure the LAN host and the WAN gateway are resolved, so that the
# traced packets meet no ARP on their way.
ping_ok lan 2 203.0.113.1 || fail "the lab does not forward"

step "trace -j dev lan -c 1 while the LAN host sends one ping with TTL 1"
timeout 30 "$SLUICE" -s "$SOCK" -j trace dev lan -c 1 >"$E2E_TMP/ttl.json" 2>"$E2E_TMP/ttl.err" &
tr=$!
wait_trace || fail "the trace did not start"
lan ping -n -c 1 -t 1 -W 2 203.0.113.1 >/dev/null 2>&1
wait_gone "$tr" 20 || fail "trace -c 1 did not end after one packet"
cat "$E2E_TMP/ttl.json" "$E2E_TMP/ttl.err"
"$PY" - "$E2E_TMP/ttl.json" <<'PYEOF' || fail "the TTL-1 packet's trace is not a drop ttl_exceeded"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
d = json.loads(lines[0])
assert d["in"] == "lan", d
assert d["verdict"] == "drop" and d["reason"] == "ttl_exceeded", d
assert d["out"] is None, d
assert "ICMP echo request" in d["headers"], d
assert d["steps"][0] == "valid 192.168.1.10 > 203.0.113.1", d
assert d["steps"][1] == "route 203.0.113.1 connected dev wan", d
PYEOF

step "trace -j (every port) -c 1 while the LAN host sends one ping"
timeout 30 "$SLUICE" -s "$SOCK" -j trace -c 1 >"$E2E_TMP/fwd.json" 2>&1 &
tr=$!
wait_trace || fail "the trace did not start"
lan ping -n -c 1 -W 2 203.0.113.1 >/dev/null 2>&1 || fail "the ping was not answered"
wait_gone "$tr" 20 || fail "trace -c 1 did not end after one packet"
cat "$E2E_TMP/fwd.json"
"$PY" - "$E2E_TMP/fwd.json" <<'PYEOF' || fail "the forwarded packet's trace is wrong"
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
d = json.loads(lines[0])
assert d["in"] == "lan" and d["verdict"] == "forward" and d["out"] == "wan", d
assert d["reason"] is None, d
s = d["steps"]
assert s[0] == "valid 192.168.1.10 > 203.0.113.1", s
assert s[1] == "route 203.0.113.1 connected dev wan", s
# masquerade: the source becomes the router's wan address
assert re.fullmatch(r"nat postrouting 203\.0\.113\.2:\d+ > 203\.0\.113\.1:\d+", s[2]), s
assert re.fullmatch(r"neigh 203\.0\.113\.1 dev wan lladdr ([0-9a-f]{2}:){5}[0-9a-f]{2}", s[3]), s
assert len(s) == 4, s
PYEOF

step "text output: the reply comes back in on wan, through the NAT, out on lan"
timeout 30 "$SLUICE" -s "$SOCK" trace dev wan -c 1 >"$E2E_TMP/text.txt" 2>&1 &
tr=$!
wait_trace || fail "the trace did not start"
lan ping -n -c 1 -W 2 203.0.113.1 >/dev/null 2>&1 || fail "the ping was not answered"
wait_gone "$tr" 20 || fail "trace -c 1 did not end after one packet"
cat "$E2E_TMP/text.txt"
grep -q " in wan IP 203.0.113.1 > 203.0.113.2: ICMP echo reply" "$E2E_TMP/text.txt" ||
	fail "no ingress line for the reply"
grep -Eq "^    nat prerouting 203.0.113.1:[0-9]+ > 192.168.1.10:[0-9]+$" "$E2E_TMP/text.txt" ||
	fail "no NAT step for the reply"
grep -q "^    route 192.168.1.10 connected dev lan$" "$E2E_TMP/text.txt" || fail "no route step"
grep -q "^    forward dev lan$" "$E2E_TMP/text.txt" || fail "no forward verdict"

step "a ping to the router is local; with -c 0 the trace runs until Ctrl-C"
timeout 30 "$SLUICE" -s "$SOCK" -j trace dev lan -c 0 >"$E2E_TMP/local.json" 2>&1 &
tr=$!
wait_trace || fail "the trace did not start"
lan ping -n -c 1 -W 2 192.168.1.1 >/dev/null 2>&1 || fail "the router did not answer"
sleep 0.5
kill -INT "$tr"
wait_gone "$tr" 10 || fail "SIGINT did not end the trace"
cat "$E2E_TMP/local.json"
"$PY" - "$E2E_TMP/local.json" <<'PYEOF' || fail "the ping to the router is not traced as local"
import json, sys
ds = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
assert any(d["verdict"] == "local" and "ICMP echo request" in d["headers"] and
           "local protocol 1" in d["steps"] for d in ds), ds
PYEOF
[ "$(traces)" = 0 ] || fail "a trace still runs after Ctrl-C"
step "a packet to an unreachable route: its route step names the type"
cli route add unreachable 10.84.0.0/16 || fail "route add unreachable 10.84.0.0/16"
timeout 30 "$SLUICE" -s "$SOCK" trace dev lan -c 1 >"$E2E_TMP/unreach.txt" 2>&1 &
tr=$!
wait_trace || fail "the trace did not start"
lan ping -n -c 1 -W 2 10.84.0.1 >/dev/null 2>&1
wait_gone "$tr" 20 || fail "trace -c 1 did not end after one packet"
cat "$E2E_TMP/unreach.txt"
grep -q "^    route 10.84.0.1 unreachable$" "$E2E_TMP/unreach.txt" || fail "no 'route 10.84.0.1 unreachable' step"
cli route del 10.84.0.0/16 || fail "route del 10.84.0.0/16"
ok "trace shows drop ttl_exceeded, forward with route, NAT and neighbour, and local"
