#!/bin/bash
# Host daemons: BIRD in the WAN namespace announces 1000 prefixes over eBGP
# to BIRD in the router namespace (across the host interface wan), which
# installs them in the kernel; sluiced mirrors every one into sluice with
# its protocol and next hop, the LAN host's traffic to an announced
# prefix crosses sluice, and a withdrawal leaves sluice within 5 s.
# The config has no default route: only the mirrored routes reach 10/8.
. "$(dirname "$0")/host_lib.sh"
host_up hbgp '/^route = default/d'

N=1000
bird_bgp_confs
bird_prefixes "$E2E_TMP/announce.conf" "$N"
# An address in an announced prefix, on the WAN host.
wan ip addr add 10.0.5.1/32 dev eth0 || fail "wan address"

step "no route to 10.0.5.1 before BGP"
lan ping -n -c 1 -W 1 10.0.5.1 >/dev/null 2>&1 && fail "10.0.5.1 answered before any route"

step "BIRD on both sides"
bird_start brt rt
bird_start bwan wan
bird_wait_up brt wan 90 || { birdc_ brt show protocols all wan; fail "BGP did not come up"; }
ok "eBGP established across the host interface"

step "$N prefixes in the router's kernel, then in sluice (proto bird)"
lab_wait 60 "$N kernel routes" sh -c "[ \$(ip netns exec $LAB-rt ip route show proto bird | wc -l) -ge $N ]" ||
	fail "the kernel has $(rt ip route show proto bird | wc -l) bird routes"
lab_wait 30 "$N routes in sluice" sh -c "[ \$('$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' route show proto bird | wc -l) -ge $N ]" ||
	fail "sluice has $(routes proto bird | wc -l) bird routes"
# Every prefix, with its next hop and port, and nothing else.
routes proto bird | sort >"$E2E_TMP/got"
sed -n 's|^\troute \([0-9./]*\) blackhole;|\1 via 203.0.113.1 dev wan proto bird metric 32|p' \
	"$E2E_TMP/announce.conf" | sort >"$E2E_TMP/want"
diff -u "$E2E_TMP/want" "$E2E_TMP/got" | head -20 >"$E2E_TMP/diff"
[ -s "$E2E_TMP/diff" ] && { cat "$E2E_TMP/diff"; fail "sluice's bird routes differ from the announcement"; }
cli -j route show proto bird | json 'sorted(set(r["protocol"] for r in d))' | grep -qxF '["bird"]' ||
	fail "JSON protocol is not bird"
ok "all $N prefixes in sluice: via 203.0.113.1 dev wan proto bird"

step "LAN traffic to an announced prefix crosses sluice"
ping_ok lan 3 10.0.5.1 || fail "no ping to 10.0.5.1 through the mirrored route"
cli route get 10.0.5.1 | grep -q "via 203.0.113.1 dev wan" || fail "route get 10.0.5.1: $(cli route get 10.0.5.1)"
ok "10.0.5.1 reached through 10.0.5.0/24 proto bird"

step "withdraw every prefix: gone from sluice within 5 s"
: >"$E2E_TMP/announce.conf"
birdc_ bwan configure >/dev/null || fail "birdc configure"
t0=$(date +%s.%N)
lab_wait 5 "no bird route in sluice" sh -c "[ \$('$SLUICE_BUILD/control/sluice' -s '$(lab_sock "$LAB")' route show proto bird | wc -l) -eq 0 ]" ||
	fail "$(routes proto bird | wc -l) bird routes left in sluice 5 s after the withdrawal"
t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
ok "withdrawn from sluice in ${t}s"
lan ping -n -c 1 -W 1 10.0.5.1 >/dev/null 2>&1 && fail "10.0.5.1 still answers after the withdrawal"
ok "10.0.5.1 unreachable again"
