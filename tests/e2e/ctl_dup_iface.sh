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
out=$("$PY" - "$(lab_sock "$LAB")" "$LAB-rl" <<'PYEOF'
import socket, struct, sys
RTM_NEWLINK, F = 16, 0x1 | 0x4 | 0x200 | 0x400	# REQUEST ACK EXCL CREATE
IFLA_IFNAME, IFLA_PARENT_DEV_NAME = 3, 56
def attr(t, v):
    v = v.encode() + b"\0"
    a = struct.pack("HH", 4 + len(v), t) + v
    return a + b"\0" * (-len(a) % 4)
body = struct.pack("BxHiII", 0, 1, 0, 0, 0) + attr(IFLA_IFNAME, "dup") + \
       attr(IFLA_PARENT_DEV_NAME, "net_af_xdp8,iface=" + sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(10)
s.connect(sys.argv[1])
s.send(struct.pack("IHHII", 16 + len(body), RTM_NEWLINK, F, 9, 0) + body)
r = s.recv(65536)
err = struct.unpack_from("i", r, 16)[0]
msg = b""
# The extended ack's message (NLMSGERR_ATTR_MSG, 1) follows the quoted
# request, whole unless NLM_F_CAPPED (0x100).
o = 20 + 16 + (0 if struct.unpack_from("H", r, 6)[0] & 0x100 else len(body))
while o + 4 <= len(r):
    l, t = struct.unpack_from("HH", r, o)
    if l < 4:
        break
    if t == 1:
        msg = r[o + 4:o + l].rstrip(b"\0")
    o += (l + 3) & ~3
print(err, msg.decode())
PYEOF
) || fail "no answer to the RTM_NEWLINK"
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
