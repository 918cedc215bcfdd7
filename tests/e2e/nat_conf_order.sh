#!/bin/bash
# NAT settings reach the dataplane before the rules: a new max-sessions
# rebuilds the NAT table and ends every session in it, so when sluiced
# added the rules first, traffic already flowing made sessions that the
# rebuild then threw away (at every start with max-sessions set, seen as
# sessions_removed).  Here a LAN host sends without pause while a reload
# adds the masquerade rule back together with a new max-sessions: no
# session may be removed, and the flow's session is made and kept.
. "$(dirname "$0")/lib.sh"
e2e_up ncord

conf=$(lab_conf "$LAB")
st=$(lab_state "$LAB")
pid=$(lab_pid "$LAB" sluiced) || fail "sluiced is not running"
# reload WHAT: SIGHUP, and wait until sluiced has applied the file.
reload() {
	local n
	n=$(grep -c 'configuration applied' "$st/sluiced.log")
	kill -HUP "$pid"
	lab_wait 20 "the reload" sh -c "[ \$(grep -c 'configuration applied' '$st/sluiced.log') -gt $n ]" ||
		fail "the reload $1 did not finish"
}

step "no NAT rules (SIGHUP)"
cp "$conf" "$E2E_TMP/orig.ini"
sed -i '/^rule = /d' "$conf"
reload "without rules"
[ -z "$(cli nat rule show)" ] || fail "rules left: $(cli nat rule show)"
[ "$(cli -j nat session show | json 'len(d)')" = 0 ] || fail "sessions left after the rules went"
removed0=$(stat_value '^sessions_removed$')
created0=$(stat_value '^sessions_created$')

# The window between the rule's add and the table's rebuild is short
# (no packet of this flow fell in it in five runs of the old order), so
# the flow shows the outcome and the log below the order.
step "UDP from the LAN without pause; the rules back with max-sessions = 524288 (SIGHUP)"
lan "$PY" -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.1.10", 40900))
n, end = 0, time.monotonic() + 30
while time.monotonic() < end:
    for _ in range(1000):
        s.sendto(b"x" * 18, ("203.0.113.1", 9))
    n += 1000
print("sent", n)' >"$E2E_TMP/send.log" 2>&1 &
sender=$!
sleep 1
cp "$E2E_TMP/orig.ini" "$conf"
sed -i '/^\[nat\]/a max-sessions = 524288' "$conf"
reload "with the rules"
sleep 1
kill "$sender" 2>/dev/null
wait "$sender" 2>/dev/null
tail -8 "$st/sluiced.log"
# sluiced logs each change once the dataplane has acknowledged it, so the
# log's order is the order they took effect in: this is the check that
# does not depend on a packet falling in the window.
order=$(sed -n '/SIGHUP: reloading/h; //!H; ${x; p}' "$st/sluiced.log" |
	grep -E -o '^(nat settings .*max-sessions 524288|nat rule masquerade)' | cut -c1-12 | tr '\n' ,)
[ "$order" = "nat settings,nat rule mas," ] || fail "the last reload's NAT changes came in the order: $order"
cli nat rule show | grep -q masquerade || fail "the masquerade rule did not come back"

created=$(($(stat_value '^sessions_created$') - created0))
removed=$(($(stat_value '^sessions_removed$') - removed0))
echo "sessions made $created, removed $removed during the reload"
[ "$created" -ge 1 ] || fail "the flow made no session once the rule was back"
[ "$removed" = 0 ] || fail "$removed sessions were removed by the new max-sessions after the rules were in"
[ "$(cli -j nat session show | json 'len([s for s in d if s["inside_port"] == 40900])')" = 1 ] ||
	fail "the flow's session is gone"
ok "the new max-sessions was in place before the rules: no session lost"
