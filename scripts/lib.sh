# SPDX-License-Identifier: BSD-3-Clause
# Shared by scripts/demo, scripts/test and scripts/lab: where things are,
# the Debian packages sluice needs, and the build.  Source it; it only
# defines variables and functions.

SLUICE_SRC=${SLUICE_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SLUICE_BUILD=${SLUICE_BUILD:-$SLUICE_SRC/build}
# Debian's interpreter: it is the one with scapy (a python3 earlier on PATH
# may be another one).
PY=/usr/bin/python3

# Everything the build, the unit tests, the lab and the e2e tests use.
SLUICE_PACKAGES="libdpdk-dev libmnl-dev libinih-dev libcmocka-dev meson ninja-build
 pkg-config gcc iproute2 iputils-ping iputils-tracepath traceroute iperf3 curl
 python3-scapy ethtool netcat-openbsd procps clang libclang-rt-14-dev
 libsystemd-dev systemd man-db mandoc bird2 dnsmasq-base isc-dhcp-client tcpdump
 python3-prometheus-client radvd"

sl_say() { printf '%s\n' "$*"; }
sl_die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

sl_need_root() {
	[ "$(id -u)" = 0 ] || sl_die "must run as root (network namespaces, DPDK)"
}

# Install what is missing, and only that: a rerun on a ready machine does
# not touch apt at all.
sl_install_deps() {
	local p missing=""

	for p in $SLUICE_PACKAGES; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || sl_die "missing packages:$missing (run as root to install them)"
	sl_say "== installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q || sl_die "apt-get update failed"
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing || sl_die "apt-get install failed"
}

SLUICE_FUZZ_BUILD=${SLUICE_FUZZ_BUILD:-$SLUICE_SRC/build-fuzz}

# The libFuzzer harnesses (tests/fuzz) need clang and a build of their own.
sl_build_fuzz() {
	if [ ! -f "$SLUICE_FUZZ_BUILD/build.ninja" ]; then
		CC=clang meson setup -Dfuzz=true "$SLUICE_FUZZ_BUILD" "$SLUICE_SRC" >/dev/null ||
			{ sl_say "fuzz build: meson setup failed"; return 1; }
	fi
	ninja -C "$SLUICE_FUZZ_BUILD" >/dev/null || { sl_say "fuzz build failed"; return 1; }
}

# sl_worker_tid PID: the thread of a DPDK program's first worker lcore,
# or its main thread when it has none (l3fwd on one lcore).
sl_worker_tid() {
	local t
	for t in /proc/"$1"/task/*; do
		case $(cat "$t/comm" 2>/dev/null) in
		rte-worker-*|lcore-worker-*) echo "${t##*/}"; return 0 ;;
		esac
	done
	echo "$1"
}

# Configure once, then let ninja regenerate by itself when a meson.build
# changes.
sl_build() {
	if [ -f "$SLUICE_BUILD/build.ninja" ]; then
		:
	elif [ -f "$SLUICE_BUILD/meson-private/coredata.dat" ]; then
		meson setup --reconfigure "$SLUICE_BUILD" "$SLUICE_SRC" || sl_die "meson setup failed"
	else
		meson setup "$SLUICE_BUILD" "$SLUICE_SRC" || sl_die "meson setup failed"
	fi
	ninja -C "$SLUICE_BUILD" || sl_die "build failed"
}
