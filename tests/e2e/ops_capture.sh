#!/bin/bash
# sluice capture: 10 pings through the LAN port land in a pcapng file
# (-w FILE) and in a pipe (-w -), both read back by tcpdump with 10 echo
# requests in and 10 replies out, each frame's interface block named for
# its port; without -w one text line per frame; -c
# and Ctrl-C end it, after which no capture runs (stats); -s 0 keeps whole
# frames, as tcpdump's does.
. "$(dirname "$0")/lib.sh"
e2e_up ocap

SLUICE=$SLUICE_BUILD/control/sluice
SOCK=$(lab_sock "$LAB")

captures() { cli -j stats | json "d['control']['captures']"; }

# The capture's own frames, as tcpdump reads them: "in"/"out" lines of
# ICMP echo requests and replies between the LAN host and 203.0.113.1.
count_icmp() {		# FILE|- WHAT
	timeout 20 tcpdump -n -r "$1" 2>/dev/null | grep -c "ICMP echo $2"
}

captures_are() { [ "$(captures)" = "$1" ]; }
# Wait until the dataplane says a capture runs (its request was taken).
wait_capture() { lab_wait 10 "a running capture" captures_are 1; }

step "capture -w FILE on lan while the LAN host pings 203.0.113.1 ten times, then Ctrl-C"
timeout 60 "$SLUICE" -s "$SOCK" capture dev lan -w "$E2E_TMP/ping.pcapng" 2>"$E2E_TMP/cap.err" &
cap=$!
wait_capture || { cat "$E2E_TMP/cap.err"; fail "the capture did not start"; }
ping_ok lan 10 203.0.113.1 || fail "the pings did not get through while capturing"
kill -INT "$cap"
wait_gone "$cap" 10 || fail "SIGINT did not end the capture"
cat "$E2E_TMP/cap.err"
[ "$(captures)" = 0 ] || fail "a capture still runs after Ctrl-C"
req=$(count_icmp "$E2E_TMP/ping.pcapng" request)
rep=$(count_icmp "$E2E_TMP/ping.pcapng" reply)
echo "file: $req requests, $rep replies"
timeout 20 tcpdump -n -r "$E2E_TMP/ping.pcapng" 2>/dev/null | head -4
[ "$req" = 10 ] && [ "$rep" = 10 ] || fail "expected 10 requests and 10 replies in the file"
# tcpdump does not print a pcapng block's direction: read its epb_flags.
dirs=$("$PY" - "$E2E_TMP/ping.pcapng" <<'PYEOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
off, seen = 0, {}
while off + 12 <= len(b):
    typ, ln = struct.unpack_from("<II", b, off)
    if typ == 6:
        caplen = struct.unpack_from("<I", b, off + 20)[0]
        pkt = b[off + 28:off + 28 + caplen]
        o, flags = off + 28 + (caplen + 3) // 4 * 4, 0
        while o + 4 <= off + ln - 4:
            code, olen = struct.unpack_from("<HH", b, o)
            if code == 0:
                break
            if code == 2:
                flags = struct.unpack_from("<I", b, o + 4)[0] & 3
            o += 4 + (olen + 3) // 4 * 4
        if len(pkt) > 34 and pkt[12:14] == b"\x08\x00" and pkt[23] == 1:
            k = ("in" if flags == 1 else "out" if flags == 2 else "?") + "-" + str(pkt[34])
            seen[k] = seen.get(k, 0) + 1
    off += ln
print(" ".join("%s=%d" % kv for kv in sorted(seen.items())))
PYEOF
)
echo "directions (ICMP type): $dirs"
[ "$dirs" = "in-8=10 out-0=10" ] || fail "expected 10 requests in and 10 replies out"

step "capture -c 6 ends by itself after 6 frames"
timeout 30 "$SLUICE" -s "$SOCK" capture dev lan -c 6 -w "$E2E_TMP/six.pcapng" 2>/dev/null &
cap=$!
wait_capture || fail "the capture did not start"
ping_ok lan 5 203.0.113.1 || fail "the pings did not get through while capturing"
wait_gone "$cap" 20 || fail "capture -c 6 did not end after 6 frames"
n=$(timeout 20 tcpdump -n -r "$E2E_TMP/six.pcapng" 2>/dev/null | wc -l)
[ "$n" = 6 ] || fail "capture -c 6 wrote $n frames"
[ "$(captures)" = 0 ] || fail "a capture still runs after its count"

