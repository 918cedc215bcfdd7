#!/bin/bash
# Control: `sluiced --check` accepts the lab config and reports every broken
# line of a config as FILE:LINE: ..., exit 1.  (No lab, no root needed.)
E2E_NO_ROOT=1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d /tmp/sluice-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

step "sluiced --check -c conf/lab.ini"
"$SLUICE_BUILD/control/sluiced" --check -c "$SLUICE_SRC/conf/lab.ini" ||
	fail "the lab config does not pass --check"
step "sluiced --check -c conf/sluice.ini"
"$SLUICE_BUILD/control/sluiced" --check -c "$SLUICE_SRC/conf/sluice.ini" ||
	fail "the example config does not pass --check"

step "a config with a bad prefix and a route whose gateway is on no port's network"
sed -e 's|^address = 203\.0\.113\.2/24|address = 203.0.113.2/33|' \
    -e 's|^route = default via 203\.0\.113\.1|route = 10.0.0.0/8 via 172.16.0.1|' \
	"$SLUICE_SRC/conf/lab.ini" >"$tmp/bad.ini"
l1=$(grep -n '^address = 203\.0\.113\.2/33' "$tmp/bad.ini" | cut -d: -f1)
l2=$(grep -n '^route = 10\.0\.0\.0/8' "$tmp/bad.ini" | cut -d: -f1)
[ -n "$l1" ] && [ -n "$l2" ] || fail "could not make the broken config (conf/lab.ini changed?)"
out=$("$SLUICE_BUILD/control/sluiced" --check -c "$tmp/bad.ini" 2>&1)
rc=$?
echo "$out"
[ "$rc" = 1 ] || fail "--check exited $rc for a broken config, expected 1"
grep -q "^$tmp/bad.ini:$l1: " <<<"$out" || fail "no '$tmp/bad.ini:$l1: ...' for the /33 prefix"
grep -q "^$tmp/bad.ini:$l2: " <<<"$out" || fail "no '$tmp/bad.ini:$l2: ...' for the unreachable gateway"

step "an unknown key"
printf '[port lan]\ndevice = net_null0\naddress = 10.0.0.1/24\ncolour = blue\n' >"$tmp/key.ini"
out=$("$SLUICE_BUILD/control/sluiced" --check -c "$tmp/key.ini" 2>&1)
rc=$?
echo "$out"
[ "$rc" = 1 ] && grep -q "^$tmp/key.ini:4: " <<<"$out" || fail "unknown key on line 4 not reported"
ok "--check reports each broken line with its number"

# check FILE: run --check on it, print what it said; sets out and rc.
check() {
	out=$("$SLUICE_BUILD/control/sluiced" --check -c "$1" 2>&1)
	rc=$?
	echo "$out"
}

step "a good file: FILE: OK on stdout, exit 0"
printf '[port lan]\ndevice = net_null0\naddress = 10.0.0.1/24\n' >"$tmp/good.ini"
out=$("$SLUICE_BUILD/control/sluiced" --check -c "$tmp/good.ini" 2>/dev/null)
rc=$?
[ "$rc" = 0 ] && [ "$out" = "$tmp/good.ini: OK" ] || fail "a good file printed '$out' (exit $rc), not '$tmp/good.ini: OK'"
ok "FILE: OK"

step "warnings leave the file good: an address without /N, a dnat target on no port's network"
cat >"$tmp/warn.ini" <<'EOF'
[port lan]
device = net_null0
address = 192.168.10.1
[port wan]
device = net_null1
address = 203.0.113.2/24 # uplink
[nat]
rule = dnat in wan proto tcp dport 80 to 10.9.9.9
EOF
check "$tmp/warn.ini"
[ "$rc" = 0 ] || fail "warnings made --check exit $rc"
[ "$out" = "$tmp/warn.ini:3: warning: address 192.168.10.1 has no prefix length: taken as 192.168.10.1/32, a network of one address (write A.B.C.D/N)
$tmp/warn.ini:8: warning: dnat target 10.9.9.9 is on no port's network
$tmp/warn.ini: OK" ] || fail "not the two warnings and OK"
ok "a bare address and an off-network dnat target are warnings naming their lines; '# comment' after a value is a comment"

step "errors, each once where it is: two ports on one network, a malformed device, a long name, no knock-on"
cat >"$tmp/errs.ini" <<'EOF'
[port lan]
device = net_null0
address = 192.168.1.1/24
[port dmz]
device = 0000:99:00
address = 192.168.1.200/25
[port wan]
device = net_null1
address = 203.0.113.2/24 uplink
[port a-very-long-name]
device = net_null2
[routes]
route = default via 203.0.113.1
route = 10.0.0.0/8 via 192.168.2.1 dev lan
[nat]
rule = masquerade out a-very-long-name
EOF
check "$tmp/errs.ini"
[ "$rc" = 1 ] || fail "--check exited $rc, expected 1"
[ "$out" = "$tmp/errs.ini:5: invalid device \"0000:99:00\": a PCI address is DDDD:BB:DD.F (e.g. 0000:01:00.0)
$tmp/errs.ini:6: address 192.168.1.200/25 of port \"dmz\" overlaps 192.168.1.1/24 of port \"lan\" (line 3): two ports on one network
$tmp/errs.ini:9: invalid address \"203.0.113.2/24 uplink\" (A.B.C.D/N)
$tmp/errs.ini:10: port name \"a-very-long-name\" is longer than 15 characters
$tmp/errs.ini:14: gateway 192.168.2.1 is on no network of port \"lan\"" ] ||
	fail "not exactly the five errors"
ok "each error once, on its line; the default route and the rule on the bad port are not reported again"
