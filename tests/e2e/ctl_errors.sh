#!/bin/bash
# Control: errors name their real cause.  The dataplane's reason comes back
# in the netlink extended ack and is printed as iproute2 prints the
# kernel's ("Error: <reason>."), exit 1: a port whose device cannot be
# made (no such interface, no bus takes the string, no such PCI device),
# an MTU the device cannot carry, an IPv6 address on a port whose MTU is
# under 1280 (which takes IPv6 off the port), a multicast lladdr.  sluiced
# logs each refusal with FILE:LINE and the port.
. "$(dirname "$0")/lib.sh"
e2e_up cerr packet	# the MTU step quotes af_packet's frame-size limit

SLUICED=$SLUICE_BUILD/control/sluiced
conf=$(lab_conf "$LAB")
log=$(lab_state "$LAB")/sluiced.log

# expect_err WANT CMD...: CMD exits 1 and prints exactly WANT on stderr.
expect_err() {
	local want=$1 out rc
	shift
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	echo "$out"
	[ "$rc" = 1 ] || fail "'$*' exited $rc, expected 1"
	[ "$out" = "$want" ] || fail "'$*' printed '$out', expected '$want'"
}

step "a device string sluiced can tell is malformed: refused before the dataplane sees it"
cp "$conf" "$E2E_TMP/x.ini"
printf '\n[port x]\ndevice = x\n' >>"$E2E_TMP/x.ini"
lx=$(grep -n '^device = x$' "$E2E_TMP/x.ini" | cut -d: -f1)
expect_err "$E2E_TMP/x.ini:$lx: invalid device \"x\": neither a PCI address (0000:01:00.0) nor a virtual device (net_<driver><N>[,key=value...])" \
	lab_exec "$LAB" rt "$SLUICED" -c "$E2E_TMP/x.ini" -s "$(lab_sock "$LAB")" --oneshot
ok "device = x: FILE:LINE and why, exit 1"

step "two ports whose devices cannot be made"
cp "$conf" "$E2E_TMP/bad.ini"
cat >>"$E2E_TMP/bad.ini" <<'EOF'

[port dmz]
device = net_af_packet3,iface=nope
[port pci]
device = 0000:99:00.0
[port pcap]
device = net_pcap7,rx_pcap=/nonexistent/x.pcap
EOF
ldmz=$(grep -n '^device = net_af_packet3,iface=nope' "$E2E_TMP/bad.ini" | cut -d: -f1)
lpci=$(grep -n '^device = 0000:99:00.0' "$E2E_TMP/bad.ini" | cut -d: -f1)
lpcap=$(grep -n '^device = net_pcap7' "$E2E_TMP/bad.ini" | cut -d: -f1)
# What sluiced logs, after "FILE:" (the file differs below).
want_dmz="$ldmz: port dmz (device net_af_packet3,iface=nope) not created: no interface \"nope\" in the dataplane's network namespace."
want_pci="$lpci: port pci (device 0000:99:00.0) not created: no device 0000:99:00.0 (a PCI device must exist and be bound to a DPDK driver such as vfio-pci)."
# A driver's refusal: the reason it gave in its log, first.
want_pcap="$lpcap: port pcap (device net_pcap7,rx_pcap=/nonexistent/x.pcap) not created: the driver refused device \"net_pcap7,rx_pcap=/nonexistent/x.pcap\": open_single_rx_pcap(): Couldn't open /nonexistent/x.pcap: /nonexistent/x.pcap: No such file or directory."

# --check cannot tell these are wrong: the dataplane must.
"$SLUICED" --check -c "$E2E_TMP/bad.ini" || fail "--check refused a file only the dataplane can judge"
out=$(lab_exec "$LAB" rt "$SLUICED" -c "$E2E_TMP/bad.ini" -s "$(lab_sock "$LAB")" --oneshot 2>&1)
rc=$?
echo "$out"
[ "$rc" = 1 ] || fail "sluiced --oneshot exited $rc with ports that cannot be made, expected 1"
for w in "$want_dmz" "$want_pci" "$want_pcap"; do
	grep -qxF "$E2E_TMP/bad.ini:$w" <<<"$out" || fail "sluiced --oneshot did not say: $E2E_TMP/bad.ini:$w"
done
grep -q "permission denied\|Bad address\|no such port" <<<"$out" &&
	fail "a wrong errno's words are still printed"
cli link show | grep -qw lan || fail "the good ports went"
ok "sluiced --oneshot: each port that cannot be made is FILE:LINE with the dataplane's reason, exit 1"

