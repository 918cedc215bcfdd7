#!/bin/bash
# Control: ip's selectors.  `route show` with [to] [root|match|exact] PREFIX,
# dev, via, proto, type, scope returns exactly the matching routes (text and
# -j); `neigh show` and `addr show` select too; `route flush` and
# `addr flush` remove only what matches; every unknown word of every object
# exits 2 naming it; `route get` takes a prefix; an ICMP session shows its
# identifiers; scripts/lab's cli defaults the lab name and up refuses a lab
# that is up; objects and commands shorten as in ip; route get of a martian,
# broadcast or multicast destination says what the fast path does.
. "$(dirname "$0")/lib.sh"
e2e_up cshow

# The destinations a show prints, sorted, from the text and from -j: both
# must be WANT.
dsts_text() { cli "$@" | awk '{ print ($1 == "blackhole" ? $2 : $1) }' | LC_ALL=C sort | xargs; }
dsts_json() { cli -j "$@" | json '" ".join(sorted(r["dst"] for r in d))'; }
expect() {		# WANT ARGS... (of sluice)
	local want=$1 got
	shift
	got=$(dsts_text "$@") || fail "'sluice $*' failed"
	[ "$got" = "$want" ] || fail "'sluice $*' printed [$got], expected [$want]"
	got=$(dsts_json "$@") || fail "'sluice -j $*' failed"
	[ "$got" = "$want" ] || fail "'sluice -j $*' printed [$got], expected [$want]"
}

step "routes in several prefixes, protocols and types"
cli route add 10.20.0.0/16 via 203.0.113.1 || fail "route add 10.20.0.0/16"
cli route add 10.20.1.0/24 via 192.168.1.10 || fail "route add 10.20.1.0/24"
cli route add 10.20.1.7 via 203.0.113.1 metric 5 || fail "route add 10.20.1.7"
cli route add blackhole 10.20.2.0/24 || fail "route add blackhole 10.20.2.0/24"
cli route add 10.30.0.0/16 dev lan || fail "route add 10.30.0.0/16 dev lan"
cli route show
all="10.20.0.0/16 10.20.1.0/24 10.20.1.7 10.20.2.0/24 10.30.0.0/16 192.168.1.0/24 203.0.113.0/24 default"
expect "$all" route show
expect "$all" route show all
expect "$all" route show root default

step "route show selectors: each returns exactly its routes"
expect "10.20.0.0/16" route show 10.20.0.0/16
expect "10.20.1.0/24" route show to exact 10.20.1.0/24
expect "10.20.1.0/24" route list to 10.20.1.0/24
expect "10.20.1.7" route show 10.20.1.7
expect "default" route show default
expect "" route show 10.99.0.0/16
expect "10.20.0.0/16 10.20.1.0/24 10.20.1.7 10.20.2.0/24" route show root 10.20.0.0/16
expect "10.20.1.0/24 10.20.1.7" route show to root 10.20.1.0/24
expect "10.20.0.0/16 10.20.1.0/24 10.20.1.7 default" route show match 10.20.1.7
expect "10.20.0.0/16 default" route show to match 10.20.3.1
expect "10.20.1.0/24 10.30.0.0/16 192.168.1.0/24" route show dev lan
expect "10.20.0.0/16 10.20.1.7 203.0.113.0/24 default" route show dev wan
expect "192.168.1.0/24 203.0.113.0/24" route show proto kernel
expect "default" route show proto boot
expect "10.20.0.0/16 10.20.1.0/24 10.20.1.7 10.20.2.0/24 10.30.0.0/16" route show proto static
expect "10.20.0.0/16 10.20.1.0/24 10.20.1.7 10.20.2.0/24 10.30.0.0/16" route show proto 4
expect "" route show proto bird
expect "10.20.2.0/24" route show type blackhole
expect "10.20.0.0/16 10.20.1.0/24 10.20.1.7" route show root 10.20.0.0/16 type unicast
expect "10.30.0.0/16 192.168.1.0/24 203.0.113.0/24" route show scope link
expect "10.20.0.0/16 10.20.1.7 default" route show via 203.0.113.1
expect "10.20.1.0/24" route show root 10.0.0.0/8 dev lan proto static via 192.168.1.0/24
out=$(cli route show proto kernel dev lan)
grep -q "^192\.168\.1\.0/24 dev lan proto kernel scope link src 192\.168\.1\.1$" <<<"$out" ||
	fail "the selected route is not printed as route show prints it: $out"
