#!/bin/bash
# Control: SIGTERM stops the dataplane within a second (socket removed);
# a new dataplane gets the config replayed by the running sluiced and
# traffic flows again within 5 s of its start.
#
# Times are read from bash's $EPOCHREALTIME and the polls use builtins, so
# that on a loaded machine the bounds measure the dataplane, not the fork
# and exec of date(1) between polls (250 ms at load 12).  What is left of
# both bounds there is the kernel's: backing the lab's -m 512 with 4 KB
# pages at start (10 to 18 s at load 12) and tearing them down at exit
# (munmap in rte_eal_cleanup: 0.36 s at load 12); the start-up and the
# replay after it are printed apart.
. "$(dirname "$0")/lib.sh"

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
e2e_up crest

ping_ok lan 2 203.0.113.1 || fail "no ping before"
spid=$(lab_pid "$LAB" sluiced) || fail "sluiced is not running"

step "SIGTERM the dataplane"
dpid=$(lab_pid "$LAB" dataplane) || fail "no dataplane"
t0=$(now_ms)
kill -TERM "$dpid"
while kill -0 "$dpid" 2>/dev/null && [ $(($(now_ms) - t0)) -lt 3000 ]; do
	sleep 0.01
done
ms=$(($(now_ms) - t0))
kill -0 "$dpid" 2>/dev/null && fail "the dataplane still runs 3 s after SIGTERM"
echo "stopped in $ms ms"
[ "$ms" -le 1000 ] || fail "the dataplane took $ms ms to stop, more than 1 s"
[ -e "$(lab_sock "$LAB")" ] && fail "the socket file was left behind"
lan ping -n -c 1 -W 1 203.0.113.1 >/dev/null 2>&1 && fail "ping crossed with no dataplane"

step "start a new dataplane; sluiced replays the config"
t0=$(now_ms)
lab_start_dataplane "$LAB" || fail "the dataplane did not restart"
t1=$(now_ms)
echo "the dataplane came up $((t1 - t0)) ms after its start"
back=""
while [ $(($(now_ms) - t0)) -lt 8000 ]; do
	if lan ping -n -c 1 -W 0.3 203.0.113.1 >/dev/null 2>&1; then
		back=$(($(now_ms) - t0))
		break
	fi
done
[ -n "$back" ] || fail "no traffic within 8 s of the dataplane's start (up after $((t1 - t0)) ms)"
echo "traffic back $back ms after the dataplane started, $((back - t1 + t0)) ms after it came up"
[ "$back" -le 5000 ] || fail "traffic came back after $back ms, more than 5 s"
kill -0 "$spid" 2>/dev/null || fail "sluiced died with the dataplane"
cli route show | grep -qw default || fail "the default route was not replayed"
cli nat rule show | grep -q masquerade || fail "the NAT rules were not replayed"
ok "config replayed, traffic back in $back ms"
