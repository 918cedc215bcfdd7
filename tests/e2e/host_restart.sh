#!/bin/bash
# Restarts with BGP routes mirrored: sluiced killed (-9) and started again
# resyncs without removing any mirrored route, not even for a moment; the
# dataplane killed and started again gets its host interface back, the
# BGP session comes up again and every route comes back into sluice.
. "$(dirname "$0")/host_lib.sh"
host_up hrest '/^route = default/d'

N=1000
bird_bgp_confs
bird_prefixes "$E2E_TMP/announce.conf" "$N"
bird_start brt rt
bird_start bwan wan
bird_wait_up brt wan 90 || fail "BGP did not come up"
count() { "$SLUICE_BUILD/control/sluice" -s "$(lab_sock "$LAB")" route show proto bird | wc -l; }
lab_wait 60 "$N routes in sluice" sh -c "[ \$('$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' route show proto bird | wc -l) -ge $N ]" ||
	fail "sluice has $(count) bird routes"
ok "$N BGP routes mirrored"

step "kill -9 sluiced and start it again, watching sluice's routes"
# The watcher dumps the table as fast as it can; any dump short of N is a
# route that went away.
(
	while [ ! -e "$E2E_TMP/stop" ]; do
		"$SLUICE_BUILD/control/sluice" -s "$(lab_sock "$LAB")" route show proto bird | wc -l
	done >"$E2E_TMP/counts"
) &
watcher=$!
sleep 0.5
log=$(lab_state "$LAB")/sluiced.log
lines=$(wc -l <"$log")
kill -KILL "$(lab_pid "$LAB" sluiced)"
sleep 0.5
lab_start_sluiced "$LAB"
lab_wait 30 "sluiced resynced" sh -c "tail -n +$((lines + 1)) '$log' | grep -q 'mirror: resynced'" ||
	fail "sluiced did not resync: $(tail -5 "$log")"
sleep 2
touch "$E2E_TMP/stop"
wait "$watcher"
dumps=$(wc -l <"$E2E_TMP/counts")
low=$(sort -n "$E2E_TMP/counts" | head -1)
echo "$dumps dumps during the restart, the smallest $low routes"
[ "$dumps" -ge 3 ] || fail "only $dumps dumps were made"
[ "$low" -eq "$N" ] || fail "a dump had $low routes: mirrored routes disappeared"
tail -n +$((lines + 1)) "$log" | grep -E "^mirror: route .* (removed|added|changed)" &&
	fail "the restarted sluiced changed mirrored routes (a flap)"
ok "no mirrored route disappeared or changed"

step "kill -9 the dataplane and start it again"
kill -KILL "$(lab_pid "$LAB" dataplane)"
sleep 1
lab_start_dataplane "$LAB" || fail "the dataplane did not restart"
lab_wait 60 "ports lan and wan" host_ready || fail "the ports did not come back"
lab_wait 30 "host interface wan" rt ip link show wan || fail "no host interface wan"
bird_wait_up brt wan 120 || { birdc_ brt show protocols all wan; fail "BGP did not re-establish"; }
lab_wait 60 "$N routes back in sluice" sh -c "[ \$('$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' route show proto bird | wc -l) -ge $N ]" ||
	fail "sluice has $(count) bird routes after the dataplane restart"
wan ip addr add 10.0.5.1/32 dev eth0
ping_ok lan 3 10.0.5.1 || fail "no traffic through the routes that came back"
ok "BGP back, $N routes back in sluice, traffic flows"
