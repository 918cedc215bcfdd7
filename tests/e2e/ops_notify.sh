#!/bin/bash
# Operations: readiness and log priorities, as systemd sees them.  The
# dataplane and sluiced run with NOTIFY_SOCKET set to a datagram socket of
# this test's own and stderr in a file that JOURNAL_STREAM names (as systemd
# sets it for the journal).  The dataplane sends READY=1 when its control
# socket exists; sluiced when the config's port and route are in the
# dataplane; a SIGHUP sends RELOADING=1 then READY=1; SIGTERM sends
# STOPPING=1.  Every log line of both starts with a priority "<N>": errors
# <3> (a broken file on reload), events <5>.  (No namespaces: one net_null
# port.)
. "$(dirname "$0")/lib.sh"
E2E_TMP=$(mktemp -d /tmp/sluice-notify.XXXXXX)
t=$E2E_TMP
dp_pid="" sd_pid="" r1="" r2=""
cleanup() {
	local p
	for p in $sd_pid $dp_pid; do lab_kill_pid "$p"; done
	for p in $r1 $r2; do kill "$p" 2>/dev/null; done
	rm -rf "/run/dpdk/ntf$$" "$t"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ctl=$t/ctl.sock
cat >"$t/sluice.ini" <<INI
[dataplane]
socket = $ctl
[port a]
device = net_null0
address = 10.77.0.1/24
[routes]
route = 10.78.0.0/16 via 10.77.0.2
INI

# recv NAME CHECK: a notification socket; its pid in $!
recv() {
	"$PY" "$SLUICE_SRC/tests/e2e/notify_recv.py" "$t/$1.notify" "$t/$1.msgs" "$2" &
	lab_wait 10 "the $1 notification socket" test -S "$t/$1.notify" || fail "no notification socket"
}
# journal FILE: JOURNAL_STREAM for a process whose stderr is FILE.
journal() { : >"$1"; stat -c '%d:%i' "$1"; }

step "the dataplane, with NOTIFY_SOCKET; READY=1 must find the control socket there"
recv dp "test -S '$ctl'"; r1=$!
NOTIFY_SOCKET=$t/dp.notify JOURNAL_STREAM=$(journal "$t/dp.log") \
	"$SLUICE_BUILD/dataplane/sluice-dataplane" --lcores 0,1 --no-huge -m 512 --no-pci \
	--file-prefix "ntf$$" -- --socket "$ctl" </dev/null 2>>"$t/dp.log" >&2 &
dp_pid=$!
lab_wait 30 "READY=1 from the dataplane" grep -q '^READY=1' "$t/dp.msgs" ||
	{ cat "$t/dp.log"; fail "the dataplane sent no READY=1"; }
grep -qx "READY=1	0" "$t/dp.msgs" || fail "READY=1 came before the control socket existed"
ok "dataplane: READY=1 with the socket listening"

step "sluiced, with NOTIFY_SOCKET; READY=1 must find port a and its route in place"
cli="'$SLUICE_BUILD/control/sluice' -s '$ctl'"
recv sd "$cli link show a | grep -q ' a:' && $cli route show | grep -q '^10.78.0.0/16 via 10.77.0.2'"; r2=$!
NOTIFY_SOCKET=$t/sd.notify JOURNAL_STREAM=$(journal "$t/sd.log") \
	"$SLUICE_BUILD/control/sluiced" -c "$t/sluice.ini" </dev/null 2>>"$t/sd.log" >&2 &
sd_pid=$!
lab_wait 30 "READY=1 from sluiced" grep -q '^READY=1' "$t/sd.msgs" ||
	{ cat "$t/sd.log"; fail "sluiced sent no READY=1"; }
grep -qx "READY=1	0" "$t/sd.msgs" || { cat "$t/sd.msgs"; fail "READY=1 came before the configuration was applied"; }
ok "sluiced: READY=1 with the configuration applied"

step "SIGHUP with a broken file: RELOADING=1, then READY=1; the errors logged as <3>"
echo "route = 10.79.0.0/16 via" >>"$t/sluice.ini"
bad=$(wc -l <"$t/sluice.ini")
kill -HUP "$sd_pid"
two_ready() { [ "$(grep -c '^READY=1' "$t/sd.msgs")" -ge 2 ]; }
lab_wait 10 "READY=1 after the reload" two_ready || { cat "$t/sd.msgs"; fail "no READY=1 after SIGHUP"; }
msgs=$(cut -f1 "$t/sd.msgs" | tr '\n' ' ')
[[ "$msgs" == *"READY=1 RELOADING=1 READY=1"* ]] || fail "sluiced sent: $msgs"
grep -q "^<3>$t/sluice.ini:$bad: " "$t/sd.log" || { cat "$t/sd.log"; fail "no <3>FILE:$bad: line"; }
grep -q "^<3>Error: $t/sluice.ini has errors" "$t/sd.log" || fail "no <3>Error: ... has errors"
ok "reload notified, its errors at priority 3"

step "SIGTERM: STOPPING=1 from both"
kill -TERM "$sd_pid"
kill -TERM "$dp_pid"
lab_wait 10 "STOPPING=1" grep -q '^STOPPING=1' "$t/sd.msgs" || fail "sluiced sent no STOPPING=1"
lab_wait 10 "STOPPING=1" grep -q '^STOPPING=1' "$t/dp.msgs" || fail "the dataplane sent no STOPPING=1"
wait "$dp_pid" "$sd_pid" 2>/dev/null
dp_pid="" sd_pid=""
ok "both said STOPPING=1"

step "every log line carries a journald priority"
cat "$t/dp.log" "$t/sd.log"
for f in dp sd; do
	n=$(grep -c . "$t/$f.log")
	[ "$n" -gt 2 ] || fail "$f.log has $n lines"
	grep -nv '^<[0-7]>' "$t/$f.log" && fail "$f.log has lines without a priority (above)"
done
grep -q '^<5>sluice-dataplane: 1 worker(s)' "$t/dp.log" || fail "no <5> start line from the dataplane"
grep -q '^<5>configuration applied: ' "$t/sd.log" || fail "no <5>configuration applied"
grep -q '^<6>port a (device net_null0) created' "$t/sd.log" || fail "no <6> line for port a's creation"
ok "every line ranked"
