#!/bin/bash
# Control: a port asked for on an interface another port already uses is
# refused before the driver sees it.  Trying it would have the af_xdp
# driver's failed socket take the first port's XDP program off the
# interface (that port then receives nothing, with no counter moving) and
# keep the 2048 buffers it gave the socket.  sluiced --check refuses such a
# file, naming both lines.
. "$(dirname "$0")/lib.sh"
e2e_up cdupif
SLUICED=$SLUICE_BUILD/control/sluiced

ping_ok lan 1 203.0.113.1 || fail "the WAN host is unreachable before the test"
idle=$(pool_in_use)

step "RTM_NEWLINK dup on lan's interface $LAB-rl: refused, EBUSY, named"
out=$("$PY" "$SLUICE_SRC/tests/e2e/nlreq.py" "$(lab_sock "$LAB")" new dup "net_af_xdp8,iface=$LAB-rl") || fail "no answer to the RTM_NEWLINK"
echo "$out"
[ "${out%% *}" = -16 ] || fail "the second port on $LAB-rl was not refused with EBUSY: $out"
grep -q "interface $LAB-rl is already port \"lan\"'s" <<<"$out" || fail "the refusal does not name lan: $out"
cli link show dup >/dev/null 2>&1 && fail "a port dup exists"
ok "refused: ${out#* }"

step "lan still forwards, and the pool is where it was"
ping_ok lan 2 203.0.113.1 || fail "lan lost its traffic after the refused port"
now=$(pool_in_use)
[ "$now" -le $((idle + 64)) ] || fail "the pool holds $now buffers, $idle before"
ok "ping across; pool $idle -> $now"

step "sluiced --check refuses a file with two ports on one interface"
conf=$(lab_conf "$LAB")
awk -v d="net_af_xdp8,iface=$LAB-rl" '{ print } /^\[routes\]/ && !done { done = 1 }
	END { print "[port dup]"; print "device = " d }' "$conf" >"$E2E_TMP/dup.ini"
out=$("$SLUICED" -c "$E2E_TMP/dup.ini" --check 2>&1) && fail "--check accepted two ports on $LAB-rl"
echo "$out"
grep -q "interface $LAB-rl is already port \"lan\"'s (line [0-9]*)" <<<"$out" ||
	fail "--check does not say the interface is lan's: $out"
ok "--check names the interface and lan's line"
