#!/bin/bash
# Operations: sluiced's metrics endpoint ([metrics] listen = 127.0.0.1:9111
# in conf/lab.ini, inside the router's namespace).  Scraped with curl during
# traffic and read with prometheus_client's parsers (text and OpenMetrics):
# port counters move by what was sent, TTL-1 packets show under
# ttl_exceeded exactly, the figures agree with `sluice stats` and `route
# show`; other paths, methods and garbage get 404/405/400 and the server
# goes on; clients that never finish their request do not hold a scrape
# up; with the dataplane killed sluice_up is 0 and nothing else is given,
# and it is 1 again once the dataplane is back.
. "$(dirname "$0")/lib.sh"
e2e_up metr

URL=http://127.0.0.1:9111/metrics
PROM_ACCEPT='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

cat >"$E2E_TMP/parse.py" <<'PYEOF'
# parse.py text|om: the exposition on stdin as JSON {"sample{label=v}": value},
# with "_types" {family: type}; a parse error is a non-zero exit.
import json, sys
from prometheus_client.parser import text_string_to_metric_families as text_families
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_families
parse = om_families if sys.argv[1] == "om" else text_families
out = {"_types": {}}
for fam in parse(sys.stdin.read()):
    out["_types"][fam.name] = fam.type
    for s in fam.samples:
        out[s.name + "".join("{%s=%s}" % kv for kv in sorted(s.labels.items()))] = s.value
print(json.dumps(out))
PYEOF

# scrape FILE [ACCEPT]: GET /metrics into FILE.body, headers into FILE.hdr,
# parsed into FILE (JSON).
scrape() {
	local f=$1 accept=${2:-} fmt=text
	rt curl -sS --max-time 10 -D "$f.hdr" -o "$f.body" -w '%{time_total}' \
		${accept:+-H "Accept: $accept"} "$URL" >"$f.time" || fail "curl $URL failed"
	grep -qi '^content-type: application/openmetrics-text' "$f.hdr" && fmt=om
	"$PY" "$E2E_TMP/parse.py" "$fmt" <"$f.body" >"$f" ||
		{ cat "$f.body" >&2; fail "prometheus_client cannot parse $f ($fmt)"; }
}
# v FILE KEY: a sample's value (integral ones printed as integers), "none" if absent.
v() {
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1])); x = d.get(sys.argv[2])
print("none" if x is None else int(x) if x == int(x) else x)' "$1" "$2"
}
# grew A B KEY MIN: KEY grew by at least MIN from scrape A to scrape B.
grew() {
	local a b
	a=$(v "$1" "$3") b=$(v "$2" "$3")
	[ "$a" != none ] && [ "$b" != none ] || fail "$3 missing (before $a, after $b)"
	[ $((b - a)) -ge "$4" ] || fail "$3 grew by $((b - a)), expected at least $4"
	echo "  $3: $a -> $b"
}
# status REQUEST: the status code of a raw request (printf format) to the endpoint.
status() {
	rt "$PY" - "$1" <<'PYEOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", 9111), timeout=10)
s.sendall(sys.argv[1].encode("latin-1").decode("unicode_escape").encode("latin-1"))
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/1.1 ") else "no-answer")
PYEOF
}

wait_listen rt 9111 30 || fail "sluiced does not listen on 127.0.0.1:9111"

step "a scrape: every series with # HELP and # TYPE, sluice_up 1"
scrape "$E2E_TMP/s0"
grep -qi '^content-type: text/plain; version=0.0.4' "$E2E_TMP/s0.hdr" || fail "not the text format"
[ "$(v "$E2E_TMP/s0" sluice_up)" = 1 ] || fail "sluice_up is not 1"
for fam in "sluice_up gauge" "sluice_port_rx_packets_total counter" \
	   "sluice_port_tx_packets_total counter" "sluice_port_rx_bytes_total counter" \
	   "sluice_port_tx_bytes_total counter" "sluice_port_rx_dropped_total counter" \
	   "sluice_port_rx_missed_total counter" "sluice_drops_total counter" \
	   "sluice_nat_sessions gauge" "sluice_nat_sessions_created_total counter" \
	   "sluice_routes gauge" "sluice_mbufs_in_use gauge" "sluice_worker_busy_ratio gauge"; do
	set -- $fam
	grep -q "^# HELP $1 ." "$E2E_TMP/s0.body" || fail "no # HELP for $1"
	grep -qx "# TYPE $1 $2" "$E2E_TMP/s0.body" || fail "no '# TYPE $1 $2'"
done
for p in lan wan; do
	[ "$(v "$E2E_TMP/s0" "sluice_port_rx_missed_total{port=$p}")" != none ] || fail "no rx_missed for $p"
done
ok "text format, every series present"

