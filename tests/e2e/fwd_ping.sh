#!/bin/bash
# Forwarding: the router answers pings on any of its addresses, and pings
# from the LAN host cross it to the WAN host; the port counters saw them.
. "$(dirname "$0")/lib.sh"
e2e_up fping

step "LAN host pings the router's LAN address 192.168.1.1"
ping_ok lan 5 192.168.1.1 || fail "no full set of echo replies from 192.168.1.1"
step "LAN host pings the router's WAN address 203.0.113.2 (any router address answers)"
ping_ok lan 5 203.0.113.2 || fail "no full set of echo replies from 203.0.113.2"
step "WAN host pings the router's public address"
ping_ok wan 5 203.0.113.2 || fail "the WAN host got no full set of replies from 203.0.113.2"

step "LAN host pings the WAN host 203.0.113.1 across the router"
rx0=$(cli -j link show | json '[l for l in d if l["ifname"] == "lan"][0]["stats64"]["rx"]["packets"]') ||
	fail "sluice -j link show has no rx counter for lan"
ping_ok lan 20 203.0.113.1 || fail "pings across the router were lost"
ok "20 of 20 echo replies across the router"

links=$(cli -j link show) || fail "sluice -j link show failed"
rx1=$(json '[l for l in d if l["ifname"] == "lan"][0]["stats64"]["rx"]["packets"]' <<<"$links")
txw=$(json '[l for l in d if l["ifname"] == "wan"][0]["stats64"]["tx"]["packets"]' <<<"$links")
[ "$((rx1 - rx0))" -ge 20 ] || fail "lan rx packets grew by $((rx1 - rx0)), expected >= 20"
[ "$txw" -ge 20 ] || fail "wan tx packets $txw, expected >= 20"
ok "port counters: lan rx +$((rx1 - rx0)), wan tx $txw"
