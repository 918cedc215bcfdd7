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