# tcpdump's -s 0 is "the default": sluice's is the whole copy (2024 bytes).
step "capture -s 0 -c 2: whole frames, as without -s"
timeout 30 "$SLUICE" -s "$SOCK" capture dev lan -s 0 -c 2 -w "$E2E_TMP/s0.pcapng" \
	2>"$E2E_TMP/s0.err" &
cap=$!
wait_capture || { cat "$E2E_TMP/s0.err"; fail "capture -s 0 did not start"; }
lan ping -n -c 1 -s 1000 -W 2 203.0.113.1 >/dev/null || fail "the ping did not get through while capturing"
wait_gone "$cap" 20 || fail "capture -s 0 -c 2 did not end after 2 frames"
wait "$cap" || fail "capture -s 0 failed: $(cat "$E2E_TMP/s0.err")"
lens=$("$PY" - "$E2E_TMP/s0.pcapng" <<'PYEOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
off, lens = 0, []
while off + 12 <= len(b):
    typ, ln = struct.unpack_from("<II", b, off)
    if typ == 6:
        lens.append("%d/%d" % struct.unpack_from("<II", b, off + 20))
    off += ln
print(" ".join(lens))
PYEOF
)
echo "captured/original lengths: $lens"
# 1000 bytes of ICMP data: a 1042-byte frame each way.
[ "$lens" = "1042/1042 1042/1042" ] || fail "expected two whole 1042-byte frames"

step "the same through a pipe: capture -w - | tcpdump -r -"
mkfifo "$E2E_TMP/fifo"
timeout 60 tcpdump -n -r - <"$E2E_TMP/fifo" >"$E2E_TMP/pipe.txt" 2>/dev/null &
td=$!
timeout 60 "$SLUICE" -s "$SOCK" capture dev lan -w - >"$E2E_TMP/fifo" 2>/dev/null &
cap=$!
wait_capture || fail "the piped capture did not start"
ping_ok lan 10 203.0.113.1 || fail "the pings did not get through while capturing"
kill -INT "$cap"
wait_gone "$cap" 10 || fail "SIGINT did not end the piped capture"
wait_gone "$td" 10 || fail "tcpdump did not see the end of the stream"
req=$(grep -c "ICMP echo request" "$E2E_TMP/pipe.txt")
rep=$(grep -c "ICMP echo reply" "$E2E_TMP/pipe.txt")
echo "pipe: $req requests, $rep replies"
[ "$req" = 10 ] && [ "$rep" = 10 ] || fail "expected 10 requests and 10 replies through the pipe"

step "without -w: one line per frame, with port and direction"
timeout 30 "$SLUICE" -s "$SOCK" capture dev lan -c 4 >"$E2E_TMP/text.txt" 2>/dev/null &
txt=$!
wait_capture || fail "the text capture did not start"
ping_ok lan 2 203.0.113.1 || fail "pings failed"
wait_gone "$txt" 20 || fail "the text capture did not end"
cat "$E2E_TMP/text.txt"
[ "$(grep -c ' lan in  IP 192.168.1.10 > 203.0.113.1: ICMP echo request' "$E2E_TMP/text.txt")" = 2 ] ||
	fail "no 2 'lan in' request lines"
[ "$(grep -c ' lan out IP 203.0.113.1 > 192.168.1.10: ICMP echo reply' "$E2E_TMP/text.txt")" = 2 ] ||
	fail "no 2 'lan out' reply lines"

