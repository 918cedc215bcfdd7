# SPDX-License-Identifier: BSD-3-Clause
# Shared by the end-to-end tests: each test sources this, brings up its own
# lab with e2e_up, and asserts what the lab's hosts observe.  Exit status:
# 0 pass, 1 fail, 77 skip (not root).

set -u
SLUICE_SRC=${SLUICE_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SLUICE_BUILD=${SLUICE_BUILD:-$SLUICE_SRC/build}
export SLUICE_SRC SLUICE_BUILD
# shellcheck source=../../scripts/lab
. "$SLUICE_SRC/scripts/lab"

# A test that needs no lab sets E2E_NO_ROOT=1 before sourcing this.
if [ "$(id -u)" != 0 ] && [ -z "${E2E_NO_ROOT:-}" ]; then
	echo "SKIP: the end-to-end tests need root (namespaces, DPDK)"
	exit 77
fi

export SLUICE_LAB_OWNER=$$
LAB=""
E2E_TMP=""

step() { echo "== $*"; }
ok()   { echo "ok: $*"; }
fail() {
	echo "FAIL: $*" >&2
	[ -n "$LAB" ] && lab_log_tail "$LAB"
	exit 1
}

e2e_cleanup() {
	[ -n "$LAB" ] && lan2_down
	[ -n "$LAB" ] && lab_down "$LAB"
	[ -n "$E2E_TMP" ] && rm -rf "$E2E_TMP"
	return 0
}

# e2e_up TAG [xdp|packet|tap] [ip6]: a lab named TAG + our pid (TAG: up to 5
# lowercase letters), removed on exit whatever happens.  Ports are the lab's
# default (af_xdp) unless a test asks for a kind (several workers need
# af_packet, RX interrupts net_tap); "ip6" gives the lab its IPv6 addresses
# (scripts/lab --ip6).
e2e_up() {
	local tag=$1 ports=${2:-}
	if [ "${3:-}" = ip6 ]; then
		export SLUICE_LAB_IP6=1
	else
		unset SLUICE_LAB_IP6
	fi
	LAB=${tag:0:5}$$
	E2E_TMP=$(mktemp -d "/tmp/sluice-e2e-$LAB.XXXXXX")
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	if [ -n "$ports" ]; then
		export SLUICE_LAB_PORTS=$ports
	else
		unset SLUICE_LAB_PORTS
	fi
	step "lab $LAB up (${ports:-default} ports)"
	lab_up "$LAB" || fail "the lab did not come up"
}

lan() { lab_exec "$LAB" lan "$@"; }
lan2() { ip netns exec "$LAB-lan2" "$@"; }
wan() { lab_exec "$LAB" wan "$@"; }
rt()  { lab_exec "$LAB" rt "$@"; }
cli() { lab_cli "$LAB" "$@"; }

# json EXPR: evaluate a python expression over stdin's JSON as `d`.
json() {
	"$PY" -c 'import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1])
print(json.dumps(r) if isinstance(r, (dict, list)) else r)' "$1"
}

# The packet pool's "in_use" figure from `sluice -j stats`, wherever the
# printer nests it.
pool_in_use() {
	cli -j stats | "$PY" -c 'import json, sys
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "in_use" and isinstance(v, int):
                return v
        for v in o.values():
            r = find(v)
            if r is not None:
                return r
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r is not None:
                return r
print(find(json.load(sys.stdin)))'
}

# The first counter in `sluice -j stats` whose name matches REGEX (a drop
# reason, a NAT counter), wherever it is nested; 0 when absent.
stat_value() {
	cli -j stats | "$PY" -c 'import json, re, sys
rx = re.compile(sys.argv[1])
def find(o):
    if isinstance(o, dict):
        if isinstance(o.get("name"), str) and rx.search(o["name"]) and isinstance(o.get("value"), int):
            return o["value"]
        for k, v in o.items():
            if rx.search(k) and isinstance(v, int):
                return v
            r = find(v)
            if r is not None:
                return r
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r is not None:
                return r
print(find(json.load(sys.stdin)) or 0)' "$1"
}

# Wait until something listens on TCP PORT in namespace side SIDE.
wait_listen() {		# SIDE PORT [SECONDS]
	lab_wait "${3:-10}" "a listener on $1 tcp port $2" \
		sh -c "ip netns exec '$(lab_ns "$LAB" "$1")' ss -Hltn 'sport = :$2' | grep -q ."
}

# http_server SIDE ADDR PORT DIR LOG: python's http.server in the
# background (killed with the lab's namespaces).
http_server() {
	local side=$1 addr=$2 port=$3 dir=$4 log=$5
	lab_exec "$LAB" "$side" "$PY" -m http.server --bind "$addr" --directory "$dir" "$port" \
		</dev/null >"$log" 2>&1 &
	wait_listen "$side" "$port" || fail "http.server on $side $addr:$port did not start"
}

# ping_ok SIDE COUNT DEST: every one of COUNT echo requests answered.
ping_ok() {
	local out
	out=$(lab_exec "$LAB" "$1" ping -n -c "$2" -i 0.2 -W 2 "$3" 2>&1)
	grep -q " $2 received" <<<"$out" || { echo "$out" >&2; return 1; }
}

# lan_await_ra: the LAN host drops its static IPv6 address and default
# route and takes its configuration from router advertisements
# (accept_ra=2, autoconf, solicitations a second apart); the WAN host must
# then be out of its reach.
lan_await_ra() {
	lan ip -6 route del default via 2001:db8:1::1 || fail "no static default route to remove"
	lan ip -6 addr del 2001:db8:1::10/64 dev eth0 || fail "no static address to remove"
	lan sysctl -q -w net.ipv6.conf.eth0.accept_ra=2 net.ipv6.conf.eth0.autoconf=1 \
		net.ipv6.conf.eth0.router_solicitations=3 net.ipv6.conf.eth0.router_solicitation_interval=1
	lan ping -6 -n -c 1 -W 1 2001:db8:2::1 >/dev/null 2>&1 && fail "the WAN host is reachable before any RA"
}

# lan_slaac ROUTER_LL WHAT: the LAN host's link goes down and up, so it
# solicits; it must then hold a SLAAC address in 2001:db8:1::/64 and a
# default route via ROUTER_LL learnt from an RA, within 30 s.  Sets
# SLAAC_ADDR.  On failure prints the host's addresses and routes and
# returns 1 (the caller says what failed).
lan_slaac() {
	local ll=$1
	lan ip link set eth0 down
	lan ip link set eth0 up
	slaac_done() {
		lan ip -6 addr show dev eth0 scope global | grep -q "inet6 2001:db8:1:0:.*/64 scope global dynamic" &&
			lan ip -6 route show default | grep -q "via $ll dev eth0 proto ra"
	}
	lab_wait 30 "$2" slaac_done || {
		lan ip -6 addr show dev eth0
		lan ip -6 route show
		return 1
	}
	SLAAC_ADDR=$(lan ip -6 addr show dev eth0 scope global |
		awk '/inet6 2001:db8:1:0:/ { sub("/.*", "", $2); print $2; exit }')
}

# An IPv4 counter of a host's kernel from /proc/net/snmp (e.g. Ip ReasmOKs).
snmp() {		# SIDE GROUP FIELD
	lab_exec "$LAB" "$1" cat /proc/net/snmp | awk -v g="$2:" -v f="$3" '
		$1 == g && !h { for (i = 2; i <= NF; i++) if ($i == f) c = i; h = 1; next }
		$1 == g && h { print $c; exit }'
}

# ping_big SIDE ADDR [-6]: SIDE pings ADDR twice with 3000 bytes, more
# than the link takes, so fragments go both ways; true when both come
# back whole (3008 bytes from ADDR).  Prints ping's output.
ping_big() {
	local out
	out=$(lab_exec "$LAB" "$1" ping ${3:-} -n -c 2 -i 0.3 -W 2 -s 3000 "$2" 2>&1)
	echo "$out"
	grep -q " 2 received" <<<"$out" && grep -q "^3008 bytes from $2: icmp_seq=1" <<<"$out"
}

# lone_first_piece SIDE DEST [-6]: SIDE sends DEST the first piece of an
# echo request whose rest never comes (scapy, identification 0x5a17) and
# listens 9 s for what comes back; prints "time-exceeded SRC CODE ID" for an
# ICMP Time Exceeded quoting that piece, or "nothing".  The sender's
# reassembly timeout (RFC 792, RFC 8200 4.5) is what is waited for.
lone_first_piece() {
	lab_exec "$LAB" "$1" "$PY" - "$2" "${3:-}" <<'PY' 2>&1
import sys, time
from scapy.all import *
conf.verb = 0
dst, v6 = sys.argv[1], sys.argv[2] == "-6"
if v6:
    whole = raw(IPv6(dst=dst) / ICMPv6EchoRequest(id=0x5a17, seq=1, data=b"sluice-lone-pieces" * 3))
    p = IPv6(dst=dst) / IPv6ExtHdrFragment(id=0x5a17, m=1, offset=0, nh=58) / whole[40:72]
    want = lambda q: ICMPv6TimeExceeded in q and IPv6ExtHdrFragment in q[ICMPv6TimeExceeded]
    about = lambda q: (q[IPv6].src, q[ICMPv6TimeExceeded].code, q[ICMPv6TimeExceeded][IPv6ExtHdrFragment].id)
else:
    p = IP(dst=dst, id=0x5a17, flags="MF", frag=0, proto=1) / \
        raw(ICMP(type=8, id=0x5a17, seq=1) / (b"sluice-lone-pieces" * 3))[:32]
    want = lambda q: ICMP in q and q[ICMP].type == 11 and IPerror in q
    about = lambda q: (q[IP].src, q[ICMP].code, q[IPerror].id)
sn = AsyncSniffer(iface="eth0", store=True, lfilter=want)
sn.start()
time.sleep(0.3)
send(p)
time.sleep(9)
got = sn.stop()
print("time-exceeded %s %d %#x" % about(got[0]) if got else "nothing")
PY
}

# wait_gone PID [SECONDS]: a background process ends by itself, bounded.
# (A bare `wait` would also wait for the lab's dataplane.)
wait_gone() {
	local i
	for i in $(seq $((${2:-10} * 10))); do
		kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
		sleep 0.1
	done
	return 1
}

# udp_echo_server LOG: on the WAN host, 203.0.113.1:7777 sends every
# datagram back and logs "PEER PORT LENGTH SHA256" of each.
udp_echo_server() {
	wan "$PY" -u - "$1" >/dev/null 2>&1 <<'PYEOF' &
import hashlib, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.1", 7777))
log = open(sys.argv[1], "a", buffering=1)
while True:
    data, peer = s.recvfrom(65535)
    log.write("%s %d %d %s\n" % (peer[0], peer[1], len(data), hashlib.sha256(data).hexdigest()))
    s.sendto(data, peer)
PYEOF
	lab_wait 10 "the echo server" sh -c "ip netns exec $(lab_ns "$LAB" wan) ss -Hlun 'sport = :7777' | grep -q ." ||
		fail "echo server did not start"
}

# lan2_up: a second LAN host, namespace $LAB-lan2 with 192.168.1.11/24 on a
# macvlan (bridge mode) of the LAN host's eth0, so both reach the router on
# the one veth.  (A macvlan does not talk to its lower device, so the two
# hosts meet only through the router, which is what hairpin tests want.)
# e2e_cleanup removes it.
lan2_up() {
	local ns=$LAB-lan2
	ip netns add "$ns" || return 1
	ip netns exec "$ns" ip link set lo up || return 1
	lan ip link add link eth0 name mv0 type macvlan mode bridge || return 1
	lan ip link set mv0 netns "$ns" || return 1
	lan2 ethtool -K mv0 tx off tso off gso off gro off >/dev/null || return 1
	lan2 ip addr add 192.168.1.11/24 dev mv0 || return 1
	lan2 ip link set mv0 up || return 1
	lan2 ip route add default via 192.168.1.1
}

lan2_down() {
	local ns=$LAB-lan2 pid
	[ -e "/run/netns/$ns" ] || return 0
	for pid in $(ip netns pids "$ns" 2>/dev/null); do
		lab_kill_pid "$pid"
	done
	ip netns del "$ns" 2>/dev/null
	return 0
}
