#!/bin/bash
# Control: clients that ask for dumps and never read cannot stall the
# router.  50 of them ask, again and again, for the whole of a 100k-route
# table; meanwhile a neighbour the router has just forgotten is resolved
# and pinged in under 100 ms, a route change takes under 100 ms, the stuck
# clients are disconnected and counted (stats: control clients_dropped),
# their number stays bounded and the dataplane's memory does not grow with
# what they asked for.
. "$(dirname "$0")/lib.sh"
e2e_up stuck

NROUTES=100000
NSTUCK=50
LIMIT_MS=100

dp_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$(lab_pid "$LAB" dataplane)/status"; }
ctl_stat() { cli -j stats | json "d['control']['$1']"; }

step "load $NROUTES routes with sluice -b"
"$PY" - "$NROUTES" >"$E2E_TMP/routes" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print("route add %d.%d.%d.0/24 via 203.0.113.1" % (20 + (i >> 16), (i >> 8) & 255, i & 255))
PY
cli -b "$E2E_TMP/routes" || fail "sluice -b could not load the routes"
n=$(cli route show | wc -l)
[ "$n" -ge "$NROUTES" ] || fail "route show lists $n routes, expected at least $NROUTES"
ok "$n routes"
ping_ok lan 2 203.0.113.1 || fail "the WAN host is unreachable before the test"
rss0=$(dp_rss_kb)

