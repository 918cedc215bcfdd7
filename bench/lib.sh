# SPDX-License-Identifier: BSD-3-Clause
# Shared by the bench/ workloads (scripts/bench runs them).  Source it; it
# only defines variables and functions.
#
# A workload is an executable bench/NAME that prints markdown table rows,
#   | workload | sluice | peer | ratio |
# one per figure, on stdout (bench_row), and its chatter on stderr.
#
# The packet-rate workloads replay a pcap from memory on one worker core:
#   net_pcap0,rx_pcap=FILE,infinite_rx=1  ->  net_null0,no-rx=1
# through sluice (one static route via a static neighbour) or through DPDK's
# l3fwd (LPM), built here from Debian's dpdk-doc example sources in a
# temporary folder.  Rates come from each program's DPDK telemetry socket
# (/ethdev/stats of the out port), the same reader for both.
#
# Environment: BENCH_SECONDS (per measurement, default 5), BENCH_ROUNDS
# (A B pairs, default 3), BENCH_CORE (the worker's CPU, default 1),
# BENCH_MEM (MB of memory for each DPDK program, default 2048: a pcap is
# held in mbufs, about 2.3 KB a packet),
# BENCH_DATAPLANE (another sluice-dataplane binary, e.g. a build before a
# change), BENCH_HUGE (default 1: both programs take their memory from 2 MB
# hugepages, as DPDK is deployed; bench_setup mounts /dev/hugepages if it
# is not, reserves the pages that are missing for BENCH_MEM and gives back
# what it reserved when the bench ends, for BENCH_PROGRAMS programs at once,
# default 1; BENCH_HUGE=0: both on 4 KB pages,
# --no-huge, where l3fwd is bound by TLB misses, see docs/performance.md),
# BENCH_L3FWD_BURST (l3fwd's MAX_PKT_BURST, default 32 as shipped: 64 builds
# it with sluice's burst, a control for the 65 536-flow gap, see
# docs/performance.md; the rows then say so), BENCH_L3FWD_LINK (static or
# shared: how l3fwd links DPDK; by default as the sluice-dataplane under
# test does, see bench_l3fwd_link), BENCH_IOVA (va or pa: EAL's
# --iova-mode for both programs; unset, EAL picks: pa on a machine without
# an IOMMU, as here; see docs/performance.md, section 2, for what va costs).

. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_SECONDS=${BENCH_SECONDS:-5}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_CORE=${BENCH_CORE:-1}
# What the workloads need beyond SLUICE_PACKAGES: l3fwd's sources, the
# kernel peer's NAT, a flood generator, perf.
BENCH_PACKAGES="dpdk-doc nftables netsniff-ng linux-perf bc make"
# Packets the pools must hold besides the pcap (rings, caches, bursts).
BENCH_POOL_SLACK=32768

BENCH_TMP=${BENCH_TMP:-}
BENCH_PIDS=""

bench_say() { printf '%s\n' "$*" >&2; }

# Install what is missing (as sl_install_deps), then build sluice.
bench_setup() {
	local p missing=""

	sl_need_root
	sl_install_deps
	for p in $BENCH_PACKAGES; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		bench_say "== installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >&2 || sl_die "apt-get update failed"
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $missing >&2 ||
			sl_die "apt-get install failed"
	fi
	sl_build >&2
	if [ -z "$BENCH_TMP" ]; then
		BENCH_TMP=$(mktemp -d /tmp/sluice-bench.XXXXXX)
		trap bench_cleanup EXIT
		trap 'exit 1' INT TERM HUP
		bench_huge_reserve
	fi
}

# Pages this bench added to nr_hugepages, given back by bench_cleanup.
BENCH_HUGE_ADDED=0

