"""QEMU boot tests for the hybrid scheduler (configs/sched.dts): weighted shares in a dynamic
pool, a tickless bind pCPU, idle-vCPU load accounting, and runtime pool/weight/pin changes."""
import re

import pytest

import rtv

SPIN = re.compile(r"\[(\w+)\] spin: t=(\d+) count=(\d+) mode=(\w+)")


def rates(text, names):
    """Loops per second of each spin VM over the reports in text (first to last)."""
    seen = {n: [] for n in names}
    for vm, t, count, _ in SPIN.findall(text):
        if vm in seen:
            seen[vm].append((int(t), int(count)))
    out = {}
    for n, pts in seen.items():
        assert len(pts) >= 3, "too few progress reports from %s: %r" % (n, pts)
        (t0, c0), (t1, c1) = pts[0], pts[-1]
        out[n] = (c1 - c0) / (t1 - t0)
    return out


def shell(m, cmd):
    """Run one shell command; return its output."""
    m.send(cmd + "\r")
    m.expect(r"rtvisor> ")
    return m.p.before


@pytest.fixture
def sched(machine):
    m = machine(rtv.scenario_image("sched"), "sched")
    m.expect_all([r"\[s1\] spin: t=2 ", r"\[s2\] spin: t=2 ", r"\[s3\] spin: t=2 "], timeout=90)
    m.send(rtv.ESCAPE + "s")
    m.expect(r"rtvisor> ")
    return m


RUN_MS = re.compile(r"vcpu 0: pcpu (\d+) \w+ .*? run (\d+) ms")


def run_ms(m, names):
    """Each VM's vCPU 0: (its pCPU, ms it has run so far), from the shell's vm info."""
    out = {}
    for n in names:
        got = RUN_MS.search(shell(m, "vm info " + n))
        assert got, "no vCPU 0 line in vm info %s" % n
        out[n] = (int(got.group(1)), int(got.group(2)))
    return out


def shares(m, names, seconds=6):
    """Over a window: each VM's share (%) of the run time the scheduler gave the VMs, the ms
    each ran, and their pCPUs. Run time is the scheduler's own accounting in counter time;
    the spin loops' rates (which must all progress) are not used for shares, since the
    host serves QEMU's threads unequally (2 host cores, builds alongside)."""
    before = run_ms(m, names)
    r = rates(m.read_for(seconds), names)
    after = run_ms(m, names)
    assert all(v > 0 for v in r.values()), r
    ran = {n: after[n][1] - before[n][1] for n in names}
    total = sum(ran.values())
    assert total > 0, ran
    return ({n: 100.0 * v / total for n, v in ran.items()}, ran,
            {n: after[n][0] for n in names})


def assert_near(got, want, tol=5.0):
    for n, w in want.items():
        assert abs(got[n] - w) <= tol, "share of %s is %.1f%%, want %.0f%% +-%.0f: %r" % (
            n, got[n], w, tol, got)


def test_weighted_shares_in_dynamic_pool(sched):
    got, _, _ = shares(sched, ["s1", "s2", "s3"])
    assert_near(got, {"s1": 25, "s2": 25, "s3": 50})


def test_bind_pcpu_is_tickless(sched):
    sched.expect(r"\[rt\] hello: ticks=5000 ", timeout=120)  # >= 5 s of guest time
    row = rtv.stats(shell(sched, "stats"))[2]
    assert row["tick"] == 0 and row["sched"] == 0, row
    assert row["irq-hyp"] == 0 and row["irq-dev"] == 0, row   # nothing but its own work
    assert row["irq-timer"] >= 5000, row


def test_load_idle_and_spinning(sched):
    sched.focus(1)              # monitor: switch it to WFI idling
    sched.send("i")
    sched.expect(r"\[monitor\] spin: mode idle")
    sched.read_for(3)
    sched.send(rtv.ESCAPE + "s")
    sched.expect(r"rtvisor> ")
    shell(sched, "load 1000")
    sched.read_for(2.5)
    out = shell(sched, "load")
    load = {int(c): float(v) for c, v in re.findall(r"cpu(\d): ([\d.]+)%", out)}
    assert load[0] <= 5.0, load      # idle VM
    assert load[1] >= 95.0, load     # three spinning VMs
    sched.focus(1)                   # the same figures through the hypercall
    sched.send("l")
    sched.expect(r"\[monitor\] spin: load cpu3=-?\d+")
    got = dict(re.findall(r"\[monitor\] spin: load cpu(\d)=(-?\d+)", sched.p.before + sched.p.after))
    assert int(got["0"]) <= 50 and int(got["1"]) >= 950, got
    sched.focus(3)                   # s1 is not privileged: refused
    sched.send("l")
    sched.expect(r"\[s1\] spin: load cpu0=-3")