step "the same file to the running sluiced (SIGHUP): its log says the same"
cp "$E2E_TMP/bad.ini" "$conf"
pid=$(lab_pid "$LAB" sluiced) || fail "sluiced is not running"
kill -HUP "$pid"
lab_wait 10 "sluiced's reload" grep -q "configuration applied: .* 3 failed" "$log" ||
	{ tail -20 "$log"; fail "sluiced did not count 3 failures"; }
for w in "$want_dmz" "$want_pci" "$want_pcap"; do
	grep -qxF "$conf:$w" "$log" || { tail -20 "$log"; fail "sluiced's log lacks: $conf:$w"; }
done
ok "sluiced's log names FILE:LINE, the port and the reason"

step "link set lan mtu 9000 on an af_packet port"
out=$(cli link set lan mtu 9000 2>&1)
rc=$?
echo "$out"
if [ "$rc" = 0 ]; then
	# A device sized for jumbo frames takes it: then it must show.
	cli link show lan | grep -q "mtu 9000" || fail "mtu 9000 accepted but not shown"
	cli link set lan mtu 1500 || fail "mtu back to 1500 refused"
	ok "the device takes MTU 9000 (its frames are large enough)"
else
	[ "$rc" = 1 ] || fail "link set mtu 9000 exited $rc, expected 1"
	grep -qx 'Error: MTU 9000 is more than the device takes: frame size 9018 > [0-9]*\.' <<<"$out" ||
		fail "link set mtu 9000 printed '$out', not the frame size reason"
	cli link show lan | grep -q "mtu 1500" || fail "the refused MTU changed the port"
	ok "an MTU the device cannot carry: its frame size reason"
fi

step "an MTU under 1280 takes IPv6 off the port, as the kernel does; over it again, the link-local returns"
ll6() { cli -j addr show dev lan | json '[a["local"] for a in d[0]["addr_info"] if a["family"] == "inet6"]'; }
[ "$(ll6)" != "[]" ] || fail "lan has no IPv6 address to begin with"
cli link set lan mtu 1000 || fail "link set lan mtu 1000 refused"
[ "$(ll6)" = "[]" ] || fail "lan kept IPv6 addresses at MTU 1000: $(ll6)"
expect_err "Error: port lan's MTU 1000 is under IPv6's minimum, 1280 (RFC 8200 5)." \
	cli addr add 2001:db8:77::1/64 dev lan
v6off() { cli -j stats | json 'd["drops"]["ip6_disabled"]'; }
before=$(v6off)
# Three echo requests to all nodes (scapy: the lab's hosts may have no IPv6).
lab_exec "$LAB" lan "$PY" -c 'import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import *
sendp(Ether(dst="33:33:00:00:00:01") / IPv6(src="fe80::2", dst="ff02::1") / ICMPv6EchoRequest(),
      iface="eth0", count=3, verbose=0)' || fail "scapy could not send on the lan host"
sleep 0.5
after=$(v6off)
echo "ip6_disabled: $before -> $after"
[ "$after" -ge $((before + 3)) ] || fail "IPv6 into lan at MTU 1000 was not counted as ip6_disabled: $before -> $after"
cli link set lan mtu 1500 || fail "link set lan mtu 1500 refused"
echo "lan's IPv6 addresses: $(ll6)"
grep -q '"fe80::' <<<"$(ll6)" || fail "lan has no link-local address back at MTU 1500"
ok "no IPv6 at MTU 1000 (an address refused with the reason, what comes dropped as ip6_disabled), the link-local back at 1500"

step "neigh add with a multicast lladdr"
expect_err "Error: lladdr 01:00:00:00:00:01 is multicast: no neighbour has it." \
	cli neigh add 192.168.1.7 lladdr 01:00:00:00:00:01 dev lan
step "the same in a batch: the reason and the line"
printf 'neigh add 192.168.1.8 lladdr 02:00:00:00:00:08 dev lan\nneigh add 192.168.1.7 lladdr 01:00:00:00:00:01 dev lan\n' \
	>"$E2E_TMP/batch"
expect_err "Error: lladdr 01:00:00:00:00:01 is multicast: no neighbour has it. (line 2)" \
	cli -b "$E2E_TMP/batch"
cli neigh show | grep -q "^192\.168\.1\.8 " || fail "the good line of the batch was not applied"
step "an address on another port's network is refused, as sluiced refuses it in a file"
expect_err "Error: 192.168.1.7/24 overlaps 192.168.1.1/24 of port lan: two ports on one network." \
	cli addr add 192.168.1.7/24 dev wan
