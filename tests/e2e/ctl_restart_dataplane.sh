#!/bin/bash
# Control: SIGTERM stops the dataplane within a second (socket removed);
# a new dataplane gets the config replayed by the running sluiced and
# traffic flows again within 5 s of its start.
. "$(dirname "$0")/lib.sh"
e2e_up crest

ping_ok lan 2 203.0.113.1 || fail "no ping before"
spid=$(lab_pid "$LAB" sluiced) || fail "sluiced is not running"

step "SIGTERM the dataplane"
dpid=$(lab_pid "$LAB" dataplane) || fail "no dataplane"
kill -TERM "$dpid"
t0=$(date +%s%N)
while kill -0 "$dpid" 2>/dev/null && [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 3000 ]; do
	sleep 0.05
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
kill -0 "$dpid" 2>/dev/null && fail "the dataplane still runs 3 s after SIGTERM"
echo "stopped in $ms ms"
[ "$ms" -le 1000 ] || fail "the dataplane took $ms ms to stop, more than 1 s"
[ -e "$(lab_sock "$LAB")" ] && fail "the socket file was left behind"
lan ping -n -c 1 -W 1 203.0.113.1 >/dev/null 2>&1 && fail "ping crossed with no dataplane"

step "start a new dataplane; sluiced replays the config"
t0=$(date +%s%N)
lab_start_dataplane "$LAB" || fail "the dataplane did not restart"
back=""
while [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 8000 ]; do
	if lan ping -n -c 1 -W 0.3 203.0.113.1 >/dev/null 2>&1; then
		back=$(( ($(date +%s%N) - t0) / 1000000 ))
		break
	fi
done
[ -n "$back" ] || fail "no traffic within 8 s of the dataplane's start"
echo "traffic back $back ms after the dataplane started"
[ "$back" -le 5000 ] || fail "traffic came back after $back ms, more than 5 s"
kill -0 "$spid" 2>/dev/null || fail "sluiced died with the dataplane"
cli route show | grep -qw default || fail "the default route was not replayed"
cli nat rule show | grep -q masquerade || fail "the NAT rules were not replayed"
ok "config replayed, traffic back in $back ms"
