#!/bin/bash
# Control: help and version.  `help` at every level, -h and --help print
# usage on stdout and exit 0; -V and --version of sluice, sluiced and
# sluice-dataplane print meson's project version (and DPDK's for the
# dataplane).  (No lab, no root needed.)
E2E_NO_ROOT=1
. "$(dirname "$0")/lib.sh"
SLUICE=$SLUICE_BUILD/control/sluice
SLUICED=$SLUICE_BUILD/control/sluiced
DP=$SLUICE_BUILD/dataplane/sluice-dataplane
tmp=$(mktemp -d /tmp/sluice-help.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# exit0 WANT CMD...: CMD exits 0, prints nothing on stderr, and its stdout
# holds the fixed string WANT.
exit0() {
	local want=$1 rc
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 0 ] || fail "'$*' exited $rc: $(cat "$tmp/err")"
	[ -s "$tmp/err" ] && fail "'$*' printed on stderr: $(head -3 "$tmp/err")"
	grep -qF -- "$want" "$tmp/out" || fail "'$*' does not print '$want': $(head -5 "$tmp/out")"
}

version=$("$PY" -c 'import json, sys; print(json.load(sys.stdin)["version"])' \
	< <(meson introspect --projectinfo "$SLUICE_BUILD")) || fail "no project version from meson"
[ -n "$version" ] || fail "meson gives an empty project version"

step "-V and --version: the project version $version"
for v in -V --version; do
	exit0 "sluice $version" "$SLUICE" "$v"
	[ "$(cat "$tmp/out")" = "sluice $version" ] || fail "sluice $v: '$(cat "$tmp/out")'"
	exit0 "sluiced $version" "$SLUICED" "$v"
	[ "$(cat "$tmp/out")" = "sluiced $version" ] || fail "sluiced $v: '$(cat "$tmp/out")'"
	exit0 "sluice-dataplane $version (DPDK " "$DP" "$v"
	dpdk=$(pkg-config --modversion libdpdk)
	grep -qF "(DPDK ${dpdk%%.*}." "$tmp/out" || fail "sluice-dataplane $v does not name DPDK $dpdk"
done
ok "$(cat "$tmp/out")"

step "help at every level"
exit0 "Usage: sluice [-s SOCKET]" "$SLUICE" help
exit0 "OBJECT := { link" "$SLUICE" -h
exit0 "OBJECT := { link" "$SLUICE" --help
exit0 "sluice route flush SELECTOR" "$SLUICE" route help
exit0 "sluice route flush SELECTOR" "$SLUICE" help route
exit0 "sluice route flush SELECTOR" "$SLUICE" r help
exit0 "sluice link set NAME" "$SLUICE" link help
exit0 "sluice addr flush" "$SLUICE" address help
exit0 "sluice neigh show [dev NAME]" "$SLUICE" neigh help
exit0 "sluice nat rule del id N" "$SLUICE" nat help
exit0 "sluice nat rule del id N" "$SLUICE" nat rule help
exit0 "sluice nat session flush" "$SLUICE" nat session help
exit0 "sluice stats" "$SLUICE" stats help
exit0 "sluice route flush SELECTOR" "$SLUICE" route show help
exit0 "sluice route flush SELECTOR" "$SLUICE" route add help
exit0 "sluice nat rule del id N" "$SLUICE" nat rule add help
exit0 "sluice link set NAME" "$SLUICE" link set help
ok "sluice: help, OBJECT help, nat rule|session help"

step "sluiced and sluice-dataplane: -h and --help"
exit0 "--oneshot" "$SLUICED" -h
exit0 "--version" "$SLUICED" --help
for h in -h --help; do
	# The dataplane's own options, EAL's list, and where each goes.
	exit0 "--socket PATH" "$DP" "$h"
	grep -qF 'EAL options (DPDK'"'"'s) come before "--"' "$tmp/out" ||
		fail "sluice-dataplane $h does not say EAL options come before --"
	grep -qF -- "--neigh-stale" "$tmp/out" || fail "sluice-dataplane $h lacks --neigh-stale"
	grep -qF "EAL common options" "$tmp/out" || fail "sluice-dataplane $h lacks EAL's options"
done
exit0 "--max-routes N" "$DP" -l 0,1 -- --help
ok "usage on stdout, status 0"

step "usage errors still exit 2 with the usage on stderr"
"$SLUICE" frobnicate >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] || fail "sluice frobnicate exited $rc"
grep -qF 'unknown object "frobnicate"' "$tmp/err" || fail "no error naming frobnicate: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "a usage error printed on stdout"
"$SLUICED" --frob >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] || fail "sluiced --frob exited $rc"
"$SLUICED" -c "$SLUICE_SRC/conf/lab.ini" --check --oneshot >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] || fail "sluiced --check --oneshot exited $rc"
grep -qF -- "--check and --oneshot exclude each other" "$tmp/err" ||
	fail "sluiced --check --oneshot does not say why: $(cat "$tmp/err")"
ok "exit 2"
