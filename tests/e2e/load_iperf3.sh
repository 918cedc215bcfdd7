#!/bin/bash
# Load: iperf3 TCP for 10 s through the NAT with no stalled second, and the
# packet pool's use back to where it started afterwards (no mbuf leak).
. "$(dirname "$0")/lib.sh"
e2e_up lload

ping_ok lan 2 203.0.113.1 || fail "no ping before"
p0=$(pool_in_use)
[[ "$p0" =~ ^[0-9]+$ ]] || fail "sluice -j stats has no pool in_use ($p0)"
echo "pool in use before: $p0"

wan iperf3 -s -1 -B 203.0.113.1 -p 5201 >"$E2E_TMP/server.log" 2>&1 &
spid=$!
wait_listen wan 5201 || fail "iperf3 server did not start"
step "iperf3 -c 203.0.113.1 -t 10 -i 1 from the LAN host"
lan timeout 40 iperf3 -c 203.0.113.1 -p 5201 -t 10 -i 1 -J >"$E2E_TMP/c.json" ||
	fail "iperf3 failed: $(tail -c 500 "$E2E_TMP/c.json")"
json '"\n".join("%5.1f-%5.1f s %10d bytes" % (i["sum"]["start"], i["sum"]["end"], i["sum"]["bytes"]) for i in d["intervals"])' <"$E2E_TMP/c.json"
stalls=$(json 'sum(1 for i in d["intervals"] if i["sum"]["bytes"] == 0)' <"$E2E_TMP/c.json")
n=$(json 'len(d["intervals"])' <"$E2E_TMP/c.json")
bps=$(json 'int(d["end"]["sum_received"]["bits_per_second"])' <"$E2E_TMP/c.json")
echo "average $((bps / 1000000)) Mbit/s over $n intervals"
[ "$n" -ge 10 ] || fail "only $n intervals"
[ "$stalls" = 0 ] || fail "$stalls one-second intervals moved no data"
wait_gone "$spid" 10 || fail "the iperf3 server did not finish"

step "the packet pool returns to its starting use"
# af_xdp frees a queue's sent mbufs at its next transmit: a ping, as before
# p0 was read, leaves as many in flight as then.
settled() { ping_ok lan 2 203.0.113.1 && [ "$(pool_in_use)" -le "$p0" ]; }
lab_wait 5 "pool use back to $p0" settled || fail "pool in use $(pool_in_use) after the load, $p0 before"
ok "no stall, pool in use back to $(pool_in_use) (was $p0)"
