#!/bin/bash
# Idle cost (docs/performance.md, section 6): with no traffic the worker
# sleeps instead of polling, and once the workers have been quiet for a
# second the control lcore ticks every 100 ms instead of every 10 ms; the
# first packet after a quiet spell still crosses the router, traffic brings
# the 10 ms tick back, and --no-idle-sleep keeps the worker polling.
#
# What is counted, from /proc: a thread's CPU ticks (utime + stime) and its
# voluntary context switches, one for each time it went to sleep.  The
# bounds are far from both sides: an idle worker uses a few per cent of a
# core against ~100 % polling, and the control thread sleeps ~10 times a
# second on the idle tick against ~100 on the busy one.
. "$(dirname "$0")/lib.sh"
e2e_up idle

HZ_TCK=$(getconf CLK_TCK)
dp=""

# utime + stime of thread TID: fields 14 and 15 of stat, counted after comm.
cpu_ticks() { sed 's/^.*) //' "/proc/$dp/task/$1/stat" | awk '{ print $12 + $13 }'; }
sleeps() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$dp/task/$1/status"; }

# measure SECONDS: "worker_cpu_percent control_sleeps" over SECONDS.
measure() {
	local w c0 c1 s0 s1
	w=$(sl_worker_tid "$dp")
	c0=$(cpu_ticks "$w") s0=$(sleeps "$dp")
	sleep "$1"
	c1=$(cpu_ticks "$w") s1=$(sleeps "$dp")
	echo "$(((c1 - c0) * 100 / (HZ_TCK * $1))) $((s1 - s0))"
}

dp=$(lab_pid "$LAB" dataplane) || fail "no dataplane pid"
ping_ok lan 2 203.0.113.1 || fail "no ping across the router to begin with"

# idle WHEN: 4 s of an idle router: the worker asleep, the control thread
# on its idle tick (~40 sleeps; ~400 on its 10 ms tick).
idle() {
	local wcpu csl
	read -r wcpu csl < <(measure 4)
	echo "worker ${wcpu} % of a core, control thread slept $csl times in 4 s"
	[ "$wcpu" -lt 50 ] || fail "$1: the idle worker used ${wcpu} % of a core (polling, not sleeping)"
	[ "$csl" -lt 200 ] || fail "$1: the idle control thread slept $csl times in 4 s"
	ok "$1: worker ${wcpu} %, control thread $csl sleeps in 4 s"
}

step "no traffic: the worker sleeps, the control lcore ticks every 100 ms"
# The workers' quiet second, after the lab's last frames: a Linux host
# that answered from a stale ARP entry (made by the router's request)
# probes it by unicast 5 s later.
sleep 7
idle "idle"

step "the first ping after the quiet spell crosses the router"
lan ping -n -c 1 -W 2 203.0.113.1 >/dev/null || fail "the first ping after the quiet spell was lost"
ok "answered"

step "traffic brings the control lcore's 10 ms tick back"
lan ping -n -q -i 0.01 -c 400 -W 1 203.0.113.1 >"$E2E_TMP/ping.out" 2>&1 &
pinger=$!
sleep 0.5
read -r wcpu csl < <(measure 2)
wait "$pinger"
got=$(grep -o '[0-9]* received' "$E2E_TMP/ping.out" | cut -d' ' -f1)
echo "during 100 pings a second: control thread slept $csl times in 2 s; ${got:-0} of 400 replies"
[ "${got:-0}" -ge 380 ] || fail "pings every 10 ms across the router: ${got:-0} of 400 answered"
[ "$csl" -ge 100 ] || fail "with traffic the control thread slept only $csl times in 2 s (its 10 ms tick: ~200)"
ok "busy tick: $csl sleeps in 2 s"

step "quiet again: back to the idle tick"
sleep 2
idle "idle again"

step "--no-idle-sleep: the worker polls"
lab_stop "$LAB" dataplane
SLUICE_LAB_DP_ARGS=--no-idle-sleep lab_start_dataplane "$LAB" || fail "the dataplane did not restart"
dp=$(lab_pid "$LAB" dataplane) || fail "no dataplane pid after the restart"
lab_wait 10 "traffic across the restarted router" lan ping -n -c 1 -W 0.5 203.0.113.1 ||
	fail "no traffic across the router with --no-idle-sleep"
sleep 1
read -r wcpu csl < <(measure 2)
echo "worker ${wcpu} % of a core"
[ "$wcpu" -ge 50 ] || fail "with --no-idle-sleep the idle worker used only ${wcpu} % of a core"
ok "polling worker: ${wcpu} % of a core"