# bench_huge_reserve: with BENCH_HUGE=1 (the default), enough free 2 MB
# pages for BENCH_PROGRAMS (default 1: the peers run one at a time)
# programs of BENCH_MEM MB each, and 256 MB more each: EAL's -m reserves
# at start, and memory may grow past it (sluice-dataplane's IPv4 FIB, a
# 64 MB first level, took 545 pages in -m 1024; with bench/starts.sh's
# 60 000-flow pool and NAT tables one process holds about 610).
bench_huge_reserve() {
	local need free total
	[ "${BENCH_HUGE:-1}" = 1 ] || return 0
	mountpoint -q /dev/hugepages || { mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages; } ||
		sl_die "cannot mount hugetlbfs on /dev/hugepages (BENCH_HUGE=0 runs without)"
	need=$((((${BENCH_MEM:-2048} + 1) / 2 + 128) * ${BENCH_PROGRAMS:-1}))
	free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	[ "$free" -ge "$need" ] && return 0
	total=$(cat /proc/sys/vm/nr_hugepages)
	echo $((total + need - free)) >/proc/sys/vm/nr_hugepages
	BENCH_HUGE_ADDED=$(($(cat /proc/sys/vm/nr_hugepages) - total))
	free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	[ "$free" -ge "$need" ] ||
		sl_die "only $free of $need free 2 MB hugepages (memory too fragmented?); BENCH_HUGE=0 runs without"
	bench_say "== reserved $BENCH_HUGE_ADDED hugepages of 2 MB for this bench"
}

bench_cleanup() {
	local pid
	for pid in $BENCH_PIDS; do
		bench_stop "$pid"
	done
	[ -n "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
	if [ "$BENCH_HUGE_ADDED" -gt 0 ]; then
		echo $(($(cat /proc/sys/vm/nr_hugepages) - BENCH_HUGE_ADDED)) >/proc/sys/vm/nr_hugepages
		BENCH_HUGE_ADDED=0
	fi
	return 0
}

# bench_stop PID: SIGTERM, SIGKILL after 10 s.
bench_stop() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	BENCH_PIDS=$(printf '%s\n' $BENCH_PIDS | grep -vx "$pid" | tr '\n' ' ' || true)
	return 0
}

# bench_row WORKLOAD SLUICE PEER [RATIO]: one line of the table; the ratio is
# sluice / peer unless given.
bench_row() {
	local r=${4:-}
	if [ -z "$r" ]; then
		r=$(awk -v a="$2" -v b="$3" 'BEGIN {
			if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "—" }')
	fi
	printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$r"
}

# bench_median V...: the median of numbers.
bench_median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print 0; exit }
		if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2];
		else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_ratio A B: B/A to two places, "—" when A is 0 (a failed round).
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "—" }'; }

# bench_range V...: "min–max".
bench_range() {
	printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f–%.2f", lo, hi }'
}

# bench_cell "A..." "B..." RATIO: a ratio cell, RATIO (the medians' ratio)
# and the rounds' own ratios A[i]/B[i] ("rounds: median M, lo–hi"), a
# round with a 0 (failed) left out.  The two peers of a round ran within
# seconds of each other, so on a host whose speed moves from minute to
# minute the rounds' median is the steadier figure: a slow stretch under
# one program's rounds and not the other's moves the medians' ratio but
# few of the rounds'.
bench_cell() {
	local r
	r=$(paste -d' ' <(printf '%s\n' $1) <(printf '%s\n' $2) |
		awk '$1 > 0 && $2 > 0 { printf "%.4f\n", $1 / $2 }')
	if [ -z "$r" ]; then
		echo "$3"
		return
	fi
	# shellcheck disable=SC2086
	echo "$3 (rounds: median $(bench_median $r), $(bench_range $r))"
}

# bench_pcap FLOWS FILE [DST_MAC] [SIZE]: FLOWS distinct 64-byte (SIZE:
# frame length without FCS - 4, default 60) UDP frames, one per flow, to
# 198.18.1.0/24 (l3fwd's default route to port 1) from 172.16.0.0/12,
# source ports spread so that every packet is its own 5-tuple.
bench_pcap() {
	local flows=$1 file=$2 mac=${3:-02:00:00:00:00:01} size=${4:-60}
	$PY - "$flows" "$file" "$mac" "$size" <<'PY' >&2
import sys
import struct
from scapy.all import Ether, IP, UDP
from scapy.utils import PcapWriter
flows, path, mac, size = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
w = PcapWriter(path, linktype=1, sync=False)
base = bytes(Ether(dst=mac, src="02:00:00:00:00:02") /
             IP(src="172.16.0.1", dst="198.18.1.1", ttl=64) /
             UDP(sport=1024, dport=9))
# Build one frame with scapy and vary it by hand: scapy per packet is slow
# for a million flows.  Checksums are fixed up here.
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
pad = max(0, size - len(base))
for i in range(flows):
    src = (172 << 24 | 16 << 16) + (i >> 8 & 0xfffff) + 1
    dst = (198 << 24 | 18 << 16 | 1 << 8) | (i & 255)
    sport = 1024 + (i * 7919) % 64000
    ip = bytearray(base[14:34])
    ip[2:4] = struct.pack("!H", 20 + 8 + pad)
    ip[10:12] = b"\0\0"
    ip[12:16] = struct.pack("!I", src)
    ip[16:20] = struct.pack("!I", dst)
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    udp = struct.pack("!HHHH", sport, 9, 8 + pad, 0)
    w.write(base[:14] + bytes(ip) + udp + b"\0" * pad)
w.close()
PY
}

