#!/bin/bash
# Host path: with `host = yes` on both ports, a TCP service (python's
# http.server) listening on the router's LAN address in the router
# namespace's kernel is reached from the LAN host, while the LAN host's
# masqueraded traffic to the WAN keeps working; the host sees the LAN host
# through its own neighbour table (ARP copies).  `link set lan host off`
# takes the interface away (the router resets again), `host on` brings it
# back with its address.  Past the lab's masquerade the host also gets
# an unsolicited SYN from the WAN to a port from 1024 up, the ICMP error
# answering its own UDP and fragments for its address.
. "$(dirname "$0")/lib.sh"
export SLUICE_LAB_HOST=yes
e2e_up htcp

step "link show marks the host interfaces; the kernel has them with the ports' MACs"
cli link show | grep -q "host lan" || fail "link show: no 'host lan'"
cli -j link show | json 'd[1]["host"]' | grep -qx wan || fail "link show -j: wan has no host"
for p in lan wan; do
	mac=$(cli -j link show "$p" | json 'd[0]["address"]')
	kmac=$(rt cat "/sys/class/net/$p/address") || fail "no kernel interface $p"
	[ "$mac" = "$kmac" ] || fail "$p: kernel MAC $kmac, port MAC $mac"
done
rt ip -4 addr show dev lan | grep -q "inet 192\.168\.1\.1/24" || fail "192.168.1.1/24 is not on the host's lan"
rt ip -4 addr show dev wan | grep -q "inet 203\.0\.113\.2/24" || fail "203.0.113.2/24 is not on the host's wan"
ok "lan and wan in the router namespace, with the ports' MACs and addresses"

mkdir -p "$E2E_TMP/rtwww" "$E2E_TMP/wanwww"
echo "router's own $$" >"$E2E_TMP/rtwww/r.txt"
echo "wan side $$" >"$E2E_TMP/wanwww/w.txt"
http_server rt 192.168.1.1 8000 "$E2E_TMP/rtwww" "$E2E_TMP/rt.log"
http_server wan 203.0.113.1 8000 "$E2E_TMP/wanwww" "$E2E_TMP/wan.log"

step "the LAN host fetches from the router's own server, and through the NAT, at once"
before=$(stat_value '^punted$')
pids=()
for i in 1 2 3 4 5; do
	lan curl -sS --fail --max-time 10 -o "$E2E_TMP/r$i" http://192.168.1.1:8000/r.txt &
	pids+=($!)
	lan curl -sS --fail --max-time 10 -o "$E2E_TMP/w$i" http://203.0.113.1:8000/w.txt &
	pids+=($!)
done
for pid in "${pids[@]}"; do
	wait_gone "$pid" 20 || fail "a fetch did not end within 20 s"
done
for i in 1 2 3 4 5; do
	[ "$(cat "$E2E_TMP/r$i" 2>/dev/null)" = "router's own $$" ] || fail "fetch $i from 192.168.1.1:8000 failed"
	[ "$(cat "$E2E_TMP/w$i" 2>/dev/null)" = "wan side $$" ] || fail "fetch $i through the NAT failed"
done
grep -q '^192\.168\.1\.10 .*GET /r.txt' "$E2E_TMP/rt.log" || fail "the router's server did not see 192.168.1.10"
grep -q '^203\.0\.113\.2 .*GET /w.txt' "$E2E_TMP/wan.log" || fail "the WAN server did not see the masqueraded address"
after=$(stat_value '^punted$')
[ "$after" -gt "$before" ] || fail "stats: punted did not grow ($before -> $after)"
cli stats | sed -n '/^host:/,$p'
ok "5 fetches from the router's kernel and 5 through the NAT; punted $before -> $after"

step "past the masquerade: a WAN SYN from 1024 up, an ICMP error and fragments reach the host"
http_server rt 203.0.113.2 8004 "$E2E_TMP/rtwww" "$E2E_TMP/rt4.log"
got=$(wan curl -sS --fail --max-time 15 http://203.0.113.2:8004/r.txt) ||
	fail "the WAN host did not reach the router's server on 203.0.113.2:8004"
[ "$got" = "router's own $$" ] || fail "got '$got' from 203.0.113.2:8004"
untr=$(stat_value '^icmp_untranslatable$')
out=$(rt python3 -c 'import socket;s=socket.socket(2,2);s.settimeout(3);s.connect(("192.168.1.10",7));s.send(b"q")
try: s.recv(9); print("answered")
except ConnectionRefusedError: print("refused")
except socket.timeout: print("timeout")')
[ "$out" = refused ] || fail "UDP from the router to 192.168.1.10:7: $out, not refused (the LAN host's port unreachable)"
[ "$(stat_value '^icmp_untranslatable$')" = "$untr" ] || fail "icmp_untranslatable grew"
rt python3 -c 'import socket,sys;s=socket.socket(2,2);s.bind(("192.168.1.1",51820));s.settimeout(10)
d,a=s.recvfrom(4000);print(len(d),a[0])' >"$E2E_TMP/frag.out" &
fpid=$!
sleep 0.5
lan python3 -c 'import socket;s=socket.socket(2,2);s.sendto(b"x"*1600,("192.168.1.1",51820))'
wait_gone "$fpid" 15 || fail "the fragment listener did not end"
[ "$(cat "$E2E_TMP/frag.out")" = "1600 192.168.1.10" ] ||
	fail "the host's listener got '$(cat "$E2E_TMP/frag.out")', not 1600 bytes from 192.168.1.10"
ok "SYN to 203.0.113.2:8004 served, ECONNREFUSED from the LAN host, a 1600-byte datagram in fragments received"

step "the host's neighbour table learnt the LAN host from the copied ARP"
lmac=$(lan cat /sys/class/net/eth0/address)
rt ip neigh show dev lan | grep "192\.168\.1\.10 " | grep -qi "$lmac" ||
	fail "the router's kernel has no neighbour 192.168.1.10 at $lmac: $(rt ip neigh show dev lan)"
ok "192.168.1.10 at $lmac in the host's table"

step "link set lan host off: the interface goes, the router resets the port again"
cli link set lan host off || fail "link set lan host off failed"
rt test -e /sys/class/net/lan && fail "the host's lan is still there"
cli link show lan | grep -q "host lan" && fail "link show still says host lan"
out=$(lan curl -sS --max-time 5 http://192.168.1.1:8000/r.txt 2>&1) && fail "fetched with the host off: $out"
grep -qi "refused\|reset\|couldn.t connect" <<<"$out" || fail "expected a refused connection (the router's reset), got: $out"
ok "host off: $out"

step "link set lan host on: back, with its address"
cli link set lan host on || fail "link set lan host on failed"
rt ip -4 addr show dev lan | grep -q "inet 192\.168\.1\.1/24" || fail "192.168.1.1/24 is not back on lan"
http_server rt 192.168.1.1 8001 "$E2E_TMP/rtwww" "$E2E_TMP/rt2.log"
got=$(lan curl -sS --fail --max-time 10 http://192.168.1.1:8001/r.txt) || fail "no fetch after host on"
[ "$got" = "router's own $$" ] || fail "got '$got'"
ok "host on again: served"
