#!/bin/bash
# Host path, addresses both ways: an address added with `ip addr add` on the
# host interface is the port's (sluice addr show, proto host; it answers ARP
# and ping from the LAN, and brings its connected route); a reload leaves
# it; `ip addr del` removes it.  One of the port's own addresses removed by
# the host is put back; one the port refuses is taken off the interface.
# The interface's MTU and up state are the port's: set back when the host
# changes them.
. "$(dirname "$0")/lib.sh"
export SLUICE_LAB_HOST=yes
e2e_up haddr

step "ip addr add 192.168.1.77/24 and 10.77.0.1/24 on the host's lan"
rt ip addr add 192.168.1.77/24 dev lan || fail "ip addr add failed"
rt ip addr add 10.77.0.1/24 dev lan || fail "ip addr add failed"
has_addrs() { cli addr show lan | grep -q "inet 192\.168\.1\.77/24 .*proto host" &&
	      cli addr show lan | grep -q "inet 10\.77\.0\.1/24 .*proto host"; }
lab_wait 5 "the host's addresses on port lan" has_addrs || fail "not on port lan: $(cli addr show lan)"
cli addr show lan
cli -j addr show lan | json '[a["local"] for a in d[0]["addr_info"] if a.get("protocol") == "host"]' |
	grep -q '"192.168.1.77", "10.77.0.1"' || fail "addr show -j: no protocol host"
cli route show | grep -q "^10\.77\.0\.0/24 dev lan proto kernel" || fail "no connected route 10.77.0.0/24"
ok "both on port lan, proto host, with their connected route"

step "the LAN host reaches 192.168.1.77 (ARP and ping answered)"
lan ip neigh flush dev eth0
ping_ok lan 3 192.168.1.77 || fail "ping 192.168.1.77 failed"
rmac=$(cli -j link show lan | json 'd[0]["address"]')
lan ip neigh show 192.168.1.77 | grep -qi "$rmac" || fail "192.168.1.77 not resolved to the port's MAC $rmac"
ok "192.168.1.77 is at $rmac and answers"

step "a reload leaves the host's addresses alone"
kill -HUP "$(lab_pid "$LAB" sluiced)" || fail "no sluiced"
lab_wait 10 "the reload" grep -q "SIGHUP" "$(lab_state "$LAB")/sluiced.log"
sleep 1
cli addr show lan | grep -q "inet 192\.168\.1\.77/24" || fail "the reload removed 192.168.1.77"
grep -q "192\.168\.1\.77" "$(lab_state "$LAB")/sluiced.log" && fail "sluiced touched 192.168.1.77"
ping_ok lan 2 192.168.1.77 || fail "ping 192.168.1.77 failed after the reload"
ok "kept"

step "ip addr del: gone from the port"
rt ip addr del 192.168.1.77/24 dev lan || fail "ip addr del failed"
gone() { ! cli addr show lan | grep -q "192\.168\.1\.77"; }
lab_wait 5 "192.168.1.77 gone from port lan" gone || fail "still on lan: $(cli addr show lan)"
lan ip neigh flush dev eth0
lan ping -c 2 -W 1 192.168.1.77 >/dev/null 2>&1 && fail "192.168.1.77 still answers"
rt ip addr del 10.77.0.1/24 dev lan || fail "ip addr del failed"
lab_wait 5 "10.77.0.0/24 gone" sh -c "! $SLUICE_BUILD/control/sluice -s $(lab_sock "$LAB") route show | grep -q '^10\.77\.0\.0/24'" ||
	fail "the connected route 10.77.0.0/24 stayed"
ok "removed, with its route"

step "the host removes the port's own 192.168.1.1: it goes back on the interface"
rt ip addr del 192.168.1.1/24 dev lan || fail "ip addr del failed"
back() { rt ip -4 addr show dev lan | grep -q "inet 192\.168\.1\.1/24"; }
lab_wait 5 "192.168.1.1 back on the host's lan" back || fail "192.168.1.1 was not put back"
cli addr show lan | grep -q "inet 192\.168\.1\.1/24" || fail "port lan lost 192.168.1.1"
ok "put back"