# bench_pcap6 FLOWS FILE [DST_MAC] [SIZE]: FLOWS distinct IPv6 UDP frames
# (SIZE bytes without FCS, default 64), one per flow: destinations
# 2001:200:0:1::/64 (interface identifiers 1..), sources 2001:db8:100::/64,
# source ports spread so that every packet is its own 5-tuple; UDP
# checksums right (IPv6 requires them).
bench_pcap6() {
	local flows=$1 file=$2 mac=${3:-02:00:00:00:00:01} size=${4:-64}
	$PY - "$flows" "$file" "$mac" "$size" <<'PY' >&2
import sys
import struct
from scapy.all import Ether, IPv6, UDP
from scapy.utils import PcapWriter
flows, path, mac, size = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
w = PcapWriter(path, linktype=1, sync=False)
eth = bytes(Ether(dst=mac, src="02:00:00:00:00:02", type=0x86dd))
pay = max(0, size - 62)
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
dpfx = bytes.fromhex("20010200000000010000000000000000")[:8]
spfx = bytes.fromhex("20010db8010000000000000000000000")[:8]
for i in range(flows):
    dst = dpfx + struct.pack("!Q", i + 1)
    src = spfx + struct.pack("!Q", (i >> 8) + 1)
    sport = 1024 + (i * 7919) % 64000
    ulen = 8 + pay
    udp = struct.pack("!HHHH", sport, 9, ulen, 0) + b"\0" * pay
    pseudo = src + dst + struct.pack("!I3xB", ulen, 17)
    c = csum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!IHBB", 6 << 28, ulen, 17, 64) + src + dst
    w.write(eth + ip + udp)
w.close()
# One frame through scapy's own parser: the hand-made bytes are a valid
# IPv6 UDP frame with the right checksum.
from scapy.all import rdpcap
p = rdpcap(path, count=1)[0]
want = p[UDP].chksum
del p[UDP].chksum
assert Ether(bytes(p))[UDP].chksum == want, "bad UDP checksum"
assert len(bytes(p)) == max(size, 62), len(bytes(p))
PY
}

# bench_tele PREFIX COMMAND: a DPDK telemetry query of the program run with
# --file-prefix PREFIX, its JSON answer on stdout.
bench_tele() {
	$PY - "/run/dpdk/$1/dpdk_telemetry.v2" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(5)
s.connect(sys.argv[1])
s.recv(16384)			# the greeting
s.send(sys.argv[2].encode())
print(s.recv(1 << 20).decode())
PY
}

# bench_opackets PREFIX PORT: packets the ethdev PORT sent.
bench_opackets() {
	bench_tele "$1" "/ethdev/stats,$2" |
		$PY -c 'import json, sys; print(json.load(sys.stdin)["/ethdev/stats"]["opackets"])'
}

