#!/bin/bash
# Operations: the bash completion of sluice offers the options, objects,
# commands and keywords, and the port names of the running dataplane, asked
# on the socket given with -s (none when nothing answers there).  Also: the
# daemons' logs outside the journal carry no "<N>" priority prefixes.
. "$(dirname "$0")/lib.sh"
e2e_up compl

comp=$SLUICE_SRC/scripts/completion/sluice.bash
sock=$(lab_sock "$LAB")
prog=$SLUICE_BUILD/control/sluice

# complete WORD...: what _sluice offers for the last WORD (may be "").
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sluice
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$comp" "$@"
}
expect() {		# WANT WORD...: WANT exactly
	local want=$1 got
	shift
	got=$(complete_words "$@")
	got=${got% }
	echo "$* -> $got"
	[ "$got" = "$want" ] || fail "completing '$*': got '$got', want '$want'"
}

step "objects, commands, keywords"
expect "address capture help link nat neighbor route stats trace" "$prog" ""
expect "route" "$prog" -j ro
expect "--batch --force --help --json --socket --version" "$prog" --
expect "add change del flush get help replace show" "$prog" route ""
expect "all dev exact match oif proto root scope to type via" "$prog" route show ""
expect "dev to" "$prog" route get ""
expect "dev nud to" "$prog" neigh show ""
expect "all delay failed incomplete noarp permanent probe reachable stale" "$prog" neigh show nud ""
expect "dev lladdr" "$prog" neigh change 192.168.1.9 ""
expect "address capture link nat neighbor route stats trace" "$prog" help ""
expect "blackhole default dev metric unreachable via" "$prog" route add 10.0.0.0/8 ""
expect "boot kernel static" "$prog" route show proto ""
expect "help rule session" "$prog" nat ""
expect "dnat masquerade snat" "$prog" nat rule add ""
expect "tcp udp" "$prog" nat rule add dnat in wan proto ""
expect "address-port-dependent endpoint-independent" "$prog" nat rule add masquerade out wan filter ""
expect "down host mtu ra up" "$prog" link set lan ""
expect "down host mtu ra up" "$prog" l s lan ""
expect "blackhole default dev metric unreachable via" "$prog" r a 10.0.0.0/8 ""
expect "dev lladdr" "$prog" n chg 192.168.1.9 ""
expect "all dev exact match oif proto root scope to type via" "$prog" r l ""
expect "off on" "$prog" link set lan host ""
expect "-c -s -w both dev help in out" "$prog" capture ""
expect "-c dev help" "$prog" trace ""
expect "off on" "$prog" link set lan ra ""
expect "-6" "$prog" -6
expect "route" "$prog" -6 ro
ok "objects, commands and keywords"

step "port names from the lab's dataplane (-s $sock)"
expect "lan wan" "$prog" -s "$sock" link set ""
expect "lan wan" "$prog" -s "$sock" route add 10.0.0.0/8 via 203.0.113.1 dev ""
expect "wan" "$prog" -s "$sock" nat rule add masquerade out w
expect "dev lan wan" "$prog" -s "$sock" link show ""
expect "lan wan" "$prog" -s "$sock" capture in dev ""
expect "-c -s -w both dev help in out" "$prog" -s "$sock" capture dev lan ""
expect "lan wan" "$prog" -s "$sock" trace dev ""
expect "" "$prog" -s "$E2E_TMP/nothing.sock" link set ""
ok "port names from the running dataplane, none from a dead socket"

step "outside the journal the logs are plain"
st=$(lab_state "$LAB")
grep -q 'configuration applied' "$st/sluiced.log" || fail "sluiced.log lacks 'configuration applied'"
grep -q 'sluice-dataplane: .*worker' "$st/dataplane.log" || fail "dataplane.log lacks its start line"
grep -n '^<[0-7]>' "$st/sluiced.log" "$st/dataplane.log" && fail "priority prefixes outside the journal (above)"
ok "no <N> prefixes"