cli addr show wan | grep -q "192\.168\.1\.7" && fail "the refused address is on wan"
expect_err "Error: 192.168.0.1/16 overlaps 192.168.1.1/24 of port lan: two ports on one network." \
	cli addr add 192.168.0.1/16 dev wan
cli addr add 2001:db8:9::1/64 dev lan || fail "addr add 2001:db8:9::1/64 dev lan"
expect_err "Error: 2001:db8:9::2/64 overlaps 2001:db8:9::1/64 of port lan: two ports on one network." \
	cli addr add 2001:db8:9::2/64 dev wan
cli addr del 2001:db8:9::1/64 dev lan || fail "addr del 2001:db8:9::1/64 dev lan"
cli addr add 192.168.1.7/24 dev lan || fail "a second address on lan's own network was refused"
cli addr del 192.168.1.7/24 dev lan || fail "addr del 192.168.1.7/24 dev lan"

step "a batch whose first line is refused before any connection runs the rest"
printf 'bogus\nroute add 10.6.0.0/16 via 203.0.113.1\nfrob\n' >"$E2E_TMP/batch2"
expect_err "$(printf 'Error: unknown object "bogus". (line 1)\nError: unknown object "frob". (line 3)')" \
	cli -b "$E2E_TMP/batch2"
cli route show 10.6.0.0/16 | grep -q "^10\.6\.0\.0/16 via 203\.0\.113\.1" ||
	fail "the good line after a first line's parse error was not applied"
cli route del 10.6.0.0/16 || fail "route del 10.6.0.0/16"

step "a batch line with a NUL byte, and a batch that cannot be read, are errors"
printf 'route add 10.6.0.0/16 via 203.0.113.1\0 metric 7 frob\n\0route add 10.7.0.0/16 via 203.0.113.1\n' \
	>"$E2E_TMP/batchnul"
expect_err "$(printf 'Error: a NUL byte in the line. (line 1)\nError: a NUL byte in the line. (line 2)')" \
	cli -b "$E2E_TMP/batchnul"
cli route show root 10.6.0.0/15 | grep -q . && fail "a line with a NUL byte was applied: $(cli route show root 10.6.0.0/15)"
mkdir -p "$E2E_TMP/adir"
expect_err "Error: cannot read $E2E_TMP/adir: Is a directory." cli -b "$E2E_TMP/adir"
ok "refused, named, exit 1"
# hold_slots: 130 idle control connections (every slot the dataplane
# has, and more), held until release_slots or 20 s.
hold_slots() {
	"$PY" - "$(lab_sock "$LAB")" "$E2E_TMP/held" <<'PY' &
import os, socket, sys, time
path, flag = sys.argv[1], sys.argv[2]
held = []
for _ in range(130):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    held.append(s)
open(flag, "w").close()
end = time.time() + 20
while time.time() < end and os.path.exists(flag):
    time.sleep(0.05)
PY
	hpid=$!
	lab_wait 10 "130 connections held" test -e "$E2E_TMP/held" || fail "could not hold 130 connections"
}
release_slots() { rm -f "$E2E_TMP/held"; wait "$hpid"; }

step "with every control client slot taken, the CLI says so, and works once one is free"
# sluiced holds one slot, the connections the rest of the 128.
hold_slots
sleep 0.5
expect_err "Error: the dataplane serves 128 control clients, its most." cli route show
release_slots
lab_wait 5 "a free control slot" cli route show || fail "the CLI did not get a slot back"

step "sluiced started while every slot is taken: told why once, asks again slowly, applies once a slot is free"
log=$(lab_state "$LAB")/sluiced.log
lab_stop "$LAB" sluiced
napplied=$(grep -c "^configuration applied" "$log")
hold_slots
lab_start_sluiced "$LAB"
sleep 3
n=$(grep -c "lost the dataplane: the dataplane serves 128 control clients, its most" "$log")
[ "$n" = 1 ] || fail "sluiced said it was refused $n times: $(tail -n 5 "$log" | tr '\n' ';')"
release_slots
applied_again() { [ "$(grep -c "^configuration applied" "$log")" -gt "$napplied" ]; }
lab_wait 5 "sluiced to apply the file" applied_again || fail "sluiced did not apply once a slot was free"
refused=$(cli -j stats | json "d['control']['clients_refused']")
echo "clients refused in all: $refused"
[ "$refused" -lt 60 ] || fail "$refused refusals: sluiced asked again in a tight loop"
ok "the CLI prints the dataplane's reason as iproute2 does, exit 1"