# bench_wait_flow PREFIX PORT: until PORT sends (30 s): l3fwd, for one,
# first waits for links.
bench_wait_flow() {
	local i n
	for i in $(seq 300); do
		n=$(bench_opackets "$1" "$2" 2>/dev/null) && [ "${n:-0}" -gt 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# bench_rate PREFIX PORT SECONDS: million packets per second sent by PORT,
# after one second of warm-up.
bench_rate() {
	local a b t0 t1
	sleep 1
	t0=$(date +%s.%N)
	a=$(bench_opackets "$1" "$2") || return 1
	sleep "$3"
	t1=$(date +%s.%N)
	b=$(bench_opackets "$1" "$2") || return 1
	awk -v a="$a" -v b="$b" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.2f\n", (b - a) / (t1 - t0) / 1e6 }'
}

# bench_pool PCAP: mbufs for a pcap replayed from memory.
bench_pool() {
	local n
	n=$($PY -c 'import os, sys; print(os.path.getsize(sys.argv[1]) // 40)' "$1")
	echo $((n + BENCH_POOL_SLACK))
}

# ---------------------------------------------------------------- sluice

# bench_sluice_start CONF PCAP [DATAPLANE OPTIONS...]: sluice-dataplane on
# lcores 0 (control) and BENCH_CORE (the one worker), configured by sluiced
# --oneshot from CONF with @PCAP@ replaced by PCAP.  Sets BENCH_PREFIX,
# BENCH_SOCK, BENCH_DP (pid).  Ports are numbered by telemetry in the order
# CONF lists them.
bench_sluice_start() {
	local conf=$1 pcap=$2 ini
	shift 2
	BENCH_PREFIX=bs$$_$RANDOM
	BENCH_SOCK=$BENCH_TMP/$BENCH_PREFIX.sock
	ini=$BENCH_TMP/$BENCH_PREFIX.ini
	sed "s|@PCAP@|$pcap|g" "$conf" >"$ini"
	"${BENCH_DATAPLANE:-$SLUICE_BUILD/dataplane/sluice-dataplane}" -l "0,$BENCH_CORE" --main-lcore 0 \
		$(bench_eal_mem) --no-pci --file-prefix "$BENCH_PREFIX" \
		-- --socket "$BENCH_SOCK" --mbufs "$(bench_pool "$pcap")" "$@" \
		>"$BENCH_TMP/$BENCH_PREFIX.log" 2>&1 &
	BENCH_DP=$!
	BENCH_PIDS="$BENCH_PIDS $BENCH_DP"
	# BENCH_START_WAIT seconds (default 60) for its socket: without hugepages
	# EAL's start grows with BENCH_MEM (minutes for several GB when loaded).
	for _ in $(seq $((${BENCH_START_WAIT:-60} * 10))); do
		[ -S "$BENCH_SOCK" ] && break
		kill -0 "$BENCH_DP" 2>/dev/null || break
		sleep 0.1
	done
	# Stopped here on failure: callers run in $(...), whose BENCH_PIDS the
	# exit trap never sees.
	"$SLUICE_BUILD/control/sluiced" -c "$ini" -s "$BENCH_SOCK" --oneshot \
		>>"$BENCH_TMP/$BENCH_PREFIX.log" 2>&1 ||
		{ cat "$BENCH_TMP/$BENCH_PREFIX.log" >&2; bench_sluice_stop; return 1; }
}

# EAL's memory options for both peers: the same for both, so fair.  With
# pa (EAL's choice without an IOMMU) a pool is built from physically
# contiguous chunks, with va from one virtually contiguous one.
bench_eal_mem() {
	if [ "${BENCH_HUGE:-1}" = 1 ]; then
		echo "--huge-unlink -m ${BENCH_MEM:-2048}"
	else
		echo "--no-huge -m ${BENCH_MEM:-2048}"
	fi
	[ -z "${BENCH_IOVA:-}" ] || echo "--iova-mode=$BENCH_IOVA"
}

bench_sluice() { "$SLUICE_BUILD/control/sluice" -s "$BENCH_SOCK" "$@"; }

bench_sluice_stop() { bench_stop "$BENCH_DP"; rm -rf "/run/dpdk/$BENCH_PREFIX"; }

# bench_measure PREFIX PORT SECONDS: "MPPS CYCLES" of the running program
# (BENCH_DP) over one window: the rate PORT sends at, and the CPU cycles
# its worker thread spends per packet sent: its task-clock (perf stat;
# time on the CPU only, so a shared machine's preemptions do not count)
# times the TSC rate, over the packets.  This machine's VM exposes no
# hardware counters, so no instruction count: the TSC rate stands for the
# clock.
bench_measure() {
	local tid a b t0 t1 ms hz
	tid=$(sl_worker_tid "$BENCH_DP")
	sleep 1
	t0=$(date +%s.%N)
	a=$(bench_opackets "$1" "$2") || return 1
	perf stat -e task-clock -x, -t "$tid" -o "$BENCH_TMP/perf.csv" -- sleep "$3" >/dev/null 2>&1
	b=$(bench_opackets "$1" "$2") || return 1
	t1=$(date +%s.%N)
	ms=$(awk -F, '$3 == "task-clock" { print $1 }' "$BENCH_TMP/perf.csv")
	hz=$(awk '/^cpu MHz/ { print $4 * 1e6; exit }' /proc/cpuinfo)
	awk -v ms="$ms" -v hz="$hz" -v n="$((b - a))" -v t0="$t0" -v t1="$t1" 'BEGIN {
		if (n > 0) printf "%.2f %.1f\n", n / (t1 - t0) / 1e6, ms / 1000 * hz / n
		else print "0 0" }'
}

# bench_cpp PREFIX PORT SECONDS: bench_measure's cycles a packet alone.
bench_cpp() {
	local r
	r=$(bench_measure "$@") || return 1
	echo "${r#* }"
}

# The forwarding set-up: pcap in, one /16 via a static neighbour out.
bench_fwd_conf() {
	cat <<'EOF'
[port in]
device = net_pcap0,rx_pcap=@PCAP@,infinite_rx=1
mac = 02:00:00:00:00:01
address = 10.0.0.1/24

[port out]
device = net_null0,no-rx=1
address = 10.1.0.1/24

[routes]
route = 198.18.0.0/16 via 10.1.0.2

[neighbors]
neigh = 10.1.0.2 lladdr 02:00:00:00:01:02 dev out
EOF
}

# The IPv6 forwarding set-up: the /64 l3fwd sends to port 1, via a static neighbour
# on the out port's /64.
bench_fwd6_conf() {
	cat <<'EOF'
[port in]
device = net_pcap0,rx_pcap=@PCAP@,infinite_rx=1
mac = 02:00:00:00:00:01
address = 2001:db8:1::1/64

[port out]
device = net_null0,no-rx=1
address = 2001:db8:2::1/64

[routes]
route = 2001:200:0:1::/64 via 2001:db8:2::2

[neighbors]
neigh = 2001:db8:2::2 lladdr 02:00:00:00:01:02 dev out
EOF
}

# bench_measure_sluice CONF PCAP [BINARY]: bench_measure of sluice (BINARY
# if given, else the build's) on CONF and PCAP, in a start of its own.
bench_measure_sluice() {
	local r
	BENCH_DATAPLANE=${3:-${BENCH_DATAPLANE:-}} bench_sluice_start "$1" "$2" || return 1
	bench_wait_flow "$BENCH_PREFIX" 1 || { bench_sluice_stop; return 1; }
	r=$(bench_measure "$BENCH_PREFIX" 1 "$BENCH_SECONDS") || r="0 0"
	bench_sluice_stop
	echo "$r"
}

# bench_cpp_sluice CONF PCAP [BINARY]: its cycles a packet alone.
bench_cpp_sluice() {
	local r
	r=$(bench_measure_sluice "$@") || return 1
	echo "${r#* }"
}

# bench_run_sluice CONF PCAP SECONDS [DATAPLANE OPTIONS...]: Mpps out of the
# second port CONF names (ethdev 1).
bench_run_sluice() {
	local conf=$1 pcap=$2 secs=$3 r
	shift 3
	bench_sluice_start "$conf" "$pcap" "$@" || return 1
	bench_wait_flow "$BENCH_PREFIX" 1 || { bench_sluice_stop; return 1; }
	r=$(bench_rate "$BENCH_PREFIX" 1 "$secs") || r=0
	bench_sluice_stop
	echo "$r"
}

# bench_sluice_mac PORT: the MAC of a running sluice's port.
bench_sluice_mac() {
	bench_sluice link show "$1" | grep -o 'link/ether [0-9a-f:]*' | awk '{ print $2 }'
}

# ---------------------------------------------------------------- l3fwd

# The folder of the l3fwd build BENCH_L3FWD_BURST asks for, and the words
# its rows add ("" for l3fwd as shipped, linked as sluice-dataplane is).
bench_l3fwd_dir() {
	if [ "${BENCH_L3FWD_BURST:-32}" = 32 ]; then
		echo "$BENCH_TMP/l3fwd"
	else
		echo "$BENCH_TMP/l3fwd-b$BENCH_L3FWD_BURST"
	fi
}
bench_l3fwd_name() {
	[ "${BENCH_L3FWD_BURST:-32}" = 32 ] || printf ', bursts of %s' "$BENCH_L3FWD_BURST"
	[ "$(bench_l3fwd_link)" = "$(bench_sluice_link)" ] || printf ', linked %s' "$(bench_l3fwd_link)"
}

# How the sluice-dataplane the bench runs links DPDK (meson's dpdk_link),
# and how l3fwd is linked: the same by default (BENCH_L3FWD_LINK=static or
# shared to choose; its example Makefile makes either), so that the
# drivers' code is reached the same way in both.
bench_sluice_link() {
	if ldd "${BENCH_DATAPLANE:-$SLUICE_BUILD/dataplane/sluice-dataplane}" 2>/dev/null |
		grep -q librte_eal; then
		echo shared
	else
		echo static
	fi
}
bench_l3fwd_link() {
	local l=${BENCH_L3FWD_LINK:-$(bench_sluice_link)}
	case $l in
	static | shared) echo "$l" ;;
	*) sl_die "BENCH_L3FWD_LINK=$l: static or shared" ;;
	esac
}
bench_l3fwd_bin() { echo "$(bench_l3fwd_dir)/build/l3fwd-$(bench_l3fwd_link)"; }