step "20 pings LAN -> WAN, scraped while they run"
lan ping -n -c 20 -i 0.2 -W 2 203.0.113.1 >"$E2E_TMP/ping.out" 2>&1 &
pp=$!
for i in 1 2 3; do
	sleep 1
	scrape "$E2E_TMP/during$i"
	[ "$(v "$E2E_TMP/during$i" sluice_up)" = 1 ] || fail "sluice_up not 1 during traffic"
done
wait_gone "$pp" 30 || fail "ping did not end"
grep -q " 20 received" "$E2E_TMP/ping.out" || { cat "$E2E_TMP/ping.out"; fail "pings lost"; }
scrape "$E2E_TMP/s1"
grew "$E2E_TMP/s0" "$E2E_TMP/s1" "sluice_port_rx_packets_total{port=lan}" 20
grew "$E2E_TMP/s0" "$E2E_TMP/s1" "sluice_port_tx_packets_total{port=wan}" 20
grew "$E2E_TMP/s0" "$E2E_TMP/s1" "sluice_port_rx_packets_total{port=wan}" 20
grew "$E2E_TMP/s0" "$E2E_TMP/s1" "sluice_port_tx_packets_total{port=lan}" 20
# An echo request is 98 bytes on the wire (14 + 20 + 8 + 56).
grew "$E2E_TMP/s0" "$E2E_TMP/s1" "sluice_port_rx_bytes_total{port=lan}" $((20 * 98))
grew "$E2E_TMP/s0" "$E2E_TMP/s1" "sluice_port_tx_bytes_total{port=wan}" $((20 * 98))
grew "$E2E_TMP/s0" "$E2E_TMP/s1" "sluice_nat_sessions_created_total" 1
grew "$E2E_TMP/s0" "$E2E_TMP/s1" "sluice_worker_busy_polls_total{lcore=1}" 20
[ "$(v "$E2E_TMP/s1" sluice_nat_sessions)" -ge 1 ] || fail "no NAT session counted"
# The first scrape during the pings covers the first of them.
r=$(v "$E2E_TMP/during1" "sluice_worker_busy_ratio{lcore=1}")
"$PY" -c "import sys; sys.exit(not 0 < float('$r') <= 1)" ||
	fail "busy ratio $r over an interval with traffic is not in (0, 1]"
echo "  busy ratio during the pings: $r"
ok "port counters, NAT and worker figures moved by what was sent"

step "5 pings with TTL 1: ttl_exceeded grows by exactly 5"
lan ping -n -c 5 -i 0.2 -t 1 -W 1 203.0.113.1 >/dev/null 2>&1
scrape "$E2E_TMP/s2"
grew "$E2E_TMP/s1" "$E2E_TMP/s2" "sluice_drops_total{reason=ttl_exceeded}" 5
d=$(( $(v "$E2E_TMP/s2" "sluice_drops_total{reason=ttl_exceeded}") - $(v "$E2E_TMP/s1" "sluice_drops_total{reason=ttl_exceeded}") ))
[ "$d" = 5 ] || fail "ttl_exceeded grew by $d, not 5"
[ "$(v "$E2E_TMP/s2" "sluice_drops_total{reason=ttl_exceeded}")" = "$(stat_value '^ttl_exceeded$')" ] ||
	fail "ttl_exceeded differs from sluice stats"
nroutes=$(cli -j route show | json 'len(d)')
[ "$(v "$E2E_TMP/s2" "sluice_routes{family=inet}")" = "$nroutes" ] ||
	fail "sluice_routes{family=inet} $(v "$E2E_TMP/s2" "sluice_routes{family=inet}") but route show has $nroutes"
# IPv6's count is its own series, whether or not the lab has IPv6 on.
cli route add blackhole 2001:db8:77::/48 || fail "route add blackhole 2001:db8:77::/48"
nroutes6=$(cli -6 -j route show | json 'len(d)')
[ "$nroutes6" -ge 1 ] || fail "-6 route show lists $nroutes6 routes after an add"
scrape "$E2E_TMP/s3"
[ "$(v "$E2E_TMP/s3" "sluice_routes{family=inet6}")" = "$nroutes6" ] ||
	fail "sluice_routes{family=inet6} $(v "$E2E_TMP/s3" "sluice_routes{family=inet6}") but -6 route show has $nroutes6"
[ "$(v "$E2E_TMP/s2" sluice_mbufs_in_use)" -gt 0 ] || fail "sluice_mbufs_in_use is 0"
ok "a drop shows under its reason; routes of both families agree with route show"

step "OpenMetrics when Accept asks for it (Prometheus's own header)"
scrape "$E2E_TMP/om" "$PROM_ACCEPT"
grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$E2E_TMP/om.hdr" ||
	fail "Prometheus's Accept did not get OpenMetrics"
