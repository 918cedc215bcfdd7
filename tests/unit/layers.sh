#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Tables never call packet stages; packet stages call tables and the next
# stage (docs/architecture.md, "Who calls whom").  This reads the #include
# lines of every table file and fails when one names a packet stage's
# header: a table that needs a stage's types gets a small types header
# (ip6_addr.h), and what a table finds due it hands back to its caller
# (struct neigh_act) instead of sending it.
#
# With BUILD_ROOT it also reads the compiled objects: no table's object may
# call a function a stage's object defines (nm), which catches a call
# whose declaration sits in some other header.
#
# Usage: layers.sh SOURCE_ROOT [BUILD_ROOT]
set -u

root=${1:-$(dirname "$0")/../..}
build=${2:-}
cd "$root" || exit 1

# The tables: their code and their headers.  port.c is the table of ports
# and of IPv4 addresses: what a port or an address brings elsewhere is its
# callers' (link_nl.c, arp_addr_add/del in arp.c).
tables="
dataplane/core/port.c dataplane/core/port.h
dataplane/ip4/neigh.c dataplane/ip4/neigh.h
dataplane/ip4/route.c dataplane/ip4/route.h
dataplane/ip6/route6.c dataplane/ip6/route6.h
dataplane/route/rt_fib.c dataplane/route/rt_fib.h dataplane/route/rt_nh.c dataplane/route/rt_nh.h dataplane/route/rt_pfx.c dataplane/route/rt_pfx.h
dataplane/ip6/addr6.c dataplane/ip6/addr6.h dataplane/ip6/ip6_addr.h
dataplane/nat/nat_table.c dataplane/nat/nat_table.h
dataplane/nat/nat_session.c
dataplane/nat/proxy_arp.c dataplane/nat/proxy_arp.h
"

# The packet stages' headers: the worker loop and the code that reads,
# builds or sends packets (IPv4, IPv6, ICMP, ICMPv6, TCP resets, fragments,
# ARP, neighbour discovery, router advertisements, resolution, NAT).
stages="worker.h ip4.h ip6.h icmp.h icmp6.h frag.h arp.h nd.h ra.h resolve.h nat.h"

# The stages' code, for the object check.
stage_code="
dataplane/core/worker.c
dataplane/ip4/ip4.c dataplane/ip4/icmp.c dataplane/ip4/tcp_rst.c dataplane/ip4/frag.c
dataplane/ip4/arp.c dataplane/ip4/resolve.c
dataplane/ip6/ip6.c dataplane/ip6/icmp6.c dataplane/ip6/nd.c dataplane/ip6/ra.c
dataplane/nat/nat.c dataplane/nat/nat_icmp.c dataplane/nat/nat_frag.c
dataplane/host/host_punt.c
"

# The host path's actions, which tell the host interface and the kernel
# behind it (host.c, host_nl.c).  Their queries (host_port_reserved,
# host_addr_made) are a table's to ask, so host.h is no stage header and
# the files are not in stage_code: these functions are named instead.
host_actions="host_set host_port_changed host_addr_changed host_addr6_changed
host_nl_if_up host_nl_if_gone host_poll host_timer"

# Few processes: the machine running the tests may be busy.
bad=0
for f in $tables; do
	if [ ! -f "$f" ]; then
		echo "layers: table file $f is gone: update the list in tests/unit/layers.sh" >&2
		bad=1
		continue
	fi
	awk -v f="$f" -v stages="$stages" '
		BEGIN { n = split(stages, s, " "); for (i = 1; i <= n; i++) st[s[i]] = 1 }
		/^[ \t]*#[ \t]*include[ \t]*"/ {
			h = $0; sub(/^[^"]*"/, "", h); sub(/".*/, "", h)
			b = h; sub(/.*\//, "", b)
			if (b in st) {
				printf "layers: %s includes \"%s\", a packet stage header: " \
				       "tables never call packet stages\n", f, h
				bad = 1
			}
		}
		END { exit bad }' "$f" >&2 || bad=1
done

# meson's object of dataplane/DIR/FILE.c in the dataplane library.
obj() {
	o=${1#dataplane/}
	echo "$build/dataplane/libsluicedp.a.p/$(echo "$o" | tr / _).o"
}

if [ -n "$build" ]; then
	funcs=$(mktemp) || exit 1
	trap 'rm -f "$funcs"' EXIT
	for f in $stage_code; do
		o=$(obj "$f")
		if [ ! -f "$o" ]; then
			echo "layers: no object $o for stage $f: update tests/unit/layers.sh" >&2
			bad=1
			continue
		fi
		nm -g --defined-only "$o" | awk -v f="$f" '$2 == "T" { print $3, f }' >>"$funcs"
	done
	host_defs=$(nm -g --defined-only "$(obj dataplane/host/host.c)" \
		"$(obj dataplane/host/host_nl.c)" 2>/dev/null | awk '$2 == "T" { print $3 }')
	for fn in $host_actions; do
		if ! echo "$host_defs" | grep -qx "$fn"; then
			echo "layers: host path action $fn is gone: update tests/unit/layers.sh" >&2
			bad=1
		fi
		echo "$fn dataplane/host/" >>"$funcs"
	done
	for f in $tables; do
		case $f in *.c) ;; *) continue ;; esac
		o=$(obj "$f")
		if [ ! -f "$o" ]; then
			echo "layers: no object $o for table $f: update tests/unit/layers.sh" >&2
			bad=1
			continue
		fi
		nm -u "$o" | awk -v f="$f" '
			NR == FNR { def[$1] = $2; next }
			($2 in def) {
				printf "layers: %s calls %s (in %s, a packet stage): " \
				       "tables never call packet stages\n", f, $2, def[$2]
				bad = 1
			}
			END { exit bad }' "$funcs" - >&2 || bad=1
	done
fi

if [ $bad -eq 0 ]; then
	echo "layers: no table includes a packet stage header${build:+ or calls a stage}"
fi
exit $bad