# bench_l3fwd_build: DPDK's l3fwd from the dpdk-doc examples, built in
# bench_l3fwd_dir with two changes made by sed on the copy: no RX checksum
# offload request (the vdevs have none, and l3fwd refuses to start) and a
# pool of BENCH_L3FWD_MBUFS (default 262144) so that a pcap fits; a third
# with BENCH_L3FWD_BURST: its burst.  Its Makefile's target is the link
# bench_l3fwd_link asks for (static: DPDK's archives, as DPDK's own build
# of its examples links them).
bench_l3fwd_build() {
	local d ex=/usr/share/dpdk/examples burst=${BENCH_L3FWD_BURST:-32}
	case $burst in
	'' | *[!0-9]* | 0*) sl_die "BENCH_L3FWD_BURST=$burst: not a burst size (l3fwd's MAX_PKT_BURST, e.g. 64)" ;;
	esac
	d=$(bench_l3fwd_dir)
	[ -x "$(bench_l3fwd_bin)" ] && return 0
	if [ ! -r "$d/main.c" ]; then
		[ -r "$ex/l3fwd/main.c" ] || sl_die "no $ex/l3fwd (package dpdk-doc)"
		mkdir -p "$BENCH_TMP/ex"
		cp -r "$ex/l3fwd" "$ex/common" "$BENCH_TMP/ex/" && rm -rf "$d" &&
			mv "$BENCH_TMP/ex/l3fwd" "$d" && ln -sfn "$BENCH_TMP/ex/common" "$BENCH_TMP/common"
		sed -i -e 's/\.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,/.offloads = 0,/' \
			-e "s/(unsigned)8192)/(unsigned)${BENCH_L3FWD_MBUFS:-262144})/" "$d/main.c"
		sed -i "s/^#define MAX_PKT_BURST .*/#define MAX_PKT_BURST $burst/" "$d/l3fwd.h"
	fi
	grep -q "offloads = 0," "$d/main.c" && grep -q "${BENCH_L3FWD_MBUFS:-262144})" "$d/main.c" &&
		grep -q "^#define MAX_PKT_BURST $burst\$" "$d/l3fwd.h" ||
		sl_die "l3fwd's sources did not take the bench's changes"
	make -s -C "$d" "$(bench_l3fwd_link)" >&2 2>"$d/build.log" ||
		{ cat "$d/build.log" >&2; sl_die "l3fwd build failed"; }
}

