#!/bin/bash
# Packets never vanish unseen (issue 9.1): the LAN host sends a burst of
# 3000 UDP datagrams from one socket as fast as it can to the WAN host,
# through the lab's default af_xdp ports and then through af_packet ports.
# Every datagram is received or counted: by sluice (link show's missed,
# errors and dropped; stats' drop reasons and device_* counters) or, for
# the few places outside the router, by the hosts' kernels.  What reached
# the router's interface is all in its rx packets plus missed.  With the
# lab's ring sizes, af_packet (8192 frames a queue) loses nothing, af_xdp
# at most what exceeds the 2048 frames its PMD keeps in flight.  Then the
# same with port lan down, so that its ring overflows for certain: the
# overflow is counted as missed.
. "$(dirname "$0")/lib.sh"

N=3000

# Kernel counter of interface IF in namespace side SIDE (ip -s -j names).
kstat() {		# SIDE IF rx|tx FIELD
	lab_exec "$LAB" "$1" ip -s -j link show "$2" | json "d[0][\"stats64\"][\"$3\"][\"$4\"]"
}

# Router counters: "RXPKTS MISSED ERRORS DROPPED" of port lan, then the sum
# of every drop counter in stats.
router_lan() {
	cli -j link show lan |
		json '[d[0]["stats64"]["rx"][k] for k in ("packets", "missed_errors", "errors", "dropped")]' |
		tr -d '[],'
}
drops_total() {
	cli -j stats | json 'sum(d["drops"].values())'
}

host_drops() {
	echo $(( $(kstat lan eth0 tx dropped) + $(kstat rt "$LAB-rw" tx dropped) +
		 $(snmp wan Udp RcvbufErrors) + $(snmp wan Udp InErrors) ))
}

# One burst of COUNT datagrams; with HOLD, port lan is down (not polled)
# while it is sent, so that its ring overflows for certain.  Checks the
# accounting; sets GOT and MISSED.
burst() {		# KIND COUNT [hold]
	local kind=$1 count=$2 hold=${3:-} k0 k1 d0 d1 h0 h1 sent lost accounted rpid
	local lanrx0 lanrx1 miss0 miss1 err0 err1 drp0 drp1

	rm -f "$E2E_TMP/ready" "$E2E_TMP/count"
	wan "$PY" -u - "$E2E_TMP/ready" >"$E2E_TMP/count" 2>&1 <<'PYEOF' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# SO_RCVBUFFORCE (root): the host's socket must not be where the burst is lost.
s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)
s.bind(("203.0.113.1", 9999))
open(sys.argv[1], "w").write("ready\n")
s.recv(65535)
n = 1
s.settimeout(3)
try:
    while True:
        s.recv(65535)
        n += 1
except socket.timeout:
    pass
print(n)
PYEOF
	rpid=$!
	lab_wait 10 "the receiver" test -s "$E2E_TMP/ready" || fail "the receiver did not start"
	# ARP both ways first: the burst must not wait for a neighbour.
	ping_ok lan 2 203.0.113.1 || fail "no ping across before the burst"

	k0=$(kstat rt "$LAB-rl" rx packets)
	read -r lanrx0 miss0 err0 drp0 <<<"$(router_lan)"
	d0=$(drops_total)
	h0=$(host_drops)

	[ -n "$hold" ] && { cli link set lan down || fail "link set lan down"; }
	sent=$(lan "$PY" - "$count" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("203.0.113.1", 9999))
n = 0
for i in range(int(sys.argv[1])):
    s.send(b"%063d" % i)
    n += 1
print(n)
PYEOF
) || fail "the sender failed"
	[ "$sent" = "$count" ] || fail "the sender sent $sent, not $count"
	[ -n "$hold" ] && { cli link set lan up || fail "link set lan up"; }
	wait_gone "$rpid" 60 || fail "the receiver did not finish"
	GOT=$(cat "$E2E_TMP/count")
	[[ "$GOT" =~ ^[0-9]+$ ]] || fail "receiver: $GOT"

	k1=$(kstat rt "$LAB-rl" rx packets)
	read -r lanrx1 miss1 err1 drp1 <<<"$(router_lan)"
	d1=$(drops_total)
	h1=$(host_drops)
	MISSED=$((miss1 - miss0))
	echo "sent $sent, received $GOT; router: lan rx $((lanrx1 - lanrx0)) missed $MISSED" \
		"errors $((err1 - err0)) dropped $((drp1 - drp0)), stats drops $((d1 - d0));" \
		"kernel: $LAB-rl rx $((k1 - k0)), host-side drops $((h1 - h0))"
	cli link show lan
	cli stats | sed -n '/^drops/,/^nat/p' | grep -v ' 0$'

	step "[$kind] every frame that reached the router's interface is taken or counted"
	[ "$((k1 - k0))" = "$(( (lanrx1 - lanrx0) + MISSED + (err1 - err0) ))" ] ||
		fail "$LAB-rl received $((k1 - k0)) frames; sluice took $((lanrx1 - lanrx0)) and counted $((MISSED + err1 - err0)) lost"
	ok "$((k1 - k0)) = rx $((lanrx1 - lanrx0)) + missed $MISSED + errors $((err1 - err0))"

	step "[$kind] received + every counted drop = sent"
	lost=$((sent - GOT))
	accounted=$(( (d1 - d0) + (h1 - h0) ))
	[ "$lost" = "$accounted" ] ||
		fail "$lost datagrams lost, $accounted counted (sluice $((d1 - d0)), hosts $((h1 - h0)))"
	ok "$GOT received + $((d1 - d0)) counted by sluice + $((h1 - h0)) by the hosts' kernels = $sent"
}

# KIND RING MIN: the lab's ports of KIND, whose ring holds RING frames.
run() {
	local kind=$1 ring=$2 min=$3

	e2e_up "brst${kind:0:1}" "$kind"
	step "[$kind] $N datagrams of 64 bytes from one socket, back to back"
	burst "$kind" "$N"
	[ "$GOT" -ge "$min" ] || fail "only $GOT of $N datagrams arrived"
	ok "with the lab's ring sizes, $GOT of $N arrived (at least $min)"

	step "[$kind] $((ring + 2000)) datagrams while port lan is down (not polled): its ring overflows"
	burst "$kind" $((ring + 2000)) hold
	[ "$MISSED" -ge 1500 ] || fail "only $MISSED counted missed for an overflow of 2000"
	ok "the overflow is counted: missed $MISSED"

	lab_down "$LAB"
	rm -rf "$E2E_TMP"
	LAB="" E2E_TMP=""
}

# af_xdp keeps 2048 frames in flight per port (its PMD's fill ring); a
# worker kept off the CPU for the whole burst still delivers those.
run xdp 2048 2000
run packet 8192 $((N * 99 / 100))