[ "$(cli -j route show 10.99.0.0/16)" = "[]" ] || fail "-j of an empty selection is not []"
ok "prefix (exact/root/match), dev, proto, type, scope, via; text and -j agree"

step "route get takes a prefix as ip does: the address part"
a=$(cli route get 10.20.1.0/24) || fail "route get 10.20.1.0/24 failed"
b=$(cli route get 10.20.1.0) || fail "route get 10.20.1.0 failed"
echo "$a"
[ "$a" = "$b" ] || fail "route get of the prefix [$a] differs from that of its address [$b]"
grep -q "^10\.20\.1\.0 via 192\.168\.1\.10 dev lan" <<<"$a" || fail "route get 10.20.1.0/24: $a"
c=$(cli route get to 10.20.1.7/32) || fail "route get to 10.20.1.7/32 failed"
grep -q "^10\.20\.1\.7 via 203\.0\.113\.1 dev wan" <<<"$c" || fail "route get to 10.20.1.7/32: $c"
ok "route get PREFIX looks its address up"

step "route get ADDR dev NAME: the longest route through that port, else on its link (the kernel's oif)"
expect_line() {	# WANT CMD...: CMD's first line is WANT
	local out
	out=$(cli "${@:2}") || fail "sluice ${*:2} failed"
	echo "sluice ${*:2} -> $out"
	[ "$(head -1 <<<"$out")" = "$1" ] || fail "sluice ${*:2}: [$out], expected [$1]"
}
expect_line "10.20.1.7 via 192.168.1.10 dev lan src 192.168.1.1" route get 10.20.1.7 dev lan
expect_line "10.20.1.7 via 203.0.113.1 dev wan src 203.0.113.2" route get 10.20.1.7 oif wan
expect_line "8.8.8.8 dev lan src 192.168.1.1" route get 8.8.8.8 dev lan
expect_line "multicast 224.0.0.5 dev lan src 192.168.1.1" route get 224.0.0.5 dev lan
expect_line "broadcast 255.255.255.255 dev wan src 203.0.113.2" route get 255.255.255.255 dev wan
ok "route get with dev: through the port named, as ip route get ... oif"

step "neigh show [dev NAME] [ADDR] and addr show [dev] NAME"
cli neigh add 192.168.1.50 lladdr 02:00:00:00:00:50 dev lan || fail "neigh add on lan"
cli neigh add 203.0.113.50 lladdr 02:00:00:00:00:51 dev wan || fail "neigh add on wan"
n=$(cli -j neigh show dev lan | json '" ".join(sorted(n["dst"] for n in d if n["dst"].endswith(".50")))')
[ "$n" = "192.168.1.50" ] || fail "neigh show dev lan: [$n]"
n=$(cli -j neigh show dev lan | json 'sorted({n["dev"] for n in d})')
[ "$n" = '["lan"]' ] || fail "neigh show dev lan lists other ports: $n"
out=$(cli neigh show 203.0.113.50) || fail "neigh show 203.0.113.50 failed"
[ "$out" = "203.0.113.50 dev wan lladdr 02:00:00:00:00:51 PERMANENT" ] || fail "neigh show 203.0.113.50: [$out]"
out=$(cli neigh show dev lan 203.0.113.50) || fail "neigh show dev lan 203.0.113.50 failed"
[ -z "$out" ] || fail "neigh show dev lan 203.0.113.50 printed [$out]"
n=$(cli -j neigh show to 203.0.113.0/24 nud permanent | json '" ".join(n["dst"] for n in d)')
[ "$n" = "203.0.113.50" ] || fail "neigh show to 203.0.113.0/24 nud permanent: [$n]"
for args in "lan" "dev lan"; do
	# shellcheck disable=SC2086
	n=$(cli -j addr show $args | json '" ".join(a["local"] for l in d for a in l["addr_info"] if a["family"] == "inet")')
	[ "$n" = "192.168.1.1" ] || fail "addr show $args: [$n]"
