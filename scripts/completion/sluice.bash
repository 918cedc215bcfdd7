# SPDX-License-Identifier: BSD-3-Clause
# bash completion for sluice(8): options, objects, commands, keywords, and
# the port names of the running dataplane (asked with `sluice link show`,
# on the socket given with -s, quietly: nothing when it does not answer).

# The port names, from the sluice being completed (COMP_WORDS[0]).
_sluice_ports()
{
	local prog=$1 sock=$2
	local -a args=()
	[ -n "$sock" ] && args=(-s "$sock")
	timeout 2 "$prog" "${args[@]}" link show 2>/dev/null |
		awk -F': ' '/^[0-9]+: /{ print $2 }'
}

# The words of "$*" that start with $cur (the caller's).
_sluice_reply()
{
	mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur")
}

# Whether the link command $1 is set (set or change, as in ip).
_sluice_link_set()
{
	case $1 in
	set|change) return 0 ;;
	esac
	return 1
}

# The command that WORD names in OBJECT: the first, in ip's order of trial
# (as control/cli.c), that it begins; "r a" is route add, "l s" link set.
_sluice_cmd()
{
	local obj=$1 word=$2 c
	local -a order

	case $obj in
	l|li|lin|link) order=(set change show lst list) ;;
	a|ad|add|addr|addre|addres|address) order=(add delete list show lst flush) ;;
	r|ro|rou|rout|route) order=(add change chg replace delete list show lst get flush) ;;
	n|ne|nei|neig|neigh|neighbor|neighbour)
		order=(add change chg replace delete show lst list flush) ;;
	*) order=() ;;
	esac
	for c in "${order[@]}"; do
		if [ -n "$word" ] && [ "${c#"$word"}" != "$c" ]; then
			echo "$c"
			return
		fi
	done
	echo "$word"
}

_sluice()
{
	local cur prev prog sock="" i=1 n cmd
	local -a w=()

	cur=${COMP_WORDS[COMP_CWORD]}
	prev=""
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	prog=${COMP_WORDS[0]}
	COMPREPLY=()

	# Options come first; -s and -b take an argument.
	while [ "$i" -lt "$COMP_CWORD" ]; do
		case ${COMP_WORDS[i]} in
		-s|-socket|--socket) sock=${COMP_WORDS[i + 1]:-}; i=$((i + 2)) ;;
		-b|-batch|--batch) i=$((i + 2)) ;;
		-*) i=$((i + 1)) ;;
		*) break ;;
		esac
	done
	case $prev in
	-s|-socket|--socket|-b|-batch|--batch)
		if [ "$i" -ge "$COMP_CWORD" ]; then
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return 0
		fi ;;
	esac
	# w: the words after the options, up to the one being completed.
	w=("${COMP_WORDS[@]:i:COMP_CWORD - i}")
	n=${#w[@]}

	if [ "$n" -eq 0 ]; then
		case $cur in
		-*) _sluice_reply -j --json -4 -6 -s --socket -b --batch -f --force -V --version \
			-h --help ;;
		*) _sluice_reply link address route neighbor nat stats capture trace help ;;
		esac
		return 0
	fi

	# capture and trace: there "in" and "out" are directions, not ports.
	case ${w[0]} in
	c|ca|cap|capt|captu|captur|capture|t|tr|tra|trac|trace)
		case $prev in
		dev) _sluice_reply "$(_sluice_ports "$prog" "$sock")" ;;
		-w) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
		-c|-s) ;;
		*) if [ "${w[0]:0:1}" = c ]; then
			_sluice_reply dev in out both -c -s -w help
		   else
			_sluice_reply dev -c help
		   fi ;;
		esac
		return 0 ;;
	esac

	# After "dev", "out" or "in" (and link set NAME): a port.
	case $prev in
	dev|out|in)
		_sluice_reply "$(_sluice_ports "$prog" "$sock")"
		return 0 ;;
	proto)
		case ${w[0]} in
		n|na|nat) _sluice_reply tcp udp ;;
		*) _sluice_reply kernel boot static ;;
		esac
		return 0 ;;
	type) _sluice_reply unicast local broadcast blackhole unreachable; return 0 ;;
	nud) _sluice_reply permanent reachable stale delay probe failed incomplete noarp all
		return 0 ;;
	scope) _sluice_reply global link host site nowhere all; return 0 ;;
	host) _sluice_reply on off; return 0 ;;
	filter) _sluice_reply endpoint-independent address-port-dependent; return 0 ;;
	ra) _sluice_reply on off; return 0 ;;
	mtu|metric|via|lladdr|limit|id|to|from|dport|ports) return 0 ;;
	esac

	# help OBJECT
	if [ "$n" -eq 1 ] && [ "${w[0]}" = help ]; then
		_sluice_reply link address route neighbor nat stats capture trace
		return 0
	fi

	cmd=$(_sluice_cmd "${w[0]}" "${w[1]:-}")
	case ${w[0]} in
	l|li|lin|link)
		case $n in
		1) _sluice_reply show set help ;;
		2) if _sluice_link_set "$cmd"; then
			_sluice_reply "$(_sluice_ports "$prog" "$sock")"
		   else
			_sluice_reply dev "$(_sluice_ports "$prog" "$sock")"
		   fi ;;
		*) _sluice_link_set "$cmd" && _sluice_reply up down mtu host ra ;;
		esac ;;
	a|ad|add|addr|addre|addres|address)
		case $n in
		1) _sluice_reply show add del flush help ;;
		*) case $cmd in
		   add|del|delete) [ "$n" -ge 3 ] && _sluice_reply dev ;;
		   *) _sluice_reply dev to "$(_sluice_ports "$prog" "$sock")" ;;
		   esac ;;
		esac ;;
	r|ro|rou|rout|route)
		case $n in
		1) _sluice_reply show add del replace change get flush help ;;
		*) case $cmd in
		   s|sh|sho|show|ls|list|flush)
			_sluice_reply to root match exact all dev oif via proto type scope ;;
		   g|ge|get) _sluice_reply to dev ;;
		   add|del|delete|replace|change) _sluice_reply default blackhole unreachable via dev metric ;;
		   esac ;;
		esac ;;
	n|ne|nei|neig|neigh|neighbor|neighbour)
		case $n in
		1) _sluice_reply show add del replace change flush help ;;
		*) case $cmd in
		   add|del|delete|replace|change|chg) _sluice_reply lladdr dev ;;
		   *) _sluice_reply dev to nud ;;
		   esac ;;
		esac ;;
	na|nat)
		case $n in
		1) _sluice_reply rule session help ;;
		2) case ${w[1]} in
		   r|ru|rul|rule|rules) _sluice_reply show add del help ;;
		   s|se|ses|sess|sessi|sessio|session|sessions) _sluice_reply show flush help ;;
		   esac ;;
		3) case ${w[2]} in
		   add) _sluice_reply masquerade snat dnat ;;
		   del|delete) _sluice_reply masquerade snat dnat id ;;
		   s|sh|sho|show) [ "${w[1]:0:1}" = s ] && _sluice_reply limit ;;
		   esac ;;
		*) case ${w[3]} in
		   masquerade) _sluice_reply out from filter ;;
		   snat) _sluice_reply from out to ports filter ;;
		   dnat) _sluice_reply in proto dport to filter ;;
		   esac ;;
		esac ;;
	esac
	return 0
}
complete -F _sluice sluice
