#!/bin/bash
# ARP: learned entries show in `neigh show` and age out (short timers:
# --neigh-reachable 2 --neigh-stale 2); a static entry stays, permanent.
. "$(dirname "$0")/lib.sh"
export SLUICE_LAB_DP_ARGS="--neigh-reachable 2 --neigh-stale 2"
e2e_up arpn

# neigh_state ADDR: the entry's state, upper case ("" when absent).
neigh_state() {
	local j
	j=$(cli -j neigh show) || return 1
	"$PY" -c 'import json, sys
for n in json.load(sys.stdin):
    if n.get("dst") == sys.argv[1]:
        s = n.get("state", "")
        print((",".join(s) if isinstance(s, list) else str(s)).upper(), n.get("lladdr", ""), n.get("dev", ""))
        break' "$1" <<<"$j"
}

hostmac=$(lan cat /sys/class/net/eth0/address)
step "the LAN host pings the router: the router learns 192.168.1.10"
ping_ok lan 2 192.168.1.1 || fail "ping to the router failed"
read -r st mac dev <<<"$(neigh_state 192.168.1.10)"
[ "$mac" = "$hostmac" ] && [ "$dev" = lan ] ||
	fail "neigh show: 192.168.1.10 is '$st $mac $dev', expected lladdr $hostmac dev lan"
cli neigh show | grep -q 192.168.1.10 || fail "text neigh show lacks 192.168.1.10"
ok "learned 192.168.1.10 lladdr $mac dev lan ($st)"

step "a static entry: neigh add 192.168.1.50 lladdr 02:00:00:00:00:50 dev lan"
cli neigh add 192.168.1.50 lladdr 02:00:00:00:00:50 dev lan || fail "neigh add failed"

step "a host that goes silent: 192.168.1.20 asks for the router once (scapy), then never answers"
lan "$PY" - <<'PYEOF' || fail "scapy could not send"
from scapy.all import ARP, Ether, conf, sendp
conf.verb = 0
sendp(Ether(src="02:00:00:00:00:20", dst="ff:ff:ff:ff:ff:ff") /
      ARP(op=1, hwsrc="02:00:00:00:00:20", psrc="192.168.1.20", pdst="192.168.1.1"), iface="eth0")
PYEOF
learned20() { neigh_state 192.168.1.20 | grep -q 02:00:00:00:00:20; }
gone20() { local s; s=$(neigh_state 192.168.1.20) && [ -z "$s" ]; }
lab_wait 5 "192.168.1.20 in neigh show" learned20 || fail "192.168.1.20 was not learned"
ok "learned 192.168.1.20"

step "192.168.1.20 ages out (reachable 2 s, stale 2 s, then probes nobody answers)"
lab_wait 40 "192.168.1.20 to age out" gone20 || fail "192.168.1.20 never aged out"
ok "192.168.1.20 is gone"

read -r st mac dev <<<"$(neigh_state 192.168.1.50)"
[ "$st" = PERMANENT ] && [ "$mac" = 02:00:00:00:00:50 ] ||
	fail "the static entry is '$st $mac $dev' after the aging window, expected PERMANENT"
ok "static 192.168.1.50 stays, PERMANENT"
