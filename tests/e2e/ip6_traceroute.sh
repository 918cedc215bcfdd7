#!/bin/bash
# IPv6: traceroute -6 from the LAN host finds the router's LAN address as
# its first hop (hop limit exceeded, sent from the address of the port the
# probe came in on) and the WAN host as the second; UDP probes end with
# the WAN host's port unreachable, ICMPv6 ones with its echo reply.  sluice
# trace shows the IPv6 packets' steps and verdicts.
. "$(dirname "$0")/lib.sh"
e2e_up ip6tr "" ip6

for mode in udp icmp; do
	flag=""
	[ "$mode" = icmp ] && flag=-I
	step "traceroute -6 ($mode probes) from the LAN host to 2001:db8:99::1"
	out=$(lan traceroute -6 -n $flag -q 1 -w 2 -m 5 2001:db8:99::1 2>&1)
	echo "$out"
	hop1=$(awk '$1 == 1 { print $2 }' <<<"$out")
	hop2=$(awk '$1 == 2 { print $2 }' <<<"$out")
	[ "$hop1" = 2001:db8:1::1 ] || fail "$mode: first hop is '$hop1', expected the router 2001:db8:1::1"
	[ "$hop2" = 2001:db8:99::1 ] || fail "$mode: second hop is '$hop2', expected the destination"
	ok "$mode: hop 1 2001:db8:1::1, hop 2 2001:db8:99::1"
done

step "the router counted the expired hop limits"
n=$(stat_value '^ip6_hop_limit_exceeded$') || fail "sluice -j stats failed"
[ "$n" -ge 2 ] || fail "ip6_hop_limit_exceeded is $n, expected >= 2 (one per probe of hop 1)"
ok "ip6_hop_limit_exceeded: $n"

step "sluice trace follows IPv6: hop limit 1 dropped, a ping forwarded, one to the router local"
SLUICE=$SLUICE_BUILD/control/sluice
traces_are() { [ "$(cli -j stats | json "d['control']['traces']")" = "$1" ]; }
timeout 60 "$SLUICE" -s "$(lab_sock "$LAB")" -j trace dev lan -c 0 >"$E2E_TMP/trace6.json" 2>&1 &
tr=$!
lab_wait 10 "a running trace" traces_are 1 || fail "the trace did not start"
lan ping -6 -n -c 1 -t 1 -W 2 2001:db8:99::1 >/dev/null 2>&1
lan ping -6 -n -c 1 -W 2 2001:db8:99::1 >/dev/null 2>&1 || fail "the ping was not answered"
lan ping -6 -n -c 1 -W 2 2001:db8:1::1 >/dev/null 2>&1 || fail "the router did not answer"
sleep 0.5
kill -INT "$tr"
wait_gone "$tr" 10 || fail "SIGINT did not end the trace"
cat "$E2E_TMP/trace6.json"
"$PY" - "$E2E_TMP/trace6.json" <<'PYEOF' || fail "the IPv6 packets' traces are wrong"
import json, re, sys
ds = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
valid = "valid 2001:db8:1::10 > 2001:db8:99::1"
route = "route 2001:db8:99::1 via 2001:db8:2::1 dev wan"
assert any(d["verdict"] == "drop" and d["reason"] == "ip6_hop_limit_exceeded" and
           d["steps"] == [valid, route] for d in ds), ds
fwd = [d for d in ds if d["verdict"] == "forward"]
assert any(d["out"] == "wan" and d["steps"][:2] == [valid, route] and len(d["steps"]) == 3 and
           re.fullmatch(r"neigh 2001:db8:2::1 dev wan lladdr ([0-9a-f]{2}:){5}[0-9a-f]{2}",
                        d["steps"][2]) for d in fwd), ds
assert any(d["verdict"] == "local" and "local protocol 58" in d["steps"] and
           "valid 2001:db8:1::10 > 2001:db8:1::1" in d["steps"] for d in ds), ds
PYEOF
ok "trace: drop ip6_hop_limit_exceeded, forward out wan, local"