# bench_l3fwd_start PCAP: l3fwd -L on BENCH_CORE, pcap port 0 -> null port 1;
# --parse-ptype: vdevs give no packet types, l3fwd classifies in software.
bench_l3fwd_start() {
	bench_l3fwd_build
	BENCH_PREFIX=bl$$_$RANDOM
	"$(bench_l3fwd_bin)" -l "$BENCH_CORE" $(bench_eal_mem) --no-pci \
		--file-prefix "$BENCH_PREFIX" \
		--vdev "net_pcap0,rx_pcap=$1,infinite_rx=1" --vdev net_null0,no-rx=1 \
		-- -p 0x3 -L --parse-ptype --config="(0,0,$BENCH_CORE),(1,0,$BENCH_CORE)" \
		>"$BENCH_TMP/$BENCH_PREFIX.log" 2>&1 &
	BENCH_DP=$!
	BENCH_PIDS="$BENCH_PIDS $BENCH_DP"
}

bench_l3fwd_stop() { bench_stop "$BENCH_DP"; rm -rf "/run/dpdk/$BENCH_PREFIX"; }

# bench_run_l3fwd PCAP SECONDS: Mpps l3fwd forwards.
bench_run_l3fwd() {
	local r
	bench_l3fwd_start "$1"
	bench_wait_flow "$BENCH_PREFIX" 1 ||
		{ tail -20 "$BENCH_TMP/$BENCH_PREFIX.log" >&2; bench_l3fwd_stop; return 1; }
	r=$(bench_rate "$BENCH_PREFIX" 1 "$2") || r=0
	bench_l3fwd_stop
	echo "$r"
}

