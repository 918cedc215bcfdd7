#!/bin/bash
# Control: an unprivileged user cannot change the router.  Without access to
# the socket (mode 0660) it is refused at connect; with access (the test
# opens the socket to everyone) it may read, and a change gets EPERM.
. "$(dirname "$0")/lib.sh"
e2e_up cpriv

asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
# The build tree may sit where nobody cannot reach it.
install -m 0755 "$SLUICE_BUILD/control/sluice" "$E2E_TMP/sluice"
chmod 0755 "$E2E_TMP"
sock=$(lab_sock "$LAB")

mode=$(stat -c %a "$sock")
step "socket mode $mode"
[ "$mode" = 660 ] || fail "the socket's mode is $mode, expected 660"

step "nobody: route add, without access to the socket"
out=$(asnobody "$E2E_TMP/sluice" -s "$sock" route add 10.1.0.0/16 via 203.0.113.1 2>&1) &&
	fail "nobody added a route"
echo "$out"
grep -qi "permission denied\|not permitted" <<<"$out" || fail "no permission error: $out"

step "nobody, with access to the socket: show works, changes get EPERM"
chmod 0666 "$sock"
asnobody "$E2E_TMP/sluice" -s "$sock" route show | grep -qw default || fail "nobody cannot read routes"
out=$(asnobody "$E2E_TMP/sluice" -s "$sock" route add 10.1.0.0/16 via 203.0.113.1 2>&1)
rc=$?
echo "$out"
[ "$rc" = 1 ] || fail "route add as nobody exited $rc, expected 1"
grep -qi "permission denied\|not permitted" <<<"$out" || fail "no permission error (EPERM) for nobody's change"
out=$(asnobody "$E2E_TMP/sluice" -s "$sock" link set wan down 2>&1) && fail "nobody set wan down"
grep -qi "permission denied\|not permitted" <<<"$out" || fail "no EPERM for link set: $out"
cli route show | grep -q "^10\.1\.0\.0/16" && fail "the route was added anyway"
ping_ok lan 1 203.0.113.1 || fail "the router stopped forwarding"
ok "nobody reads but cannot change"
