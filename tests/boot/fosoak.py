"""Failovers in a row (configs/failover-soak.dts, guests/fochain; docs/failover.md): shared by
`make soak` (tests/soak/soak.py, at least 50 switches) and tests/boot/test_failover_soak.py
(at least 5).

Under -icount shift=0,sleep=off: idle time costs nothing, so a switch (100 rounds of 10 ms,
then 200 ms to WS1: 1.2 s of virtual time) takes a few tens of ms of wall time and the
switches run on while the shell is used. Each primary counts 100 rounds into the mirror
and then stops feeding; its WS1 fences it (reset, rebirth) and promotes the other VM,
roles alternating. The run reads `mm` (free RAM, its ranges, translation-table pages) and
the switch count, waits until `want` more switches are done and reads `mm` again: equal
readings mean the switches in between leaked nothing. Then the whole log is checked:
every switch numbered in turn with the roles alternating, each promoted VM continuing
from exactly 100 x k with the moved region "buf" holding the same value, each fenced VM
reborn, and the RT VM `tick` (hello, 1 kHz, bind pCPU 0, first in the icount round robin)
reporting throughout with no tick missed (its own check: a handler one period or more
after its deadline)."""
import re

import rtv

MM_RE = (r"mm: free RAM (\d+) bytes in (\d+) ranges \(largest (\d+)\); translation tables "
         r"(\d+) of (\d+) pages\r")
COUNT_RE = r"failover 'cell': primary '\w' \(\w+\), backup '\w' \(\w+\), switches (\d+), "
SWITCH_RE = re.compile(r"rtvisor: failover 'cell': watchdog WS1: '(\w)' fenced, '(\w)' promoted "
                       r"\(switch (\d+)\)")
PROMOTED_RE = re.compile(r"fochain: vm(\d) promoted, counter (\d+), buf (\d+)")
TICK_RE = re.compile(r"ticks=(\d+) period_ns min=(\d+) avg=(\d+) max=(\d+) jitter_ns=(\d+) "
                     r"missed=(\d+)")
ROUNDS = 100


def shell(m, cmd, want):
    m.send(cmd + "\r")
    got = m.expect(want, timeout=30).groups()
    m.expect(r"rtvisor> ", timeout=30)
    return got


def run(m, want, timeout=300):
    """Let at least `want` switches happen between two `mm` readings on machine m (booted
    on failover-soak); a dict of what was seen."""
    m.expect(r"rtvisor: failover 'cell': primary 'a', backup 'b', rebirth\r", timeout=60)
    m.open_shell()
    before = shell(m, "mm", MM_RE)
    c0 = int(shell(m, "failover", COUNT_RE)[0])
    m.expect(r"rtvisor: failover 'cell': watchdog WS1: '\w' fenced, '\w' promoted "
             r"\(switch %d\)\r" % (c0 + want), timeout=timeout)
    after = shell(m, "mm", MM_RE)
    c1 = int(shell(m, "failover", COUNT_RE)[0])
    return {"count_before": c0, "count_after": c1, "mm_before": before, "mm_after": after,
            "log": open(m.log.name, errors="replace").read()}


def check_log(log):
    """The switches, promotions and ticks of the whole log: a dict, with a list `bad`."""
    bad = []
    sw = [(f, p, int(k)) for f, p, k in SWITCH_RE.findall(log)]
    for i, (f, p, k) in enumerate(sw, 1):
        want = ("a", "b") if i % 2 else ("b", "a")
        if k != i or (f, p) != want:
            bad.append("switch %d: '%s' -> '%s' numbered %d" % (i, f, p, k))
            break
    promoted = [l for l in rtv.lines_of(log, "a") + rtv.lines_of(log, "b")
                if PROMOTED_RE.search(l)]
    proms = sorted((int(c), int(vm), int(b)) for vm, c, b in
                   (PROMOTED_RE.search(l).groups() for l in promoted))
    for i, (c, vm, b) in enumerate(proms, 1):
        if c != ROUNDS * i or b != c or vm != i % 2:
            bad.append("promotion %d: vm%d counter %d buf %d" % (i, vm, c, b))
            break
    reborn = len(re.findall(r"fochain: vm\d backup \(reborn after its watchdog\), waiting", log))
    ticks = [tuple(int(x) for x in t.groups()) for l in rtv.lines_of(log, "tick")
             for t in [TICK_RE.search(l)] if t]
    missed = ticks[-1][5] if ticks else -1
    if missed != 0:
        bad.append("tick: %s ticks missed" % ("no report, so unknown" if missed < 0 else missed))
    # one report per 1000 ticks, 1.2 s of virtual time per switch
    if len(ticks) < len(sw):
        bad.append("tick reported %d times over %d switches" % (len(ticks), len(sw)))
    if "PANIC" in log or "abort injected" in log or "unhandled" in log:
        bad.append("PANIC, an injected abort or an unhandled access in the log")
    if reborn < len(sw) - 1:
        bad.append("%d switches but %d reborn backups" % (len(sw), reborn))
    return {"switches": len(sw), "promotions": len(proms), "reborn": reborn,
            "tick_reports": len(ticks), "ticks": ticks[-1][0] if ticks else 0,
            "missed": missed, "worst_period_ns": max((t[3] for t in ticks), default=0),
            "worst_jitter_ns": max((t[4] for t in ticks), default=0), "bad": bad}


def check(r, want):
    """run()'s result: the log's checks plus the leak and count checks."""
    c = check_log(r["log"])
    if r["count_after"] - r["count_before"] < want:
        c["bad"].append("only %d switches between the readings"
                        % (r["count_after"] - r["count_before"]))
    if r["mm_before"] != r["mm_after"]:
        c["bad"].append("mm changed: %s -> %s" % (r["mm_before"], r["mm_after"]))
    c.update({k: r[k] for k in ("count_before", "count_after", "mm_before", "mm_after")})
    return c