# bench_measure_l3fwd PCAP: bench_measure of l3fwd on PCAP, in a start of
# its own.
bench_measure_l3fwd() {
	local r
	bench_l3fwd_start "$1"
	bench_wait_flow "$BENCH_PREFIX" 1 || { bench_l3fwd_stop; return 1; }
	r=$(bench_measure "$BENCH_PREFIX" 1 "$BENCH_SECONDS") || r="0 0"
	bench_l3fwd_stop
	echo "$r"
}

# bench_cpp_l3fwd PCAP: its cycles a packet alone.
bench_cpp_l3fwd() {
	local r
	r=$(bench_measure_l3fwd "$@") || return 1
	echo "${r#* }"
}

# bench_fwd_ab NAME CONF PCAP: BENCH_ROUNDS rounds, each a start of sluice
# on CONF then one of l3fwd, both on PCAP, each measured once for its rate
# and its worker's cycles a packet (bench_measure, the same window).  Two
# rows: the median rates (ratio sluice/l3fwd) and the median cycles a
# packet (ratio l3fwd/sluice), so that above 1 means sluice does better in
# both.  The cycles leave out what the host's other work takes from the
# worker's CPU, which the rates do not.
bench_fwd_ab() {
	local name=$1 conf=$2 pcap=$3 i x ra=() rb=() ca=() cb=() ma mb
	for i in $(seq "$BENCH_ROUNDS"); do
		x=$(bench_measure_sluice "$conf" "$pcap") || x="0 0"
		ra+=("${x% *}") ca+=("${x#* }")
		x=$(bench_measure_l3fwd "$pcap") || x="0 0"
		rb+=("${x% *}") cb+=("${x#* }")
		bench_say "   $name round $i: sluice ${ra[-1]} Mpps ${ca[-1]} cycles, peer ${rb[-1]} Mpps ${cb[-1]} cycles"
	done
	bench_say "   $name: sluice $(bench_range "${ra[@]}"), peer $(bench_range "${rb[@]}") Mpps"
	ma=$(bench_median "${ra[@]}") mb=$(bench_median "${rb[@]}")
	bench_row "$name" "$ma Mpps" "$mb Mpps" \
		"$(bench_cell "${ra[*]}" "${rb[*]}" "$(bench_ratio "$mb" "$ma")")"
	ma=$(bench_median "${ca[@]}") mb=$(bench_median "${cb[@]}")
	bench_row "cycles/packet, $name; ratio l3fwd/sluice" "$ma" "$mb" \
		"$(bench_cell "${cb[*]}" "${ca[*]}" "$(bench_ratio "$ma" "$mb")")"
}

# bench_ab NAME A_CMD B_CMD: BENCH_ROUNDS of A then B, each a command line
# (eval'd) printing Mpps; one row with the medians (and ranges on stderr).
bench_ab() {
	local name=$1 a=$2 b=$3 i va=() vb=() x
	for i in $(seq "$BENCH_ROUNDS"); do
		x=$(eval "$a") || x=0; va+=("$x")
		x=$(eval "$b") || x=0; vb+=("$x")
		bench_say "   $name round $i: sluice ${va[-1]}, peer $x"
	done
	bench_say "   $name: sluice $(bench_range "${va[@]}"), peer $(bench_range "${vb[@]}") Mpps"
	bench_row "$name" "$(bench_median "${va[@]}") Mpps" "$(bench_median "${vb[@]}") Mpps" \
		"$(bench_cell "${va[*]}" "${vb[*]}" \
			"$(bench_ratio "$(bench_median "${vb[@]}")" "$(bench_median "${va[@]}")")")"
}