done
n=$(cli -j addr show to 203.0.0.0/16 | json '" ".join(l["ifname"] for l in d)')
[ "$n" = "wan" ] || fail "addr show to 203.0.0.0/16 lists ports [$n]"
cli addr show wan | grep -q "inet 203\.0\.113\.2/24 scope global wan" || fail "addr show wan (text)"
cli addr show wan | grep -q "192\.168" && fail "addr show wan prints lan's address"
ok "neighbours and addresses by port and prefix"

step "objects and commands shorten as in ip: the first command a word begins"
cli r a 10.60.0.0/16 via 203.0.113.1 || fail "sluice r a (route add)"
cli ro g 10.60.1.1 | grep -q "^10\.60\.1\.1 via 203\.0\.113\.1 dev wan" || fail "sluice ro g (route get): $(cli r g 10.60.1.1)"
cli r rep 10.60.0.0/16 via 192.168.1.10 || fail "sluice r rep (route replace)"
cli r c 10.60.0.0/16 via 203.0.113.1 || fail "sluice r c (route change)"
expect "10.60.0.0/16" r s 10.60.0.0/16
expect "10.60.0.0/16" r l 10.60.0.0/16
cli r d 10.60.0.0/16 || fail "sluice r d (route delete)"
expect "" route show 10.60.0.0/16
cli a a 10.61.0.1/24 dev wan || fail "sluice a a (addr add)"
cli a s wan | grep -q "inet 10\.61\.0\.1/24" || fail "sluice a s wan lacks 10.61.0.1/24"
cli a d 10.61.0.1/24 dev wan || fail "sluice a d (addr del)"
cli n a 192.168.1.61 lladdr 02:00:00:00:00:61 dev lan || fail "sluice n a (neigh add)"
cli n chg 192.168.1.61 lladdr 02:00:00:00:00:62 dev lan || fail "sluice n chg (neigh change)"
[ "$(cli n s 192.168.1.61)" = "192.168.1.61 dev lan lladdr 02:00:00:00:00:62 PERMANENT" ] ||
	fail "after neigh change: [$(cli n s 192.168.1.61)]"
out=$(cli neigh change 192.168.1.62 lladdr 02:00:00:00:00:62 dev lan 2>&1) && fail "neigh change of an absent neighbour succeeded"
[ "$out" = "Error: no such neighbour." ] || fail "neigh change of an absent neighbour printed [$out]"
cli n d 192.168.1.61 dev lan || fail "sluice n d (neigh delete)"
cli neigh flush all || fail "neigh flush all (ip's words for every learned entry)"
# In link, "s" is set as in ip ("ip l s eth0 up"); "sh" is show.
cli l s wan up || fail "sluice l s wan up (link set)"
cli l sh wan | grep -q "^[0-9]*: wan:" || fail "sluice l sh wan (link show): $(cli l sh wan)"
ok "r a, r g, r rep, r c, r s, r l, r d, a a, a s, a d, n a, n chg, n s, n d, l s, l sh"

step "route get answers what the fast path does before any route"
for a in 127.0.0.5 0.0.0.7; do
	out=$(cli route get $a 2>&1) && fail "route get $a succeeded: $out"
	[ "$out" = "Error: $a is a martian destination: never routed (martian_destination)." ] ||
		fail "route get $a printed [$out]"
done
[ "$(cli route get 255.255.255.255)" = "broadcast 255.255.255.255" ] ||
	fail "route get 255.255.255.255: [$(cli route get 255.255.255.255)]"
[ "$(cli -j route get 224.0.0.5 | json 'd[0]["type"] + " " + str("dev" in d[0])')" = "multicast False" ] ||
	fail "route get 224.0.0.5: [$(cli -j route get 224.0.0.5)]"
ok "martians refused, broadcast and multicast not routed"

