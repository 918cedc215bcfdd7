#!/bin/bash
# ARP: a burst of requests, each punted to the control lcore and freed
# there, leaves the port receiving.  With DPDK 22.11's af_xdp PMD (the lab's
# ports) a packet pool whose objects lie past what the PMD registered as
# its umem lost a fill-ring slot for each such object it was given, until
# the port received nothing more: the pool is packed where IOVAs are
# virtual addresses (dp_pool_create).  Frames held in the punt path make
# the pool hand out all of its objects, which a ping alone never does.
. "$(dirname "$0")/lib.sh"
e2e_up arpf

rx() { cli -j link show lan | json '[l for l in d if l["ifname"] == "lan"][0]["stats64"]["rx"]["'"$1"'"]'; }
in_use() { cli -j stats | json 'd["pool"]["in_use"]'; }

ping_ok lan 1 192.168.1.1 || fail "the router does not answer before the burst"
idle=$(in_use)
rx0=$(rx packets) miss0=$(rx missed_errors)

step "40 000 ARP requests from the LAN host: for another host's address, then for the router's"
lan timeout 60 "$PY" - <<'PYEOF' || fail "the ARP sender failed"
from scapy.all import ARP, Ether, conf, get_if_hwaddr
conf.verb = 0
me = get_if_hwaddr("eth0")
s = conf.L2socket(iface="eth0")
for target in ("192.168.1.77", "192.168.1.1"):
    f = bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src=me) /
              ARP(op=1, hwsrc=me, psrc="192.168.1.10", pdst=target))
    for _ in range(20000):
        s.send(f)
PYEOF
sleep 1
rx1=$(rx packets) miss1=$(rx missed_errors)
echo "  lan: received $((rx1 - rx0)), missed $((miss1 - miss0)) of 40000"
[ $((rx1 - rx0 + miss1 - miss0)) -ge 40000 ] || fail "frames neither received nor counted missed"

step "the port still receives: pings answered, the pool back to its idle use"
ping_ok lan 3 192.168.1.1 || fail "the router stopped answering after the ARP burst (lan receives nothing)"
rx2=$(rx packets)
[ "$rx2" -gt "$rx1" ] || fail "lan's rx counter did not move after the burst"
for i in $(seq 20); do [ "$(in_use)" -le $((idle + 64)) ] && break; sleep 0.2; done
[ "$(in_use)" -le $((idle + 64)) ] || fail "the pool holds $(in_use) mbufs after the burst, $idle before"
ok "an ARP burst leaves the port receiving and the pool as it was"
