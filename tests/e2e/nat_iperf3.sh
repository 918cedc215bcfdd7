#!/bin/bash
# NAT: iperf3 TCP from the LAN host to the WAN host through masquerade, both
# directions.
. "$(dirname "$0")/lib.sh"
e2e_up niperf

for dir in "" -R; do
	wan iperf3 -s -1 -B 203.0.113.1 -p 5201 >"$E2E_TMP/server.log" 2>&1 &
	spid=$!
	wait_listen wan 5201 || fail "iperf3 server did not start"
	step "iperf3 -c 203.0.113.1 -t 4 $dir"
	lan timeout 30 iperf3 -c 203.0.113.1 -p 5201 -t 4 $dir -J >"$E2E_TMP/c.json" ||
		fail "iperf3 client failed: $(tail -c 500 "$E2E_TMP/c.json")"
	read -r bytes bps <<<"$(json '"%d %d" % (d["end"]["sum_received"]["bytes"], d["end"]["sum_received"]["bits_per_second"])' <"$E2E_TMP/c.json")"
	echo "received $bytes bytes, $((bps / 1000000)) Mbit/s"
	[ "$bytes" -gt 1000000 ] || fail "only $bytes bytes crossed"
	wait_gone "$spid" 10 || fail "the iperf3 server did not finish"
done
ok "iperf3 through the NAT both ways"
