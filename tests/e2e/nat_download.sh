#!/bin/bash
# NAT: a 5 MB download from the WAN through the NAT is byte-exact.
. "$(dirname "$0")/lib.sh"
e2e_up ndown

mkdir -p "$E2E_TMP/www"
head -c $((5 * 1024 * 1024)) /dev/urandom >"$E2E_TMP/www/blob"
http_server wan 203.0.113.1 8000 "$E2E_TMP/www" "$E2E_TMP/server.log"

step "curl a 5 MB file from 203.0.113.1 on the LAN host"
lan curl -sS --fail --max-time 60 -o "$E2E_TMP/got" http://203.0.113.1:8000/blob ||
	fail "the download failed"
want=$(sha256sum <"$E2E_TMP/www/blob" | cut -d' ' -f1)
got=$(sha256sum <"$E2E_TMP/got" | cut -d' ' -f1)
[ "$want" = "$got" ] || fail "sha256 differs: sent $want, got $got ($(stat -c %s "$E2E_TMP/got") bytes)"
ok "5242880 bytes, sha256 $got"