step "an address the port refuses (wan's network) is taken off the host's lan, with the reason"
rt ip addr add 203.0.113.50/24 dev lan || fail "ip addr add 203.0.113.50/24 failed"
gone() { ! rt ip -4 addr show dev lan | grep -q "203\.0\.113\.50"; }
lab_wait 5 "203.0.113.50 off the host's lan" gone || fail "the refused address stays on the host's lan"
cli addr show lan | grep -q "203\.0\.113\.50" && fail "port lan took 203.0.113.50"
grep -q "address 203.0.113.50/24 not taken by the port, taken off the interface: .*two ports on one network" \
	"$(lab_state "$LAB")/dataplane.log" || fail "the dataplane's log does not say why"
ok "refused and taken off"

step "the host changes lan's MTU and sets it down: both are set back to the port's"
rt ip link set lan mtu 1300 || fail "ip link set lan mtu 1300"
rt ip link set lan down || fail "ip link set lan down"
synced() { rt ip link show lan | grep -q "mtu 1500 .*state UP\|<.*,UP,.*> mtu 1500"; }
lab_wait 5 "lan back at MTU 1500 and up" synced || fail "not set back: $(rt ip link show lan)"
grep -q "host lan: the host set MTU 1300, down; set back to the port's, MTU 1500, up" \
	"$(lab_state "$LAB")/dataplane.log" || fail "the dataplane's log does not say it"
ping_ok lan 2 192.168.1.1 || fail "the router no longer answers on lan"
ok "set back"

step "a frame past the port's MTU from the host (its MTU raised a moment) is a host_tx_drop, never sent"
txd() { stat_value '^host_tx_drops$'; }
before=$(txd)
hostmac=$(lan cat /sys/class/net/eth0/address)
lan timeout 10 tcpdump -n -i eth0 -c 1 -w "$E2E_TMP/big.pcap" 'ip[2:2] > 1500' >/dev/null 2>&1 &
cap=$!
sleep 1
rt ip link set lan mtu 4000 || fail "ip link set lan mtu 4000"
rt "$PY" - "$hostmac" <<'PYEOF' || fail "could not send the big frame"
import socket, struct, sys
dst = bytes.fromhex(sys.argv[1].replace(":", ""))
src = bytes.fromhex(open("/sys/class/net/lan/address").read().strip().replace(":", ""))
payload = bytes(3000)
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, 17, 0,
                 socket.inet_aton("192.168.1.1"), socket.inet_aton("192.168.1.10"))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("lan", 0))
s.send(dst + src + b"\x08\x00" + ip + payload)
PYEOF
grew() { [ "$(txd)" -gt "$before" ]; }
lab_wait 5 "host_tx_drops to grow" grew ||
	fail "host_tx_drops stayed at $before"
lab_wait 5 "lan back at MTU 1500" synced || fail "not set back: $(rt ip link show lan)"
kill "$cap" 2>/dev/null; wait "$cap" 2>/dev/null
[ -s "$E2E_TMP/big.pcap" ] && [ "$(tcpdump -r "$E2E_TMP/big.pcap" 2>/dev/null | grep -c .)" -gt 0 ] &&
	fail "the LAN host received the 3034-byte frame"
ok "host_tx_drops $before -> $(txd); nothing past 1500 reached the LAN"

step "sluice addr add puts an address on the interface; addr del takes it off"
cli addr add 192.168.1.88/24 dev lan || fail "addr add failed"
rt ip -4 addr show dev lan | grep -q "inet 192\.168\.1\.88/24" || fail "192.168.1.88 not on the host's lan"
cli addr show lan | grep "192\.168\.1\.88" | grep -q "proto host" && fail "192.168.1.88 shown as the host's"
cli addr del 192.168.1.88/24 dev lan || fail "addr del failed"
rt ip -4 addr show dev lan | grep -q "192\.168\.1\.88" && fail "192.168.1.88 still on the host's lan"
ok "both ways"

step "the dataplane restarts: its host interfaces come back with the ports' addresses"
old=$(rt cat /sys/class/net/lan/ifindex)
lab_stop "$LAB" dataplane
rt test -e /sys/class/net/lan && fail "the host's lan outlived the dataplane"
lab_start_dataplane "$LAB" || fail "the dataplane did not restart"
replayed() { rt ip -4 addr show dev lan | grep -q "inet 192\.168\.1\.1/24" &&
	     rt ip -4 addr show dev wan | grep -q "inet 203\.0\.113\.2/24"; }
lab_wait 30 "lan and wan back with their addresses" replayed || fail "not replayed: $(rt ip -4 addr)"
echo "lan was interface $old, is $(rt cat /sys/class/net/lan/ifindex)"
ping_ok lan 2 192.168.1.1 || fail "no ping to the router after the restart"
ok "back, with the addresses sluiced replayed"