step "every unknown word exits 2 and is named"
# bad WORD ARGS...: sluice ARGS exits 2, names WORD on stderr, prints
# nothing on stdout.
bad() {
	local word=$1 rc
	shift
	cli "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
	rc=$?
	[ "$rc" = 2 ] || fail "'sluice $*' exited $rc, expected 2"
	grep -q "^Error: .*\"$word\"" "$E2E_TMP/err" || fail "'sluice $*' does not name \"$word\": $(head -1 "$E2E_TMP/err")"
	[ -s "$E2E_TMP/out" ] && fail "'sluice $*' printed on stdout: $(head -2 "$E2E_TMP/out")"
	return 0
}
bad garbage route show garbage words
bad extra route show dev lan extra
bad nope route show proto nope
bad nope route show type nope
bad extra route get 10.1.2.3 extra
bad frob route frob
bad frob route add 10.40.0.0/16 via 203.0.113.1 frob
bad extra link show lan extra
bad extra link show dev lan extra
bad frob link frob
bad frob link set lan frob
bad extra addr show lan extra
bad bogus addr flush dev lan bogus
bad frob addr frob
bad garbage neigh show dev lan garbage
bad extra neigh flush dev lan extra
bad bogus neigh flush bogus
bad frob neigh frob
bad extra nat rule show extra
bad frob nat rule frob
bad extra nat rule del id 1 extra
bad extra nat session show extra
bad extra nat session show limit 5 extra
bad extra nat session flush extra
bad frob nat session frob
bad bogus nat bogus
bad extra stats extra
bad extra stats show extra
bad bogus bogus
out=$(cli route flush 2>&1)
rc=$?
[ "$rc" = 2 ] && grep -q '"route flush" requires arguments' <<<"$out" || fail "route flush without a selector: $rc $out"
out=$(cli addr flush 2>&1)
rc=$?
[ "$rc" = 2 ] && grep -q 'requires a port' <<<"$out" || fail "addr flush without dev: $rc $out"
ok "exit 2, the word named, stdout empty"

step "route flush removes only what matches"
out=$(cli route flush root 10.20.0.0/16 type unicast proto static) || fail "route flush failed"
[ -z "$out" ] || fail "route flush printed [$out]"
expect "10.20.2.0/24 10.30.0.0/16 192.168.1.0/24 203.0.113.0/24 default" route show
cli route flush dev lan proto static || fail "route flush dev lan proto static failed"
expect "10.20.2.0/24 192.168.1.0/24 203.0.113.0/24 default" route show
cli route flush 10.99.0.0/16 || fail "a flush that matches nothing failed"
# In a batch: the flush sees the lines before it, the show those before it.
printf '%s\n' "route add 10.40.0.0/16 via 203.0.113.1" "route add 10.40.1.0/24 via 203.0.113.1" \
	"route add 10.41.0.0/16 via 203.0.113.1" "route flush root 10.40.0.0/16" \
	"route show root 10.40.0.0/15" | cli -b - >"$E2E_TMP/batch" || fail "the batch with a flush failed"
[ "$(cat "$E2E_TMP/batch")" = "10.41.0.0/16 via 203.0.113.1 dev wan proto static" ] ||
	fail "batch: after flushing 10.40.0.0/16 the show printed [$(cat "$E2E_TMP/batch")]"
cli route flush 10.41.0.0/16 || fail "route flush 10.41.0.0/16"
ping_ok lan 1 203.0.113.1 || fail "forwarding broke after the flushes"
ping_ok lan 1 198.51.100.1 || fail "the default route went with a flush"
ok "only the selected routes went"

step "addr flush removes only the addresses that match"
cli addr add 10.50.0.1/24 dev wan || fail "addr add 10.50.0.1/24"
cli addr add 10.51.0.1/24 dev wan || fail "addr add 10.51.0.1/24"
out=$(cli addr flush dev wan to 10.50.0.0/16) || fail "addr flush failed"
[ -z "$out" ] || fail "addr flush printed [$out]"
n=$(cli -j addr show wan | json '" ".join(sorted(a["local"] for l in d for a in l["addr_info"] if a["family"] == "inet"))')
[ "$n" = "10.51.0.1 203.0.113.2" ] || fail "after addr flush dev wan to 10.50.0.0/16: [$n]"
expect "" route show 10.50.0.0/24
cli addr flush wan to 10.51.0.1 || fail "addr flush wan to 10.51.0.1"
n=$(cli -j addr show wan | json '" ".join(sorted(a["local"] for l in d for a in l["addr_info"] if a["family"] == "inet"))')
[ "$n" = "203.0.113.2" ] || fail "after addr flush wan to 10.51.0.1: [$n]"
ping_ok lan 1 203.0.113.1 || fail "forwarding broke after addr flush"
ok "10.50.0.1 and 10.51.0.1 went, 203.0.113.2 stayed"