[ "$(tail -n 1 "$E2E_TMP/om.body")" = "# EOF" ] || fail "OpenMetrics without # EOF"
[ "$(v "$E2E_TMP/om" sluice_up)" = 1 ] || fail "sluice_up is not 1 (OpenMetrics)"
grew "$E2E_TMP/s2" "$E2E_TMP/om" "sluice_port_rx_packets_total{port=lan}" 0
"$PY" -c 'import json, sys; t = json.load(open(sys.argv[1]))["_types"]
sys.exit(not (t.get("sluice_drops") == "counter" and t.get("sluice_routes") == "gauge"))' "$E2E_TMP/om" ||
	fail "OpenMetrics families typed wrongly"
ok "OpenMetrics parses, with # EOF"

step "other paths, methods and garbage"
for req in 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n=200' 'HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n=200' \
	   'GET /other HTTP/1.1\r\nHost: x\r\n\r\n=404' 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab=405' \
	   'GARBAGE\r\n\r\n=400' '\x00\x01\x02\x03 binary\r\n\r\n=400' 'GET /metrics HTTP/1.1\r\n\r\n=400' \
	   'GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n=505' 'GET /metrics HTTP/1.1\r\nBad Header\r\n\r\n=400'; do
	got=$(status "${req%=*}")
	[ "$got" = "${req##*=}" ] || fail "'${req%=*}' answered $got, expected ${req##*=}"
	echo "  ${req%=*} -> $got"
done
got=$(status "GET /metrics HTTP/1.1\r\nHost: x\r\nX: $(head -c 9000 /dev/zero | tr '\0' a)\r\n\r\n")
[ "$got" = 431 ] || fail "a 9 kB head answered $got, expected 431"
scrape "$E2E_TMP/s3"
[ "$(v "$E2E_TMP/s3" sluice_up)" = 1 ] || fail "no good answer after the garbage"
ok "404, 405, 400, 505, 431, and the server goes on"

step "20 clients that never finish their request do not hold a scrape up"
rt "$PY" - <<'PYEOF' &
import socket, time
held = []
for i in range(20):
    s = socket.create_connection(("127.0.0.1", 9111))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHo")
    held.append(s)
time.sleep(8)
PYEOF
hp=$!
sleep 1
scrape "$E2E_TMP/s4"
ms=$("$PY" -c 'import sys; print(int(float(sys.argv[1]) * 1000))' "$(cat "$E2E_TMP/s4.time")")
[ "$(v "$E2E_TMP/s4" sluice_up)" = 1 ] || fail "sluice_up not 1 beside stuck clients"
# They would hold it 5 s (the read timeout) if they kept their slots.
[ "$ms" -lt 2000 ] || fail "a scrape beside 20 stuck clients took $ms ms"
wait_gone "$hp" 20
ok "scraped in $ms ms beside 20 stuck clients"

step "the dataplane killed: sluice_up 0, and nothing else"
lab_stop "$LAB" dataplane KILL
scrape "$E2E_TMP/down"
[ "$(v "$E2E_TMP/down" sluice_up)" = 0 ] || fail "sluice_up is not 0 without a dataplane"
[ "$(grep -vc '^#' "$E2E_TMP/down.body")" = 1 ] || { cat "$E2E_TMP/down.body"; fail "series beside sluice_up 0"; }
scrape "$E2E_TMP/downom" "$PROM_ACCEPT"
[ "$(v "$E2E_TMP/downom" sluice_up)" = 0 ] || fail "sluice_up is not 0 (OpenMetrics)"
ok "sluice_up 0"

step "the dataplane back: sluice_up 1 again"
lab_start_dataplane "$LAB" || fail "the dataplane did not restart"
lab_wait_ready "$LAB" 60 || fail "sluiced did not configure the new dataplane"
scrape "$E2E_TMP/back"
[ "$(v "$E2E_TMP/back" sluice_up)" = 1 ] || fail "sluice_up not 1 after the dataplane came back"
[ "$(v "$E2E_TMP/back" "sluice_port_rx_packets_total{port=lan}")" != none ] || fail "no port series after the restart"
ok "sluice_up 1 again"

step "SIGHUP with a new listen moves the server"
sed -i 's/^listen = 127.0.0.1:9111$/listen = 127.0.0.1:9112/' "$(lab_conf "$LAB")"
kill -HUP "$(lab_pid "$LAB" sluiced)" || fail "no sluiced to signal"
wait_listen rt 9112 30 || fail "sluiced does not listen on 9112 after SIGHUP"
rt ss -Hltn 'sport = :9111' | grep -q . && fail "9111 still listens after SIGHUP"
URL=http://127.0.0.1:9112/metrics
scrape "$E2E_TMP/moved"
[ "$(v "$E2E_TMP/moved" sluice_up)" = 1 ] || fail "sluice_up not 1 on the new address"
ok "the server moved to 127.0.0.1:9112"
