#!/bin/bash
# The host's own traffic follows sluice's routes: the config's default route
# goes through the host interface wan, so sluiced installs it in the
# router namespace's kernel (proto sluice), and the kernel's ping and TCP
# reach a WAN address beyond it.  A CLI route through wan reaches the
# kernel too, and leaves it with its deletion; none comes back as mirrored.
. "$(dirname "$0")/host_lib.sh"
host_up hself

step "the config's default route in the kernel, proto sluice"
lab_wait 10 "default route in the kernel" sh -c "ip netns exec $LAB-rt ip route show default | grep -q 'via 203.0.113.1 dev wan proto sluice'" ||
	{ rt ip route; fail "no default route proto sluice in the router's kernel"; }
rt ip route show default
routes | grep -q "proto sluice" && fail "sluice mirrored its own route back: $(routes | grep 'proto sluice')"
ok "default via 203.0.113.1 dev wan proto sluice"

step "ping and TCP from the router's kernel to 198.51.100.1 (beyond the default route)"
mkdir -p "$E2E_TMP/www"
echo "hello host $$" >"$E2E_TMP/www/f"
http_server wan 198.51.100.1 8000 "$E2E_TMP/www" "$E2E_TMP/http.log"
ping_ok rt 3 198.51.100.1 || fail "the router's kernel cannot ping 198.51.100.1"
got=$(rt curl -sS --fail --max-time 10 http://198.51.100.1:8000/f) || fail "TCP from the router's kernel failed"
[ "$got" = "hello host $$" ] || fail "got '$got'"
ok "ping and TCP from the host succeed"

step "a CLI route through wan reaches the kernel, and goes with its deletion"
wan ip addr add 198.18.0.1/32 dev eth0
cli route add 198.18.0.0/24 via 203.0.113.3 metric 7 || fail "route add"
lab_wait 5 "the CLI route in the kernel" sh -c "ip netns exec $LAB-rt ip route show 198.18.0.0/24 | grep -q 'via 203.0.113.3 dev wan proto sluice metric 7'" ||
	{ rt ip route; fail "the CLI route is not in the kernel"; }
ping_ok rt 2 198.18.0.1 || fail "no ping from the host through the CLI route"
[ "$(routes 198.18.0.0/24 | wc -l)" = 1 ] || fail "sluice holds $(routes 198.18.0.0/24 | wc -l) routes for 198.18.0.0/24"
cli route del 198.18.0.0/24 || fail "route del"
lab_wait 5 "the CLI route gone from the kernel" sh -c "! ip netns exec $LAB-rt ip route show 198.18.0.0/24 | grep -q ." ||
	fail "the CLI route is still in the kernel"
ok "CLI routes follow into the kernel"

step "a reload keeps the kernel's default route; removing it from the file removes it"
sed -i '/^route = default/d' "$(lab_conf "$LAB")"
kill -HUP "$(lab_pid "$LAB" sluiced)"
lab_wait 10 "default route gone from the kernel" sh -c "! ip netns exec $LAB-rt ip route show default | grep -q 'proto sluice'" ||
	fail "the kernel still has sluice's default route"
rt ping -n -c 1 -W 1 198.51.100.1 >/dev/null 2>&1 && fail "the host still reaches 198.51.100.1"
ok "the file's route left the kernel with the file"