step "an ICMP session shows its identifiers where docs/cli.md says"
lan "$PY" - <<'EOF' || fail "no echo reply with identifier 0x1234 came back"
import socket, struct
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
body = b"sluice-id"
hdr = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 7) + body + b"\0"
pkt = struct.pack("!BBHHH", 8, 0, csum(hdr), 0x1234, 7) + body + b"\0"
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(3)
s.sendto(pkt, ("203.0.113.1", 0))
while True:
    d = s.recv(2048)
    ihl = (d[0] & 15) * 4
    t, code, _, ident, seq = struct.unpack("!BBHHH", d[ihl:ihl + 8])
    if t == 0 and ident == 0x1234 and seq == 7:
        break
EOF
out=$(cli nat session show) || fail "nat session show failed"
echo "$out"
line=$(grep "^icmp inside 192\.168\.1\.10 id 4660 " <<<"$out") || fail "no 'icmp inside 192.168.1.10 id 4660' line"
grep -Eq "^icmp inside 192\.168\.1\.10 id 4660 outside 203\.0\.113\.2 id [0-9]+ remote 203\.0\.113\.1 state " <<<"$line" ||
	fail "the ICMP session line is not as docs/cli.md says: $line"
oid=$(sed -E 's/.* outside 203\.0\.113\.2 id ([0-9]+) .*/\1/' <<<"$line")
j=$(cli -j nat session show | json '[(s["inside_port"], s["outside_port"], s["remote_port"]) for s in d if s["protocol"] == "icmp" and s["inside_port"] == 4660]')
[ "$j" = "[[4660, $oid, 0]]" ] || fail "-j: inside_port/outside_port/remote_port of the ICMP session are $j, expected [[4660, $oid, 0]]"
ok "identifier 4660 inside, $oid outside, in text and -j"

step "scripts/lab cli: the lab name, or the default"
LABSH=$SLUICE_SRC/scripts/lab
a=$("$LABSH" cli "$LAB" route show) || fail "scripts/lab cli $LAB route show failed"
[ "$a" = "$(cli route show)" ] || fail "scripts/lab cli $LAB route show differs from sluice route show"
[ "$(lab_arg_name "$LAB")" = "$LAB" ] || fail "lab_arg_name $LAB is not $LAB"
if lab_exists route; then
	echo "note: a lab named 'route' is up here; skipping the default-name check"
else
	[ "$(lab_arg_name route)" = lab ] || fail "lab_arg_name route is not the default 'lab'"
	# The default lab may or may not be up on this machine: either way it
	# is lab's socket that is asked, never route's.
	"$LABSH" cli route show >"$E2E_TMP/out" 2>"$E2E_TMP/err"
	rc=$?
	grep -q "route\.sock\|unknown object" "$E2E_TMP/err" && fail "scripts/lab cli route show took 'route' as a lab: $(cat "$E2E_TMP/err")"
	[ "$rc" = 0 ] || grep -q "/run/sluice/lab\.sock" "$E2E_TMP/err" ||
		fail "scripts/lab cli route show: exit $rc, $(cat "$E2E_TMP/err")"
fi
ok "cli NAME ARGS and cli ARGS"

step "scripts/lab up on a lab that is up refuses and keeps it"
pid=$(lab_pid "$LAB" dataplane) || fail "no dataplane pid"
"$LABSH" up "$LAB" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
rc=$?
[ "$rc" != 0 ] || fail "scripts/lab up $LAB on a running lab exited 0"
grep -qF "scripts/lab down $LAB" "$E2E_TMP/err" || fail "the refusal does not say 'scripts/lab down $LAB': $(cat "$E2E_TMP/err")"
[ "$(lab_pid "$LAB" dataplane)" = "$pid" ] || fail "the dataplane was restarted"
expect "10.20.2.0/24" route show type blackhole
ping_ok lan 1 203.0.113.1 || fail "the lab stopped forwarding"
ok "refused (exit $rc), the lab and what was added to it are still there"
