#!/bin/bash
# Host path: punted traffic is rate-limited and every frame is counted.  The
# LAN host floods UDP to a receiver on the router's address in the router
# namespace's kernel; afterwards each datagram the router took is either in
# stats' punted or in punt_drops (token bucket, queue), and each punted one
# is either read by the receiver or counted by the kernel.  The receiver's
# rate shows what the host gets; the dataplane runs with --punt-rate 2000, so
# the flood meets the bucket, which must hold it to 2000/s.
. "$(dirname "$0")/lib.sh"
export SLUICE_LAB_HOST=yes
# A low rate, so that the flood meets the bucket whatever the machine's load.
RATE=2000
export SLUICE_LAB_DP_ARGS="--punt-rate $RATE"
e2e_up hpunt

N=${HOST_PUNT_N:-150000}
# link show's RX packets (frames the router took) and missed (the device lost).
port_rx() { cli -j link show "$1" | json 'd[0]["stats64"]["rx"]["packets"]'; }
port_missed() { cli -j link show "$1" | json 'd[0]["stats64"]["rx"]["missed_errors"]'; }
hstat() { cli -j stats | json "d['host']['$1']"; }
udp_errs() { snmp rt Udp RcvbufErrors; }

rt "$PY" -u - "$E2E_TMP/recv.out" <<'PYEOF' >/dev/null 2>&1 &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)	# SO_RCVBUFFORCE
s.bind(("192.168.1.1", 9999))
s.settimeout(3)
n, first, last = 0, 0.0, 0.0
while True:
    try:
        s.recv(2048)
    except socket.timeout:
        if n:
            break
        continue
    last = time.monotonic()
    if n == 0:
        first = last
    n += 1
open(sys.argv[1], "w").write("%d %.6f\n" % (n, last - first))
PYEOF
rpid=$!
lab_wait 10 "the receiver" sh -c "ip netns exec $LAB-rt ss -Hlun 'sport = :9999' | grep -q ." ||
	fail "the receiver did not start"
ping_ok lan 1 192.168.1.1 || fail "no ping"

rx0=$(port_rx lan); m0=$(port_missed lan); p0=$(hstat punted); d0=$(hstat punt_drops); rl0=$(hstat punt_ratelimit)
k0=$(udp_errs)
step "the LAN host sends $N datagrams to 192.168.1.1:9999 as fast as it can"
lan "$PY" - "$N" >"$E2E_TMP/send.out" <<'PYEOF' || fail "the sender failed"
import socket, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("192.168.1.1", 9999))
b = b"x" * 18
sent, t0 = 0, time.monotonic()
# At least 2.5 s, so that the bucket's rate, not its depth, decides what
# the host gets, however fast this machine sends.
while sent < n or time.monotonic() - t0 < 2.5:
    try:
        s.send(b)
        sent += 1
    except OSError:
        time.sleep(0.0001)
print("%d %.6f" % (sent, time.monotonic() - t0))
PYEOF
wait_gone "$rpid" 30 || fail "the receiver did not finish"
read -r sent st <"$E2E_TMP/send.out"
read -r got gt <"$E2E_TMP/recv.out"
rx=$(( $(port_rx lan) - rx0 )); missed=$(( $(port_missed lan) - m0 ))
punted=$(( $(hstat punted) - p0 )); drops=$(( $(hstat punt_drops) - d0 ))
rl=$(( $(hstat punt_ratelimit) - rl0 )); kern=$(( $(udp_errs) - k0 ))
cli stats | sed -n '/^host:/,$p'
echo "sent $sent in ${st}s; the router took $rx (its device missed $missed); punted $punted, punt_drops $drops" \
	"(rate limit $rl); the receiver got $got in ${gt}s; kernel socket drops $kern"
"$PY" -c 'import sys; s, st, g, gt = map(float, sys.argv[1:]); print("offered %.0f/s, host received %.0f/s" % (s / st, g / gt if gt > 0 else 0))' \
	"$sent" "$st" "$got" "$gt"

# A few frames besides the flood (ARP, its copy, the ping) are allowed.
[ $(( rx - punted - drops )) -le 10 ] && [ $(( punted + drops - rx )) -le 10 ] ||
	fail "the router took $rx frames but punted $punted and dropped $drops: some went uncounted"
[ $(( punted - got - kern )) -le 10 ] && [ $(( got + kern - punted )) -le 10 ] ||
	fail "punted $punted, but the receiver got $got and the kernel dropped $kern"
[ $(( rx + missed )) -ge $(( sent * 9 / 10 )) ] || fail "the port saw only $(( rx + missed )) of $sent datagrams"
# The bucket holds RATE/10 and refills at RATE a second, from the receiver's
# first datagram to its last (plus a second for the ping and the ARP).
limit=$("$PY" -c 'import sys; r = int(sys.argv[2]); print(int(r / 10 + r * (float(sys.argv[1]) + 1) * 1.1))' "$gt" "$RATE")
[ "$punted" -le "$limit" ] || fail "punted $punted in ${gt}s: more than --punt-rate $RATE allows ($limit)"
[ "$rl" -gt 0 ] || fail "$rx datagrams at $RATE/s, but the bucket held none back"
[ "$got" -ge "$RATE" ] || fail "the host received only $got datagrams"
ok "every datagram counted: punted $punted = received $got + kernel drops $kern; punt_drops $drops"