# The RTT of the LAN host's first ping to the WAN host after `neigh flush`:
# the router must resolve 203.0.113.1 again on its control lcore.
first_ping() {
	local out rtt
	cli neigh flush || { echo "neigh flush failed"; return 1; }
	out=$(lan ping -n -c 1 -W 2 203.0.113.1 2>&1)
	rtt=$(sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' <<<"$out")
	[ -n "$rtt" ] || { echo "no answer to the first ping after neigh flush: $out"; return 1; }
	cli neigh show | grep -q "^203\.0\.113\.1 " ||
		{ echo "203.0.113.1 was not resolved again"; return 1; }
	echo "$rtt"
}
rtt=$(first_ping) || fail "$rtt"
echo "for comparison, with no stuck client: first ping after neigh flush $rtt ms"

step "$NSTUCK clients ask for route dumps over and over and never read"
cat >"$E2E_TMP/stuck.py" <<'PY'
# stuck.py SOCKET N SECONDS STATUSFILE: N seqpacket clients that send
# RTM_GETROUTE dumps and never call recv; one that is disconnected
# connects again.  Ends by itself after SECONDS.
import os, socket, struct, sys, time
path, n, secs, status = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
RTM_GETROUTE, NLM_F_REQUEST, NLM_F_DUMP = 26, 1, 0x300
def request(seq):
    rtm = struct.pack("BBBBBBBBI", 2, 0, 0, 0, 0, 0, 0, 0, 0)
    return struct.pack("IHHII", 16 + len(rtm), RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + rtm
def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    s.setblocking(False)
    return s
socks = [connect() for _ in range(n)]
lost = sent = 0
said = None
end = time.monotonic() + secs
while time.monotonic() < end:
    for i, s in enumerate(socks):
        try:
            s.send(request(sent))
            sent += 1
        except BlockingIOError:
            pass
        except OSError:
            lost += 1
            s.close()
            socks[i] = connect()
    if said != (sent, lost):
        said = (sent, lost)
        with open(status + ".new", "w") as f:
            f.write("%d %d\n" % said)
        os.replace(status + ".new", status)
    # Light on the CPU: the test times what shares the machine with it.
    time.sleep(0.1)
PY
"$PY" "$E2E_TMP/stuck.py" "$(lab_sock "$LAB")" "$NSTUCK" 40 "$E2E_TMP/stuck.status" &
spid=$!
trap 'kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; e2e_cleanup' EXIT
connected() { [ "$(ctl_stat clients)" -ge "$NSTUCK" ]; }
lab_wait 10 "the stuck clients to connect" connected || fail "the stuck clients did not all connect"
# Let every one ask and fill its socket: the server now waits on them.
sleep 1
kill -0 "$spid" 2>/dev/null || fail "the stuck clients' script died"
clients=$(ctl_stat clients)
ok "$clients clients connected (the CLI included)"

step "neigh flush, then the LAN host's first ping to the WAN host: under ${LIMIT_MS} ms"
best=""
for try in 1 2 3 4 5; do
	rtt=$(first_ping) || fail "$rtt"
	echo "try $try: first ping after neigh flush: $rtt ms"
	best=$("$PY" -c 'import sys; a=[float(x) for x in sys.argv[1:] if x]; print(min(a))' $best "$rtt")
	"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' \
		"$best" "$LIMIT_MS" && break
done
"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$best" "$LIMIT_MS" ||
	fail "the first ping after neigh flush took $best ms at best (limit $LIMIT_MS ms)"
ok "resolved and answered in $best ms"

# A route change, timed two ways.  On a busy machine starting any process
# costs tens of milliseconds, so: (1) RTM_NEWROUTE to its ack on a
# connected socket, and (2) `sluice route add`'s wall clock less that of
# the same binary that only fails to connect (its start-up), both < 100 ms.
# Bash's own clock times the CLI: no fork is timed with it.
cat >"$E2E_TMP/rtt.py" <<'PY'
# rtt.py SOCKET A.B.C.0: add A.B.C.0/24 via 203.0.113.1; print the ms from
# the request to its ack and the ack's error code.
import socket, struct, sys, time
dst = socket.inet_aton(sys.argv[2])
RTM_NEWROUTE, F = 24, 0x1 | 0x4 | 0x200 | 0x400   # REQUEST ACK EXCL CREATE
rtm = struct.pack("BBBBBBBBI", 2, 24, 0, 0, 254, 4, 0, 1, 0)
attrs = struct.pack("HH", 8, 1) + dst + struct.pack("HH", 8, 5) + socket.inet_aton("203.0.113.1")
body = rtm + attrs
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
t0 = time.monotonic()
s.send(struct.pack("IHHII", 16 + len(body), RTM_NEWROUTE, F, 7, 0) + body)
r = s.recv(65536)
t1 = time.monotonic()
print("%.1f %d" % ((t1 - t0) * 1000, struct.unpack_from("i", r, 16)[0]))
PY
best_rtt="" best_cli=""
for try in 1 2 3 4 5 6 7 8; do
	read -r rtt err <<<"$("$PY" "$E2E_TMP/rtt.py" "$(lab_sock "$LAB")" "198.18.$try.0")" ||
		fail "the timed route add got no answer"
	[ "$err" = 0 ] || fail "the timed route add failed: error $err"
	cli route get "198.18.$try.1" | grep -q "via 203\.0\.113\.1" ||
		fail "route get 198.18.$try.1 does not show the route just added"
	t0=${EPOCHREALTIME/./}
	"$SLUICE_BUILD/control/sluice" -s "$E2E_TMP/nothing.sock" route show 2>/dev/null
	t1=${EPOCHREALTIME/./}
	cli route add "198.19.$try.0/24" via 203.0.113.1 || fail "sluice route add failed"
	t2=${EPOCHREALTIME/./}
	cli route get "198.19.$try.1" | grep -q "via 203\.0\.113\.1" ||
		fail "route get 198.19.$try.1 does not show the route just added"
	start=$(((t1 - t0) / 1000)) clims=$(((t2 - t1) / 1000))
	echo "try $try: RTM_NEWROUTE answered in $rtt ms; sluice route add $clims ms (starting sluice alone: $start ms)"
	best_rtt=$("$PY" -c 'import sys; print(min(float(x) for x in sys.argv[1:]))' $best_rtt "$rtt")
	if [ -z "$best_cli" ] || [ $((clims - start)) -lt "$best_cli" ]; then best_cli=$((clims - start)); fi
	"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' \
		"$best_rtt" "$LIMIT_MS" && [ "$best_cli" -lt "$LIMIT_MS" ] && break
done
"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$best_rtt" "$LIMIT_MS" ||
	fail "a route add took $best_rtt ms from request to ack at best (limit $LIMIT_MS ms)"
[ "$best_cli" -lt "$LIMIT_MS" ] ||
	fail "sluice route add took $best_cli ms beyond its start-up at best (limit $LIMIT_MS ms)"
ok "route add: $best_rtt ms request to ack, sluice route add $best_cli ms beyond start-up"

step "the stuck clients are disconnected after they stall (10 s) and counted"
dropped() { [ "$(ctl_stat clients_dropped)" -ge "$NSTUCK" ]; }
lab_wait 25 "control clients_dropped >= $NSTUCK" dropped ||
	fail "clients_dropped is $(ctl_stat clients_dropped), expected >= $NSTUCK"
clients=$(ctl_stat clients)
[ "$clients" -le 128 ] || fail "$clients clients connected, above the limit of 128"
# The script sees a disconnection only at its next send (it sleeps 0.1 s
# between rounds, longer on a loaded machine), so give it a few seconds.
stuck_cut_off() { read -r sent lost <"$E2E_TMP/stuck.status" && [ "$lost" -ge "$NSTUCK" ]; }
lab_wait 5 "the stuck clients to see their disconnections" stuck_cut_off ||
	fail "the stuck clients saw ${lost:-no} disconnections, expected >= $NSTUCK"
ok "clients_dropped $(ctl_stat clients_dropped), $clients connected now; the script sent $sent requests and was cut off $lost times"

rss1=$(dp_rss_kb)
echo "dataplane RSS: $rss0 kB before, $rss1 kB with the stuck clients"
[ $((rss1 - rss0)) -lt $((64 * 1024)) ] ||
	fail "the dataplane grew by $((rss1 - rss0)) kB with $NSTUCK stuck clients (each asked for ~5 MB dumps)"
ok "RSS grew by $((rss1 - rss0)) kB"

kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
step "once they are gone, a full dump still comes whole"
n=$(cli route show | wc -l)
[ "$n" -ge $((NROUTES + 5)) ] || fail "route show lists $n routes after the test"
ok "$n routes"
