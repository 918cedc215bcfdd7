# SPDX-License-Identifier: BSD-3-Clause
# Shared by the host_* tests: a lab whose ports are host interfaces (a
# kernel interface in the router namespace named as the port), and the
# host's daemons (BIRD, dnsmasq, dhclient), each with its own config,
# control socket, pidfile and lease files under E2E_TMP, killed on exit.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOST_CONF=""

host_cleanup() {
	local f pid
	for f in "$E2E_TMP"/*.pid; do
		[ -s "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null) || continue
		kill "$pid" 2>/dev/null
	done
	[ -n "$HOST_CONF" ] && rm -f "$HOST_CONF"
	e2e_cleanup
}

# ip route and sluice print protocol 245 as "sluice" once iproute2 knows
# the name: meson installs the file; a test machine may not have it.
host_rt_protos() {
	[ -e /etc/iproute2/rt_protos.d/sluice.conf ] && return 0
	mkdir -p /etc/iproute2/rt_protos.d
	cp "$SLUICE_SRC/conf/iproute2/sluice.conf" /etc/iproute2/rt_protos.d/sluice.conf
}

# The lab's ports are there (the default route is the test's business:
# with DHCP it comes later).
host_ready() {
	local links
	links=$(lab_cli "$LAB" link show 2>/dev/null) || return 1
	grep -qw lan <<<"$links" && grep -qw wan <<<"$links"
}

# host_up TAG [SED...]: a lab named TAG + our pid whose config is
# conf/lab.ini with `host = yes` on port wan, then each SED expression
# applied (e.g. '/^address = 203/d' for a WAN address from DHCP).  Unlike
# e2e_up it does not wait for a default route.
host_up() {
	local tag=$1 e st
	shift
	LAB=${tag:0:5}$$
	E2E_TMP=$(mktemp -d "/tmp/sluice-e2e-$LAB.XXXXXX")
	trap host_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	unset SLUICE_LAB_PORTS
	HOST_CONF=$(mktemp /tmp/sluice-e2e-host.XXXXXX.ini)
	sed -e '/^\[port wan\]/a host = yes' "$SLUICE_SRC/conf/lab.ini" >"$HOST_CONF"
	for e in "$@"; do
		sed -i -e "$e" "$HOST_CONF"
	done
	export SLUICE_LAB_CONF=$HOST_CONF
	host_rt_protos
	step "lab $LAB up, port wan a host interface"
	lab_check_name "$LAB"
	lab_down "$LAB"
	st=$(lab_state "$LAB")
	mkdir -p "$st"
	echo "$SLUICE_LAB_OWNER" >"$st/owner"
	echo xdp >"$st/ports"
	lab_netns "$LAB" || fail "namespaces"
	lab_make_conf "$LAB"
	lab_start_dataplane "$LAB" || fail "the dataplane did not start"
	lab_start_sluiced "$LAB"
	lab_wait 60 "ports lan and wan" host_ready || fail "the router's ports did not come"
	lab_wait 30 "host interface wan in $LAB-rt" rt ip link show wan ||
		fail "no host interface wan in the router namespace"
}

# ---- DHCP (host_dhcp, host_dhcp6) ----

# dnsmasq_dhcp SIDE IFACE ARGS...: dnsmasq in namespace SIDE serving DHCP
# on IFACE alone, no DNS (--port=0), its lease file, pidfile and log under
# E2E_TMP (dnsmasq.leases, dnsmasq.pid, dnsmasq.log); ARGS: its ranges and
# options.  It goes to the background once it serves.
dnsmasq_dhcp() {
	local side=$1 ifc=$2
	shift 2
	lab_exec "$LAB" "$side" dnsmasq --conf-file=/dev/null --port=0 --interface="$ifc" \
		--bind-interfaces --dhcp-authoritative \
		--dhcp-leasefile="$E2E_TMP/dnsmasq.leases" --pid-file="$E2E_TMP/dnsmasq.pid" \
		--log-facility="$E2E_TMP/dnsmasq.log" --log-dhcp "$@"
}

# dhclient_in SIDE ARGS... IFACE: dhclient in namespace SIDE with its
# pidfile and lease file under E2E_TMP (dhclient.pid, dhclient.leases),
# Debian's dhclient-script, its output appended to dhclient.log; at most
# 60 s.  ARGS: -4 or -6, and -1 (one try) or -r (release).
dhclient_in() {
	local side=$1
	shift
	lab_exec "$LAB" "$side" timeout 60 dhclient -v -pf "$E2E_TMP/dhclient.pid" \
		-lf "$E2E_TMP/dhclient.leases" -sf /sbin/dhclient-script "$@" \
		>>"$E2E_TMP/dhclient.log" 2>&1
}

# The routes of `sluice route show ARGS` (one per line).
routes() {
	cli route show "$@"
}

# ---- BIRD ----

# bird_start NAME SIDE: bird in namespace SIDE with $E2E_TMP/NAME.conf,
# control socket NAME.ctl, pidfile NAME.pid.
bird_start() {
	local name=$1 side=$2
	lab_exec "$LAB" "$side" bird -c "$E2E_TMP/$name.conf" -s "$E2E_TMP/$name.ctl" \
		-P "$E2E_TMP/$name.pid" >"$E2E_TMP/$name.log" 2>&1 ||
		fail "bird $name did not start: $(cat "$E2E_TMP/$name.log")"
	lab_wait 10 "bird $name's control socket" test -S "$E2E_TMP/$name.ctl" ||
		fail "bird $name has no control socket"
}

birdc_() {		# NAME ARGS...
	local name=$1
	shift
	birdc -s "$E2E_TMP/$name.ctl" "$@"
}

# bird_prefixes FILE N [FIRST]: N /24 prefixes from 10.0.0.0 (the FIRST-th
# /24 on), as BIRD static routes: 10.0.0.0/24, 10.0.1.0/24, ...
bird_prefixes() {
	"$PY" - "$2" "${3:-0}" >"$1" <<'PYEOF'
import ipaddress, sys
n, first = int(sys.argv[1]), int(sys.argv[2])
base = int(ipaddress.IPv4Address("10.0.0.0"))
for i in range(first, first + n):
    print("\troute %s/24 blackhole;" % ipaddress.IPv4Address(base + i * 256))
PYEOF
}

# The BGP pair: the WAN side (AS 65002, 203.0.113.1) announces what
# $E2E_TMP/announce.conf holds; the router's side (AS 65001, 203.0.113.2
# on the host interface wan) installs what it learns in the kernel (proto
# bird), where sluiced mirrors it from.
bird_bgp_confs() {
	cat >"$E2E_TMP/bwan.conf" <<EOF
router id 203.0.113.1;
log "$E2E_TMP/bwan.blog" all;
protocol device { }
protocol static announced {
	ipv4;
	include "$E2E_TMP/announce.conf";
}
protocol bgp rtr {
	local 203.0.113.1 as 65002;
	neighbor 203.0.113.2 as 65001;
	connect retry time 2;
	error wait time 1, 5;
	ipv4 { import none; export where proto = "announced"; };
}
EOF
	cat >"$E2E_TMP/brt.conf" <<EOF
router id 203.0.113.2;
log "$E2E_TMP/brt.blog" all;
protocol device { scan time 2; }
protocol kernel {
	ipv4 { import none; export all; };
}
protocol bgp wan {
	local 203.0.113.2 as 65001;
	neighbor 203.0.113.1 as 65002;
	connect retry time 2;
	error wait time 1, 5;
	ipv4 { import all; export none; };
}
EOF
}

# Until bird NAME's protocol PROTO is Established (BGP) or up.
bird_wait_up() {	# NAME PROTO SECONDS
	lab_wait "$3" "bird $1 protocol $2 established" \
		sh -c "birdc -s '$E2E_TMP/$1.ctl' show protocols '$2' | grep -q Established"
}
