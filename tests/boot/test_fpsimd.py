"""QEMU boot test: FP/SIMD state (V0-V31, FPSR, FPCR) survives vCPU switches on a shared
pCPU (configs/fpcheck.dts, guests/fpcheck). fp0 and fp1 share pCPU 1 with a 200 us slice;
fp2 runs alone on bind pCPU 2 as the control."""
import re
import time

import pytest

import rtv

SHARED = ("fp0", "fp1")
ROUNDS = 5000           # per shared VM; about 1/2 of the rounds span a switch
# the line end too: pexpect matches what has arrived so far, "switched=26" of "switched=2604"
PROGRESS = re.compile(r"\[(fp\d)\] fpcheck \d+: round (\d+) ok switched=(\d+)\r")
BAD = re.compile(r"MISMATCH|FAILED|exception:|PANIC|stopped:")


def bad_lines(text):
    return "\n".join(l.strip() for l in text.splitlines() if BAD.search(l))


def watch(m, timeout=30):
    """Read progress until every shared VM reached ROUNDS: {vm: (round, switched)}.
    Fails on the first mismatch (or guest exception, or stopped VM) with its lines."""
    last = {}
    end = time.monotonic() + timeout
    while min(last.get(vm, (0, 0))[0] for vm in SHARED) < ROUNDS:
        left = end - time.monotonic()
        if left <= 0:
            pytest.fail("too few rounds within %d s: %r" % (timeout, last))
        if m.p.expect([PROGRESS, BAD], timeout=left) == 1:
            text = m.p.before[-300:] + m.p.after + m.read_for(1)
            pytest.fail("FP/SIMD state not kept across switches:\n" + bad_lines(text))
        vm, n, switched = m.p.match.groups()
        last[vm] = (int(n), int(switched))
    return last


def stats(m):
    """The shell's `stats`: the per-pCPU table, and the text of the guest-fault lines."""
    m.open_shell()
    m.send("stats\r")
    m.expect(r"guest faults by VM")
    table = rtv.stats(m.p.before)
    m.expect(r"rtvisor> ")
    return table, m.p.before


def test_fpsimd_survives_vcpu_switches(machine):
    m = machine(rtv.scenario_image("fpcheck"), "fpcheck")
    # The shell takes the input focus: fp0's lines are then printed whole. With the focus a
    # VM's line is shown as it comes, and another VM's line cuts it ("switched=322" of
    # 3223, then redrawn), which read as a real count failed the test in fresh-check.
    m.expect_all([r"\[fp%d\] fpcheck %d: start" % (i, i) for i in range(3)])
    m.open_shell()
    last = watch(m)
    for vm in SHARED:
        # rounds whose registers went through fpsimd_save/fpsimd_restore
        assert last[vm][1] >= ROUNDS // 10, "%s: too few switched rounds: %r" % (vm, last)
    m.expect(r"\[fp2\] fpcheck 2: round \d+ ok switched=(\d+)\r")
    assert m.p.match.group(1) == "0", "the control VM on a bind pCPU saw switches"
    table, faults = stats(m)
    # every switched round of a VM holds a switch away from it and one back to it
    assert table[1]["sched"] >= 2 * max(s for _, s in last.values()), (table[1], last)
    assert table[2]["sched"] == 0, table[2]
    assert not re.search(r"fp\d\s+[1-9]", faults), faults
    text = m.read_for(0.5)
    assert not BAD.search(text), bad_lines(text)
