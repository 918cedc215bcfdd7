#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""report.py WORKDIR: the soak's report from what scripts/soak left in
WORKDIR (the "facts" file, the halves' traffic logs, the counter
snapshots).  Exit status 1 if a daemon crashed or the packet pool's idle
use differs between the two idles measured on the same dataplane (after
its restart, and at the end); 0 otherwise.

Counters are printed generically: every number `sluice -j stats` and
`sluice -j link show` give, whatever their names, so that new counters
appear here without a change.
"""
import glob
import json
import os
import re
import sys

# The signals whose default action dumps core.
CORE_SIGNALS = {3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
                8: "SIGFPE", 11: "SIGSEGV", 24: "SIGXCPU", 25: "SIGXFSZ", 31: "SIGSYS"}
# A port's fields that are settings, not counters.
LINK_SETTINGS = {"ifindex", "mtu", "min_mtu", "max_mtu", "txqlen", "group",
                 "num_tx_queues", "num_rx_queues", "link_index"}


def load_json(path):
    try:
        with open(path) as f:
            return json.loads(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return None


def read_facts(w):
    facts = []
    with open(os.path.join(w, "facts")) as f:
        for line in f:
            facts.append(line.split())
    return facts


def arrivals_probe(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) == 2:
                    out.append(float(p[0]))
    except OSError:
        pass
    return out


PING_RE = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from ")
PING_SUM = re.compile(r"(\d+) packets transmitted, (\d+) received")


def arrivals_ping(path):
    out, sent = [], None
    try:
        with open(path) as f:
            for line in f:
                m = PING_RE.match(line)
                if m:
                    out.append(float(m.group(1)))
                m = PING_SUM.search(line)
                if m:
                    sent = int(m.group(1))
    except OSError:
        pass
    return out, sent


def gaps(halves, kill):
    """The longest interval without a packet arriving, outside the one that
    holds the dataplane's kill, and the kill's recovery: from the kill to
    the first packet after it.  Each half counts from its first arrival to
    its end (what the senders were still sending into the void counts)."""
    longest, at, recovery, over = 0.0, None, None, 0
    for t0, end, arr in halves:
        if not arr:
            continue
        arr = sorted(arr)
        pts = arr + [max(end, arr[-1])]
        # The restart's gap: the one that holds the kill, or starts within
        # 100 ms after it (replies that were in flight when it died).
        hole = None
        if kill is not None and pts[0] <= kill < pts[-1]:
            for i in range(len(pts) - 1):
                if pts[i + 1] > kill:
                    hole = i
                    while (hole + 1 < len(pts) - 1 and pts[hole + 1] - pts[hole] <= 0.1
                           and pts[hole + 1] < kill + 0.1):
                        hole += 1
                    break
        for i in range(len(pts) - 1):
            a, b = pts[i], pts[i + 1]
            if i == hole:
                # b is an arrival, or the half's end: then only a bound
                recovery = (b - kill, i + 1 < len(arr))
                continue
            over += b - a > 0.1
            if b - a > longest:
                longest, at = b - a, a
    return longest, at, recovery, over


def ms(x):
    return "n/a" if x is None else "%.0f ms" % (x * 1000)


def recovered(r):
    if r is None:
        return "n/a"
    return ms(r[0]) if r[1] else "none within the %s left in the half" % ms(r[0])


def flatten(o, prefix=""):
    if isinstance(o, dict):
        for k, v in o.items():
            yield from flatten(v, prefix + "." + k if prefix else k)
    elif isinstance(o, int) and not isinstance(o, bool):
        yield prefix, o


def link_counters(ports):
    out = {}
    for p in ports or []:
        name = p.get("ifname", str(p.get("ifindex")))
        for k, v in flatten({k: v for k, v in p.items() if k not in LINK_SETTINGS}):
            out[name + " " + k] = v
    return out


def table(title, cols, rows):
    print(title)
    names = [r[0] for r in rows]
    w = max([len(n) for n in names] + [10])
    print("  %-*s %s" % (w, "", " ".join("%16s" % c for c in cols)))
    for r in rows:
        print("  %-*s %s" % (w, r[0], " ".join("%16s" % ("n/a" if v is None else v) for v in r[1:])))


def counter_rows(snaps):
    keys = []
    for s in snaps:
        for k in s or {}:
            if k not in keys:
                keys.append(k)
    return [[k] + [None if s is None else s.get(k) for s in snaps] for k in keys]


def main(w):
    facts = read_facts(w)
    f1 = {}
    for f in facts:
        f1.setdefault(f[0], f[1:])
    get = lambda kind: [f[1:] for f in facts if f[0] == kind]
    minutes = int(f1["minutes"][0])
    halves = {int(h[0]): (float(h[1]), float(h[2])) for h in get("half")}
    kill = float(f1["dp_kill"][0]) if "dp_kill" in f1 else None

    def load_time(t):		# seconds of load at wall time t (halves are back to back in load time)
        if t is None:
            return None
        off = 0.0
        for n in sorted(halves):
            t0, end = halves[n]
            if t <= end:
                return off + max(0.0, t - t0)
            off += end - t0
        return off

    print()
    print("==== sluice soak: %d min of load, %s ports, %s stuck clients over %s extra routes, "
          "%s route changes/s" % (minutes, f1["ports"][0], f1["stuck"][0], f1["stuck"][1],
                                 f1["churn"][0]))
    fail = []

    # -- crashes
    crashes = []
    for proc, pid, st, t in get("crash"):
        crashes.append("%s (pid %s) ended with status %s at %.0f s of load%s" % (
            proc, pid, st, load_time(float(t)),
            " (%s: core-dumping signal)" % CORE_SIGNALS[int(st) - 128] if int(st) - 128 in CORE_SIGNALS else ""))
    kills = get("kill")
    for proc, sig, st, t in kills:
        want = {"TERM": 0, "INT": 0, "KILL": 137}.get(sig)
        if want is not None and int(st) != want:
            crashes.append("%s after our SIG%s: status %s, not %d" % (proc, sig, st, want))
    cores = glob.glob(os.path.join(w, "core*"))
    print("crashes: %d%s" % (len(crashes) + len(cores), "" if crashes or cores else " (must be 0)"))
    for c in crashes:
        print("  " + c)
    for c in cores:
        print("  core file: " + c)
    print("  faults injected: sluiced killed %d times (%s), the dataplane %d time(s) (%s)" % (
        sum(1 for k in kills if k[0] == "sluiced"),
        ", ".join("SIG%s→%s" % (k[1], k[2]) for k in kills if k[0] == "sluiced") or "none",
        sum(1 for k in kills if k[0] == "dataplane"),
        ", ".join("SIG%s→%s at %.0f s" % (k[1], k[2], load_time(float(k[3])))
                  for k in kills if k[0] == "dataplane") or "none"))
    if crashes or cores:
        fail.append("%d crash(es)" % (len(crashes) + len(cores)))

    # -- packet pool
    pool = {p[0]: p[1] for p in get("pool")}
    # af_xdp's PMD frees the mbufs of a TX burst only at the next TX call, so
    # at idle it holds up to one burst (DP_BURST, 48) per port beyond its
    # fill ring: that much may differ between two idles without a leak.
    # af_packet copies both ways and holds none: its idles must be equal.
    slack = 2 * 64 if f1["ports"][0] == "xdp" else 0
    try:
        same = abs(int(pool["mid"]) - int(pool["end"])) <= slack
    except (KeyError, ValueError):
        same = False
    print("packet pool in use at idle: start %s (first dataplane), after the restart %s, at the end %s: %s" % (
        pool.get("start", "n/a"), pool.get("mid", "n/a"), pool.get("end", "n/a"),
        ("equal" if pool.get("mid") == pool.get("end") else "within af_xdp's in-flight TX burst (%d)" % slack)
        if same else "DIFFERENT or not measured"))
    if not same:
        fail.append("pool use at idle %s after the restart, %s at the end" % (pool.get("mid"), pool.get("end")))

    # -- forwarding gaps and the restart's recovery
    probe_h, ping_h, probe_tot, ping_tot = [], [], [0, 0], [0, 0]
    for n, (t0, end) in sorted(halves.items()):
        d = os.path.join(w, "h%d" % n)
        a = arrivals_probe(os.path.join(d, "probe.log"))
        probe_h.append((t0, end, a))
        s = load_json(os.path.join(d, "probe-send.json")) or {}
        probe_tot[0] += s.get("sent", 0)
        probe_tot[1] += len(a)
        a, sent = arrivals_ping(os.path.join(d, "ping.log"))
        ping_h.append((t0, end, a))
        ping_tot[0] += sent or 0
        ping_tot[1] += len(a)
    pg, pat, prec, pover = gaps(probe_h, kill)
    ig, iat, irec, iover = gaps(ping_h, kill)
    print("longest forwarding gap outside the dataplane restart: %s (UDP probe, at %s s of load), "
          "%s (ping, at %s s)" % (ms(pg), "%.0f" % load_time(pat) if pat else "-",
                                  ms(ig), "%.0f" % load_time(iat) if iat else "-"))
    print("  gaps over 100 ms: %d (UDP probe), %d (ping)" % (pover, iover))
    extra = ""
    if kill is not None:
        if "dp_socket" in f1:
            extra += "; socket back after %s" % ms(float(f1["dp_socket"][0]) - kill)
        if "dp_ready" in f1:
            extra += ", ports and routes replayed after %s" % ms(float(f1["dp_ready"][0]) - kill)
    print("dataplane restart, kill to first forwarded packet: %s (UDP probe), %s (ping)%s" % (
        recovered(prec), recovered(irec), extra))

    # -- traffic
    print("traffic:")
    print("  UDP probe: %d sent, %d received; ping -i 0.01: %d sent, %d answered" % (
        probe_tot[0], probe_tot[1], ping_tot[0], ping_tot[1]))
    for kind in ("tcp", "udp"):
        runs = ok = 0
        rates, loss = [], []
        for n in sorted(halves):
            d = os.path.join(w, "h%d" % n)
            try:
                lines = open(os.path.join(d, "iperf.status")).read().split("\n")
            except OSError:
                lines = []
            for line in lines:
                p = line.split()
                if len(p) != 3 or p[0] != kind:
                    continue
                runs += 1
                ok += p[2] == "0"
                j = load_json_whole(os.path.join(d, "iperf-%s-%s.json" % (kind, p[1])))
                if p[2] == "0" and j:
                    e = j.get("end", {})
                    if kind == "tcp":
                        rates.append(e.get("sum_received", {}).get("bits_per_second", 0))
                    else:
                        rates.append(e.get("sum", {}).get("bits_per_second", 0))
                        loss.append(e.get("sum", {}).get("lost_percent", 0))
        print("  iperf3 %s: %d of %d runs completed%s%s" % (
            kind.upper(), ok, runs,
            ", mean %.1f Mbit/s" % (sum(rates) / len(rates) / 1e6) if rates else "",
            ", mean loss %.2f%%" % (sum(loss) / len(loss)) if loss else ""))
    fs = fr = 0
    fsrc = 0
    fg = {"sent": 0, "echoed_whole": 0, "echoed_bad": 0, "lost": 0}
    for n in sorted(halves):
        d = os.path.join(w, "h%d" % n)
        fs += (load_json(os.path.join(d, "flows-send.json")) or {}).get("sent", 0)
        r = load_json(os.path.join(d, "flows-sink.json")) or {}
        fr += r.get("received", 0)
        fsrc += r.get("source_tuples", 0)
        for k, v in (load_json(os.path.join(d, "frag.json")) or {}).items():
            if k in fg:
                fg[k] += v
    print("  new NAT flows: %d sent (one new source port each), %d received from %d outside tuples" % (fs, fr, fsrc))
    print("  fragments (3000-byte UDP, echoed back): %d sent, %d came back whole, %d failed (lost or damaged)" % (
        fg["sent"], fg["echoed_whole"], fg["sent"] - fg["echoed_whole"]))

    # -- control plane
    batches = []
    try:
        with open(os.path.join(w, "churn.log")) as f:
            batches = [l.split() for l in f if len(l.split()) == 5]
    except OSError:
        pass
    # A batch's line: time, exit status (124: cut by the 5 s timeout), error
    # lines printed, seconds taken, changes in it.
    done = [b for b in batches if b[1] in ("0", "1")]
    sent = sum(int(b[4]) for b in batches)
    refused = sum(int(b[2]) for b in done)
    applied = sum(int(b[4]) - int(b[2]) for b in done)
    cut = len(batches) - len(done)
    slow = [b for b in batches if float(b[3]) > 1.0]
    dur = sum(e - s for s, e in halves.values()) or 1
    print("control:")
    print("  route churn: %d changes sent in %d batches, %d applied (%.0f/s over the load), "
          "%d refused, %d batches cut at 5 s, %d took over 1 s, slowest %.2f s" % (
              sent, len(batches), applied, applied / dur, refused, cut, len(slow),
              max([float(b[3]) for b in batches] or [0])))
    if refused:
        print("    (a dataplane restart takes the CLI's routes with it: the next batch's deletes are refused)")
    fl = get("flush")
    print("  NAT session flushes: %d of %d done, %d refused, %d got no answer in 10 s" % (
        sum(1 for f in fl if f[1] == "0"), len(fl), sum(1 for f in fl if f[1] not in ("0", "124")),
        sum(1 for f in fl if f[1] == "124")))
    st = {}
    for n in sorted(halves):
        for k, v in (load_json(os.path.join(w, "h%d" % n, "stuck.json")) or {}).items():
            st[k] = st.get(k, 0) + v if k != "clients" else v
    if st:
        print("  stuck clients: %s" % ", ".join("%s %s" % (k, v) for k, v in st.items()))

    # -- memory
    rss = {}
    for label, proc, kb in get("rss"):
        rss.setdefault(proc, {})[label] = kb
    table("RSS (kB; the dataplane and sluiced are new processes after their restarts):",
          ["start", "after restart", "end"],
          [[p, rss[p].get("start"), rss[p].get("mid"), rss[p].get("end")] for p in sorted(rss)])

    # -- every counter
    cols, snaps, links = [], [], []
    for label, title in (("prekill", "until the kill"), ("end", "restart to end")):
        s = load_json(os.path.join(w, "stats-%s.json" % label))
        l = load_json(os.path.join(w, "link-%s.json" % label))
        cols.append(title)
        snaps.append(None if s is None else dict(flatten(s)))
        links.append(None if l is None else link_counters(l))
    pk = f1.get("prekill_snapshot", ["none"])[0]
    table("sluice -j stats, every counter: the first dataplane's last snapshot (%s), the second's at the end:" % (
        "none answered" if pk == "none" or kill is None else "%.0f s before its kill" % (kill - float(pk))),
          cols, counter_rows(snaps))
    table("sluice -j link show (every port counter):", cols, counter_rows(links))

    print("verdict: %s" % ("PASS" if not fail else "FAIL: " + "; ".join(fail)))
    return 1 if fail else 0


def load_json_whole(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