step "every port, both directions: requests in on lan and out on wan, replies back"
timeout 30 "$SLUICE" -s "$SOCK" capture -w "$E2E_TMP/int.pcapng" 2>"$E2E_TMP/int.err" &
int=$!
wait_capture || fail "the capture did not start"
ping_ok lan 3 203.0.113.1 || fail "pings failed"
kill -INT "$int"
wait_gone "$int" 10 || fail "SIGINT did not end the capture"
cat "$E2E_TMP/int.err"
# Every port: requests in on lan, out on wan (translated), replies back.
n=$(timeout 20 tcpdump -n -r "$E2E_TMP/int.pcapng" 2>/dev/null | grep -c "ICMP echo")
[ "$n" -ge 12 ] || fail "expected at least 12 echo frames over both ports, got $n"
# The interface blocks carry the ports' names (if_name; the device still
# in if_hardware): each echo frame on the port it crossed.
where=$("$PY" - "$E2E_TMP/int.pcapng" <<'PYEOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
off, ifs, seen = 0, [], set()
def options(start, end):
    while start + 4 <= end:
        code, olen = struct.unpack_from("<HH", b, start)
        if code == 0:
            break
        yield code, b[start + 4:start + 4 + olen]
        start += 4 + (olen + 3) // 4 * 4
while off + 12 <= len(b):
    typ, ln = struct.unpack_from("<II", b, off)
    if typ == 1:
        o = dict(options(off + 16, off + ln - 4))
        ifs.append((o.get(2, b"?").decode(), o.get(15, b"").decode()))
    elif typ == 6:
        ifid, caplen = struct.unpack_from("<I", b, off + 8)[0], struct.unpack_from("<I", b, off + 20)[0]
        pkt = b[off + 28:off + 28 + caplen]
        flags = dict(options(off + 28 + (caplen + 3) // 4 * 4, off + ln - 4)).get(2, b"\0\0\0\0")
        d = {1: "in", 2: "out"}.get(struct.unpack("<I", flags)[0] & 3, "?")
        if len(pkt) > 34 and pkt[12:14] == b"\x08\x00" and pkt[23] == 1 and pkt[34] in (0, 8):
            name, hw = ifs[ifid]
            seen.add("%s:%s-%d%s" % (name, d, pkt[34], "" if "-net_" in hw else "(" + hw + ")"))
    off += ln
print(" ".join(sorted(seen)))
PYEOF
)
echo "echo frames by interface block name: $where"
[ "$where" = "lan:in-8 lan:out-0 wan:in-0 wan:out-8" ] ||
	fail "expected requests in on lan and out on wan, replies in on wan and out on lan, by port name"
[ "$(captures)" = 0 ] || fail "a capture still runs after Ctrl-C"

step "a reader that goes away ends the capture (EPIPE)"
# The reader takes the first bytes, then holds the pipe open until the
# capture is seen running (else a header sent in two writes could meet
# EPIPE before wait_capture looks), then goes away (at most 30 s).
rm -f "$E2E_TMP/reader.go"
( timeout 30 "$SLUICE" -s "$SOCK" capture dev lan -w - |
	{ head -c 100 >/dev/null
	  for _ in $(seq 300); do [ -e "$E2E_TMP/reader.go" ] && break; sleep 0.1; done; } ) &
ep=$!
wait_capture || fail "the capture did not start"
touch "$E2E_TMP/reader.go"
ping_ok lan 3 203.0.113.1 || fail "pings failed"
wait_gone "$ep" 20 || fail "the capture did not end when its reader went away"
lab_wait 10 "the capture to end" captures_are 0 ||
	fail "a capture still runs after its reader went away"

step "one capture at a time; a client that disconnects ends its capture"
"$SLUICE" -s "$SOCK" capture dev lan >/dev/null 2>&1 &
k=$!
wait_capture || fail "the capture did not start"
err=$("$SLUICE" -s "$SOCK" capture dev wan -c 1 -w "$E2E_TMP/second.pcapng" 2>&1) &&
	fail "a second capture started while one runs"
echo "$err"
grep -q "^Error: a capture is already running.$" <<<"$err" || fail "no EBUSY message for a second capture"
kill -KILL "$k"
wait "$k" 2>/dev/null
lab_wait 10 "the capture to end" captures_are 0 ||
	fail "a capture still runs after its client was killed"
ping_ok lan 3 203.0.113.1 || fail "forwarding broke after the captures"
ok "capture writes pcapng to a file and a pipe, prints lines, and ends on -c, Ctrl-C, EPIPE and disconnect"
