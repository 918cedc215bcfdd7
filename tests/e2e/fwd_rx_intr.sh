#!/bin/bash
# RX interrupts (docs/performance.md, section 6): where a port's device
# gives them, an idle worker waits on them in epoll instead of sleeping
# blind, so a frame after a quiet spell ends the wait at once.  The lab's
# ports are DPDK net_tap devices here (scripts/lab --tap: tap has RX
# interrupts; af_xdp, the lab's default, has none), each bridged in the
# router's namespace to the lab's veth end.
#
# Asserted: the idle worker is found in epoll_pwait2, not in a sleep;
# pings spaced 300 ms apart, each meeting an idle worker, end its waits
# early (sluice_worker_rx_intr_wakes_total grows by one a ping or so) and
# are all answered; TCP crosses; and in the af_xdp lab the idle worker
# sleeps blind and the counter stays 0.
. "$(dirname "$0")/lib.sh"

e2e_up rxint tap

lab_wait 20 "a ping across the router" lan ping -n -c 1 -W 0.5 203.0.113.1 ||
	fail "no ping across the router through its tap ports"
ok "lan reaches wan through two tap ports"

dp=$(lab_pid "$LAB" dataplane) || fail "no dataplane pid"

# in_syscall NAME N: of N looks at the worker thread 20 ms apart, how many
# found it blocked in syscall NAME (its number on x86_64).
in_syscall() {
	local nr=$1 n=$2 tid hits=0
	tid=$(sl_worker_tid "$dp")
	for _ in $(seq "$n"); do
		[ "$(cut -d' ' -f1 "/proc/$dp/task/$tid/syscall" 2>/dev/null)" = "$nr" ] && hits=$((hits + 1))
		sleep 0.02
	done
	echo "$hits"
}
EPOLL_PWAIT2=441 CLOCK_NANOSLEEP=230

step "idle: the worker waits on its queues' interrupts"
sleep 2
got=$(in_syscall $EPOLL_PWAIT2 50)
echo "the worker was in epoll_pwait2 at $got of 50 looks"
[ "$got" -ge 25 ] || fail "the idle worker was in epoll_pwait2 at only $got of 50 looks"
ok "in epoll_pwait2 at $got of 50 looks"

# intr_wakes: the worker's sluice_worker_rx_intr_wakes_total.
intr_wakes() {
	rt curl -sS --max-time 10 http://127.0.0.1:9111/metrics |
		awk '/^sluice_worker_rx_intr_wakes_total\{/ { n += $2 } END { print n + 0 }'
}
wait_listen rt 9111 30 || fail "sluiced's metrics endpoint did not come"

step "pings 300 ms apart, each to an idle worker: each ends a wait"
w0=$(intr_wakes)
lan ping -n -i 0.3 -c 12 -W 1 203.0.113.1 >"$E2E_TMP/ping.out" 2>&1 || true
w1=$(intr_wakes)
recv=$(grep -o '[0-9]* received' "$E2E_TMP/ping.out" | cut -d' ' -f1)
median=$(grep -o 'time=[0-9.]*' "$E2E_TMP/ping.out" | cut -d= -f2 | sort -n |
	awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }')
echo "${recv:-0} of 12 answered (median round trip $median ms); waits ended by an interrupt: $w0 -> $w1"
[ "${recv:-0}" -ge 11 ] || fail "only ${recv:-0} of 12 pings across the router answered"
[ $((w1 - w0)) -ge 6 ] ||
	fail "12 pings to an idle worker ended only $((w1 - w0)) of its waits by an interrupt"
ok "$((w1 - w0)) waits ended by the pings' frames"

step "traffic both ways: 4 MB of TCP across the router"
wan iperf3 -s -1 -B 203.0.113.1 -p 5201 >"$E2E_TMP/server.log" 2>&1 &
server=$!
wait_listen wan 5201 || fail "iperf3 server did not start"
lan timeout 30 iperf3 -c 203.0.113.1 -p 5201 -n 4M >"$E2E_TMP/client.log" 2>&1 ||
	fail "4 MB of TCP across the tap ports failed: $(tail -5 "$E2E_TMP/client.log")"
wait_gone "$server" 10 || fail "the iperf3 server did not finish"
ok "4 MB across"

step "the af_xdp lab: no interrupts, the idle worker sleeps"
lab_down "$LAB"
SLUICE_LAB_PORTS=xdp
lab_up "$LAB" || fail "the af_xdp lab did not come up"
dp=$(lab_pid "$LAB" dataplane) || fail "no dataplane pid"
ping_ok lan 2 203.0.113.1 || fail "no ping across the af_xdp lab"
sleep 2
got=$(in_syscall $CLOCK_NANOSLEEP 50)
echo "the worker was in clock_nanosleep at $got of 50 looks"
[ "$got" -ge 25 ] || fail "the af_xdp lab's idle worker was in clock_nanosleep at only $got of 50 looks"
wait_listen rt 9111 30 || fail "sluiced's metrics endpoint did not come back"
lan ping -n -i 0.3 -c 4 -W 1 203.0.113.1 >/dev/null 2>&1
w=$(intr_wakes)
[ "$w" = 0 ] || fail "the af_xdp lab counted $w waits ended by an interrupt"
ok "in clock_nanosleep at $got of 50 looks, no interrupt wakes"
