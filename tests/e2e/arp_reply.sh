#!/bin/bash
# ARP: the router answers requests for its own address on that port, with
# that port's MAC, and stays silent for anything else (another host's
# address, its own address on the other port); a request learns its sender
# only when the sender is on one of the port's networks.
. "$(dirname "$0")/lib.sh"
e2e_up arpr

mac=$(cli -j link show lan | json '[l for l in d if l["ifname"] == "lan"][0]["address"]') ||
	fail "no MAC for lan in link show"
step "ARP requests from the LAN host (scapy), router lan MAC $mac"
out=$(lan "$PY" - <<'PYEOF' 2>&1
from scapy.all import ARP, Ether, conf, srp
conf.verb = 0
for ip in ("192.168.1.1", "192.168.1.77", "203.0.113.2", "192.168.1.10"):
    ans, _ = srp(Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, psrc="192.168.1.10", pdst=ip),
                 iface="eth0", timeout=1.5)
    macs = sorted({r[ARP].hwsrc for _, r in ans if r[ARP].op == 2 and r[ARP].psrc == ip})
    print(ip, ",".join(macs) or "none")
PYEOF
)
echo "$out"
grep -qx "192.168.1.1 $mac" <<<"$out" || fail "192.168.1.1 was not answered with the lan port's MAC"
grep -qx "192.168.1.77 none" <<<"$out" || fail "someone answered for 192.168.1.77"
grep -qx "203.0.113.2 none" <<<"$out" || fail "the lan port answered for the wan port's address"
grep -qx "192.168.1.10 none" <<<"$out" || fail "the router answered for the LAN host's address"
ok "the router answers for 192.168.1.1 only"

step "a request for the router learns its sender only when the sender is on lan's network"
out=$(lan "$PY" - <<'PYEOF' 2>&1
from scapy.all import ARP, Ether, conf, srp
conf.verb = 0
for src in ("10.9.9.9", "192.168.1.55"):
    ans, _ = srp(Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, psrc=src, pdst="192.168.1.1"),
                 iface="eth0", timeout=1.5)
    print(src, "answered" if any(r[ARP].op == 2 for _, r in ans) else "unanswered")
PYEOF
)
echo "$out"
grep -qx "10.9.9.9 answered" <<<"$out" || fail "a request from an off-link sender was not answered"
grep -qx "192.168.1.55 answered" <<<"$out" || fail "a request from 192.168.1.55 was not answered"
cli neigh show | grep -q "^192\.168\.1\.55 dev lan lladdr" || fail "the on-link sender 192.168.1.55 was not learned"
cli neigh show | grep -q "^10\.9\.9\.9 " && fail "the off-link sender 10.9.9.9 was learned"
ok "only senders on the port's networks are learned"