def test_runtime_changes_take_effect_and_bad_ones_are_refused(sched):
    assert "weight 1 priority 0" in shell(sched, "vm weight s3 1")
    got, _, _ = shares(sched, ["s1", "s2", "s3"])
    assert_near(got, {"s1": 33.3, "s2": 33.3, "s3": 33.3})

    assert "is in pool 'rt'" in shell(sched, "vcpu pin s1 0 3")   # not in s1's pool yet
    assert "cpu3 moved to pool 'dyn'" in shell(sched, "pool move 3 dyn")
    assert "pool 'dyn' dynamic cpus 0xa" in shell(sched, "pool list")
    assert "pinned to pCPU 3" in shell(sched, "vcpu pin s1 0 3")
    _, ran, pcpu = shares(sched, ["s1", "s2", "s3"])
    assert pcpu == {"s1": 3, "s2": 1, "s3": 1}, pcpu
    # Alone on pCPU 3 vs half of pCPU 1. The scheduler's run time, not the spin loops' rate:
    # the loops of two pCPUs run on two QEMU threads the host may serve unequally.
    assert ran["s1"] > 1.6 * ran["s2"] and ran["s2"] > 0, ran

    assert "has no other pCPU in pool 'dyn'" in shell(sched, "pool move 3 rt")
    shell(sched, "vcpu unpin s1 0")
    assert "cpu3 moved to pool 'rt'" in shell(sched, "pool move 3 rt")
    assert "pool 'rt' bind cpus 0xd" in shell(sched, "pool list")
    got, _, _ = shares(sched, ["s1", "s2", "s3"])
    assert_near(got, {"s1": 33.3, "s2": 33.3, "s3": 33.3})

    assert "runs vm 'rt' vCPU 0 in bind pool 'rt'" in shell(sched, "pool move 2 dyn")
    assert "apply to dynamic pools" in shell(sched, "vm weight rt 2")
    assert "is in pool 'rt'" in shell(sched, "vcpu pin s1 0 2")
    assert "out of range" in shell(sched, "vm weight s1 0")
    assert "no pool 'nope'" in shell(sched, "pool move 1 nope")
    assert "usage: vcpu pin" in shell(sched, "vcpu pin s1")


def test_management_hypercalls_from_privileged_vm(sched):
    sched.focus(1)                   # monitor is privileged
    sched.send("m")
    sched.expect(r"\[monitor\] spin: hc bad_weight=(-?\d+)\s")
    text = sched.p.before + sched.p.after
    got = dict(re.findall(r"\[monitor\] spin: hc (\w+)=(-?\d+)", text))
    assert got == {"pool_move": "0", "pin": "0", "weight": "0", "bad_weight": "-2"}, got
    assert "management call refused: weight 0 out of range" in text
    sched.send(rtv.ESCAPE + "s")
    sched.expect(r"rtvisor> ")
    out = shell(sched, "vm info s1")
    assert "pcpu 3" in out and "affinity 0x8" in out, out
    assert "weight 1 prio 0" in shell(sched, "vm info s3")
    assert "pool 'dyn' dynamic cpus 0xa" in shell(sched, "pool list")
    sched.focus(3)                   # s1 is not privileged
    sched.send("m")
    sched.expect(r"\[s1\] spin: hc bad_weight=-3")


def test_management_hypercalls_check_all_64_bits(sched):
    """Arguments valid only in their low 32 bits (weight 0x100000005, pCPU 0x100000001,
    pCPU 0x80000000 = -1 as s32...) must be refused, not narrowed and then accepted."""
    sched.focus(1)                   # monitor is privileged
    sched.send("n")
    sched.expect(r"\[monitor\] spin: hc load_hi=(-?\d+)\s")
    text = sched.p.before + sched.p.after
    got = dict(re.findall(r"\[monitor\] spin: hc (\w+)=(-?\d+)", text))
    names = ["weight_hi", "prio_hi", "pin_hi", "pin_neg32", "pin_vcpu_hi", "move_hi",
             "move_pool_hi", "load_hi"]
    assert got == {n: "-2" for n in names}, got
    sched.send(rtv.ESCAPE + "s")
    sched.expect(r"rtvisor> ")
    assert "weight 2 prio" in shell(sched, "vm info s3")
    assert "pool 'rt' bind cpus 0xd" in shell(sched, "pool list")
    out = shell(sched, "vm info s1")
    assert "affinity 0x2" in out, out
    # the shell's pCPU argument: 2^31 is a pCPU that does not exist, not "unpin"
    assert "pCPU 2147483648 does not exist" in shell(sched, "vcpu pin s1 0 2147483648")


def test_mdscr_survives_switch_out(sched):
    """s1 shares pCPU 1 with s2 and s3: its trapped MDSCR_EL1 write must survive the
    switches during 100 ms of running (issue 19)."""
    sched.focus(3)                   # s1
    sched.send("d")
    sched.expect(r"\[s1\] spin: mdscr=([0-9a-f]+)\s")
    assert sched.p.match.group(1) == "1000"
