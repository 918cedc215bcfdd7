#!/bin/bash
# Operations: `meson install --destdir` puts every file in its place (the
# three programs in sbin, the example config and /etc/default/sluice example
# under share/doc/sluice, the systemd units, the man pages, the bash
# completion); the installed units pass `systemd-analyze verify` with no
# complaint, their ExecStart naming the installed programs (the destdir
# substituted for the prefix: verify checks that the programs exist, and
# `--root` would need a whole system under the destdir); the man pages are
# clean under `mandoc -T lint -W warning`, and under plain `mandoc -T lint`
# but for references to sluice's own pages.  No lab, no root needed.
E2E_NO_ROOT=1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d /tmp/sluice-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

prefix=$(meson introspect --buildoptions "$SLUICE_BUILD" |
	"$PY" -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
[ -n "$prefix" ] || fail "cannot read the build's prefix"
step "meson install --destdir $tmp/root (prefix $prefix)"
meson install -C "$SLUICE_BUILD" --no-rebuild --destdir "$tmp/root" >"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log"
	fail "meson install failed"
}
r=$tmp/root$prefix
want="sbin/sluice sbin/sluiced sbin/sluice-dataplane
 share/doc/sluice/sluice.ini share/doc/sluice/sluice.default
 lib/systemd/system/sluice-dataplane.service lib/systemd/system/sluiced.service
 share/man/man8/sluice.8 share/man/man8/sluiced.8 share/man/man8/sluice-dataplane.8
 share/man/man5/sluice.ini.5
 share/bash-completion/completions/sluice"
for f in $want; do
	[ -s "$r/$f" ] || fail "$prefix/$f was not installed"
done
for f in sluice sluiced sluice-dataplane; do
	[ -x "$r/sbin/$f" ] || fail "$prefix/sbin/$f is not executable"
done
cmp -s "$r/share/doc/sluice/sluice.ini" "$SLUICE_SRC/conf/sluice.ini" ||
	fail "the installed sluice.ini is not conf/sluice.ini"
ok "every file is in place under $prefix"

step "the units start the installed programs"
grep -qx "ExecStart=$prefix/sbin/sluice-dataplane .*" "$r/lib/systemd/system/sluice-dataplane.service" ||
	fail "sluice-dataplane.service does not run $prefix/sbin/sluice-dataplane"
grep -qx "ExecStart=$prefix/sbin/sluiced .*" "$r/lib/systemd/system/sluiced.service" ||
	fail "sluiced.service does not run $prefix/sbin/sluiced"
# conf/systemd's units are written for the default prefix: installed
# there they are the same bytes, installed elsewhere nothing of
# /usr/local/sbin or /usr/local/etc is left in them.
for u in sluice-dataplane sluiced; do
	if [ "$prefix" = /usr/local ]; then
		cmp "$r/lib/systemd/system/$u.service" "$SLUICE_SRC/conf/systemd/$u.service" ||
			fail "the installed $u.service is not conf/systemd/$u.service"
	else
		! grep -n '/usr/local/\(sbin\|etc\)' "$r/lib/systemd/system/$u.service" ||
			fail "$u.service still names /usr/local under prefix $prefix"
	fi
done

step "systemd-analyze verify"
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (Debian package systemd)"
mkdir "$tmp/verify"
for u in sluice-dataplane sluiced; do
	sed "s|$prefix/|$r/|g" "$r/lib/systemd/system/$u.service" >"$tmp/verify/$u.service"
done
# Documentation=man:... is checked with man(1), in the installed pages.
out=$(cd "$tmp/verify" && MANPATH=$r/share/man systemd-analyze verify \
	./sluice-dataplane.service ./sluiced.service 2>&1)
rc=$?
echo "$out"
# verify exits 0 on unknown keys and bad values: any word from it fails.
[ "$rc" = 0 ] && [ -z "$out" ] || fail "systemd-analyze verify: exit $rc, output above"
# The check is real: a unit with a typo fails it.
sed 's/^Type=notify/Type=notfy/' "$tmp/verify/sluiced.service" >"$tmp/verify/typo.service"
bad=$(cd "$tmp/verify" && MANPATH=$r/share/man systemd-analyze verify ./typo.service 2>&1)
[ -n "$bad" ] || fail "systemd-analyze verify did not see Type=notfy"
ok "both units verify clean"

step "mandoc -T lint"
command -v mandoc >/dev/null || fail "mandoc is missing (Debian package mandoc)"
for p in "$r"/share/man/man8/*.8 "$r"/share/man/man5/*.5; do
	mandoc -T lint -W warning "$p" || fail "mandoc -T lint: ${p##*/} above"
done
# And at mandoc's default level (style) too: nothing but the references
# to sluice's own pages, which resolve only once makewhatis has indexed
# them, and the notes about this machine's mandoc.db.
for p in "$r"/share/man/man8/*.8 "$r"/share/man/man5/*.5; do
	msgs=$(mandoc -T lint "$p" 2>&1 |
		grep -Ev ': STYLE: referenced manual not found: Xr (sluice|sluiced|sluice-dataplane|sluice\.ini) [58]( \([0-9]+ times\))?$' |
		grep -Ev '^mandoc: outdated mandoc\.db ')
	[ -z "$msgs" ] || { echo "$msgs"; fail "mandoc -T lint: ${p##*/} above"; }
done
# Every program and option in --help is in its page.
for o in -c --check --oneshot -s; do
	grep -q -- "Fl ${o#-}\b" "$r/share/man/man8/sluiced.8" || fail "sluiced.8 lacks $o"
done
ok "the man pages are lint-clean"
