#!/bin/bash
# Two workers (lcores 1 and 2, sharing CPU 1 on a 2-core machine): every
# port has two queue pairs, af_packet's fanout spreads flows over them, so
# the two directions of a NAT flow may be handled by different workers.
# Forwarding, masquerade and port forwarding must not care.  af_packet
# ports: a veth has one queue, so af_xdp (the lab's default) takes one
# worker only.
. "$(dirname "$0")/lib.sh"
export SLUICE_LAB_LCORES=0@0,1@1,2@1
e2e_up wrkrs packet

step "the dataplane runs two workers"
grep -q "2 worker(s)" "$(lab_state "$LAB")/dataplane.log" || fail "not two workers: $(head -5 "$(lab_state "$LAB")/dataplane.log")"
ok "two workers"

step "ping across, 20 echoes"
lan ping -n -q -c 20 -i 0.05 -W 2 203.0.113.1 | grep -q " 20 received" || fail "ping lost packets"
ok "20/20"

mkdir -p "$E2E_TMP/www"
head -c 2000000 /dev/urandom >"$E2E_TMP/www/blob"
http_server wan 203.0.113.1 8000 "$E2E_TMP/www" "$E2E_TMP/server.log"
step "20 HTTP fetches through masquerade (20 flows, new source ports each)"
want=$(sha256sum <"$E2E_TMP/www/blob")
for i in $(seq 20); do
	got=$(lan curl -sS --fail --max-time 10 http://203.0.113.1:8000/blob | sha256sum) ||
		fail "fetch $i failed"
	[ "$got" = "$want" ] || fail "fetch $i: content differs"
done
grep -q '192\.168\.1\.10' "$E2E_TMP/server.log" && fail "the LAN address leaked to the WAN"
ok "20 x 2 MB byte-exact, the server saw only 203.0.113.2"

step "iperf3 TCP for 4 s through the NAT"
wan iperf3 -s -1 -B 203.0.113.1 -p 5201 >"$E2E_TMP/iperf.log" 2>&1 &
spid=$!
wait_listen wan 5201 || fail "iperf3 server did not start"
lan timeout 30 iperf3 -c 203.0.113.1 -p 5201 -t 4 -P 4 -J >"$E2E_TMP/c.json" ||
	fail "iperf3 client failed: $(tail -c 500 "$E2E_TMP/c.json")"
bytes=$(json 'd["end"]["sum_received"]["bytes"]' <"$E2E_TMP/c.json")
[ "$bytes" -gt 1000000 ] || fail "only $bytes bytes crossed"
wait_gone "$spid" 10 || fail "the iperf3 server did not finish"
ok "$bytes bytes over 4 parallel streams"

step "no flow has two mappings: one session per inside port"
cli -j nat session show >"$E2E_TMP/s.json" || fail "nat session show failed"
dups=$(json 'len([k for k in {(s["protocol"], s["inside_port"], s["remote_addr"], s["remote_port"]) for s in d} if sum(1 for s in d if (s["protocol"], s["inside_port"], s["remote_addr"], s["remote_port"]) == k) > 1])' <"$E2E_TMP/s.json")
[ "$dups" = 0 ] || fail "$dups flows have more than one session"
outs=$(json 'len(d) - len({(s["protocol"], s["outside_addr"], s["outside_port"], s["remote_addr"], s["remote_port"]) for s in d})' <"$E2E_TMP/s.json")
[ "$outs" = 0 ] || fail "two sessions share an outside tuple"
ok "$(json 'len(d)' <"$E2E_TMP/s.json") sessions, each flow once"
