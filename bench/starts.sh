# SPDX-License-Identifier: BSD-3-Clause
#
# bench/starts.sh: is a rate a property of the start (where its memory
# landed) or of the minute (the machine)?  Not a workload (not executable:
# scripts/bench skips it); run as
#
#   bash bench/starts.sh K ROUNDS [DATAPLANE...]
#
# Starts K sluice-dataplane processes one after another on the bench's
# pcap set-up (bench/lib.sh), each established (every session made) and
# then stopped (SIGSTOP), all of them holding their memory at once; then
# ROUNDS rounds in which each is continued in turn, measured for SECS
# seconds and stopped again.  A DATAPLANE of "l3fwd" starts l3fwd instead
# (NONAT=1 only), so that both peers' starts are measured in one run.
# Prints, per round, each start's Mpps and the worker's cycles per packet
# on the CPU (perf stat task-clock x the TSC rate: time other processes
# take the core does not count).  A start
# that is slower than another in every round, the rounds interleaved
# within seconds, is slower for something of its own (its memory); what
# moves all starts together is the machine's minute.  DATAPLANE binaries
# are used in turn (default: this tree's).
#
# K processes hold K x BENCH_MEM MB of hugepages at once: the bench
# reserves them (BENCH_PROGRAMS) and gives them back at the end.
#
# Environment: FLOWS (default 60000), NONAT=1 (forwarding of the same
# pcap, no NAT rule), RULE (default "masquerade out out"), SECS (1),
# WARM (0.3 s after SIGCONT), BENCH_MEM (MB per process, default 1024),
# BENCH_CORE.
set -eu
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
K=$1 R=$2
shift 2
[ $# -gt 0 ] || set -- "$SLUICE_BUILD/dataplane/sluice-dataplane"
BINS=("$@")
FLOWS=${FLOWS:-60000}
BENCH_MEM=${BENCH_MEM:-1024}
BENCH_PROGRAMS=$K
bench_setup
PIDS=() PFX=()
starts_cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null || true; done
	bench_cleanup
	for p in "${PFX[@]}"; do rm -rf "/run/dpdk/$p"; done
}
trap starts_cleanup EXIT

bench_nat_stat() {
	bench_sluice -j stats | $PY -c 'import json, sys; print(json.load(sys.stdin)["nat"][sys.argv[1]])' "$1"
}
# Until every flow has its session (NAT) or packets leave (forwarding).
established() {
	local i n=0
	if [ "${NONAT:-0}" = 1 ]; then
		bench_wait_flow "$BENCH_PREFIX" 1
		return
	fi
	for i in $(seq 600); do
		n=$(bench_nat_stat sessions_active 2>/dev/null) || n=0
		[ "$n" -ge "$FLOWS" ] && return 0
		sleep 0.1
	done
	return 1
}

pcap=$BENCH_TMP/p-$FLOWS.pcap
bench_pcap "$FLOWS" "$pcap"
ini=$BENCH_TMP/starts.ini
{
	bench_fwd_conf
	[ "${NONAT:-0}" = 1 ] ||
		printf '\n[nat]\nmax-sessions = %d\nrule = %s\n' \
			$((FLOWS < 262144 ? 262144 : FLOWS)) "${RULE:-masquerade out out}"
} >"$ini"
hz=$(awk '/^cpu MHz/ { print $4 * 1e6; exit }' /proc/cpuinfo)
for k in $(seq 0 $((K - 1))); do
	if [ "${BINS[$((k % ${#BINS[@]}))]}" = l3fwd ]; then
		[ "${NONAT:-0}" = 1 ] || sl_die "l3fwd forwards only: NONAT=1"
		bench_l3fwd_start "$pcap"
		bench_wait_flow "$BENCH_PREFIX" 1 || sl_die "start $k (l3fwd): no packets out"
	else
		BENCH_DATAPLANE=${BINS[$((k % ${#BINS[@]}))]} \
			bench_sluice_start "$ini" "$pcap" --mbufs $((FLOWS + BENCH_POOL_SLACK))
		established || sl_die "start $k: not established"
	fi
	PIDS+=("$BENCH_DP") PFX+=("$BENCH_PREFIX")
	kill -STOP "$BENCH_DP"
done
for r in $(seq "$R"); do
	line="round $r:"
	for k in $(seq 0 $((K - 1))); do
		pid=${PIDS[$k]}
		kill -CONT "$pid"
		sleep "${WARM:-0.3}"
		tid=$(sl_worker_tid "$pid")
		t0=$(date +%s.%N)
		a=$(bench_opackets "${PFX[$k]}" 1)
		perf stat -e task-clock -x, -t "$tid" -o "$BENCH_TMP/perf.csv" -- \
			sleep "${SECS:-1}" >/dev/null 2>&1
		b=$(bench_opackets "${PFX[$k]}" 1)
		t1=$(date +%s.%N)
		kill -STOP "$pid"
		ms=$(awk -F, '$3 == "task-clock" { print $1 }' "$BENCH_TMP/perf.csv")
		line="$line $(awk -v a="$a" -v b="$b" -v t0="$t0" -v t1="$t1" -v ms="$ms" -v hz="$hz" \
			'BEGIN { printf "%5.1f/%3.0f", (b - a) / (t1 - t0) / 1e6, ms / 1000 * hz / (b - a) }')"
	done
	echo "$line  (Mpps/cycles a packet per start; load $(cut -d' ' -f1 /proc/loadavg))"
done
