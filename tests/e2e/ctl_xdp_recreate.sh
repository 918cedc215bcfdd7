#!/bin/bash
# Control: DPDK 22.11's af_xdp driver keeps the 2048 buffers of a device's
# fill queue when the device closes.  Deleting and re-making an af_xdp port
# counts them in the pool's kept_by_closed_ports, and once the pool could
# not feed another such port, making one is refused with a reason naming
# them and the fix, --mbufs (not "rx queue setup failed"), while the other port keeps forwarding.
# A small pool (--mbufs 12288) gets there in three rounds.
. "$(dirname "$0")/lib.sh"
export SLUICE_LAB_DP_ARGS="--mbufs 12288"
e2e_up cxdpre

pool() { cli -j stats | json "d[\"pool\"][\"$1\"]"; }
dev=$(cli -j link show wan | json 'd[0]["parentdev"]')
[ -n "$dev" ] || fail "no device string for wan"

# link new|del: RTM_NEWLINK or RTM_DELLINK of wan on its device; prints
# the errno and the reason.
link() { "$PY" "$SLUICE_SRC/tests/e2e/nlreq.py" "$(lab_sock "$LAB")" "$1" wan "$dev"; }

step "what wan's device lost stays counted when wan is deleted (counters never go down)"
wan ip link set eth0 down
lan ping -n -c 5 -i 0.2 -W 1 203.0.113.1 >/dev/null 2>&1
wan ip link set eth0 up
lost=$(stat_value '^device_tx_dropped$')
[ "$lost" -gt 0 ] || fail "no device_tx_dropped with the WAN host's end down"
out=$(link del) || fail "no answer to RTM_DELLINK"
[ "${out%% *}" = 0 ] || fail "RTM_DELLINK wan: $out"
now=$(stat_value '^device_tx_dropped$')
[ "$now" -ge "$lost" ] || fail "device_tx_dropped went from $lost to $now when wan went"
out=$(link new) || fail "no answer to RTM_NEWLINK"
[ "${out%% *}" = 0 ] || fail "RTM_NEWLINK wan: $out"
now=$(stat_value '^device_tx_dropped$')
[ "$now" = "$lost" ] || fail "device_tx_dropped is $now with wan made again, $lost before"
ok "device_tx_dropped $lost, the same after wan went and came back"

step "delete and re-make wan until the pool cannot feed it"
base=$(pool kept_by_closed_ports)
[ "$base" = 2048 ] || fail "kept_by_closed_ports is $base after one af_xdp port closed"
refused=""
for round in 1 2 3 4; do
	before=$(pool in_use)
	out=$(link del) || fail "no answer to RTM_DELLINK"
	[ "${out%% *}" = 0 ] || fail "RTM_DELLINK wan: $out"
	kept=$(pool kept_by_closed_ports)
	[ "$kept" = $((base + round * 2048)) ] || fail "round $round: kept_by_closed_ports is $kept"
	out=$(link new) || fail "no answer to RTM_NEWLINK"
	echo "round $round: in use $before, kept $kept, new wan: $out"
	if [ "${out%% *}" != 0 ]; then
		refused=$out
		break
	fi
done
[ -n "$refused" ] || fail "wan was made four times on a pool of 12288"
[ "${refused%% *}" = -105 ] || fail "the refusal is not ENOBUFS: $refused"
grep -q "kept by af_xdp devices closed since the start" <<<"$refused" ||
	fail "the refusal does not say where the buffers went: $refused"
grep -q "a larger --mbufs (the pool holds 12288) makes room" <<<"$refused" ||
	fail "the refusal does not name the option that makes room: $refused"
ok "refused at round $round: ${refused#* }"

step "lan still answers"
lan ping -n -c 2 -W 2 192.168.1.1 >/dev/null || fail "the router stopped answering on lan"
ok "ping to the router on lan"
