"""QEMU boot tests for the console path: the housekeeping pCPU, a console flood and a
fault loop next to a real-time VM, rate-limited fault reports, the shell under load."""
import re

import pytest

import rtv


@pytest.fixture(scope="module")
def flood_image():
    return rtv.scenario_image("console-flood")


def test_flood_and_fault_loop_beside_rt_vm(machine, flood_image):
    m = machine(flood_image, "console-flood")
    m.expect(r"console: housekeeping on pCPU 3")
    m.expect(r"\[noisy\] noisy: start forbidden=0x7f000000 tick_hz=20000")
    m.expect(r"vm 'noisy': 16 faults reported; further ones are summarised every 1000 ms")
    m.expect_all([r"vm 'noisy': \d+ more faults not reported \(\d+ in all\)",
                  r"\[rt\] hello: ticks=1000 "], timeout=60)
    text = m.read_for(6)
    # the flood goes on, whole lines, and the RT VM's timer reports keep coming, exact
    noisy = [l for l in rtv.lines_of(text, "noisy") if l.startswith("noisy: line=")]
    assert len(noisy) > 100, "the noisy VM did not flood"
    assert all(re.match(r"noisy: line=\d+ refused=\d+ [a-z0-9]{36}$", l) for l in noisy[:-1])
    reports = rtv.ticks_reports(text, "rt")
    assert len(set(r[0] for r in reports)) >= 3, "the RT VM's reports stopped under the flood"
    # rt has the input focus: its unfinished line is redrawn below a noisy line, so a
    # report may show twice (cut, then whole)
    ticks = sorted(set(r[0] for r in reports))
    assert all(b - a == 1000 for a, b in zip(ticks, ticks[1:])), ticks
    # rate limit: no full fault report after the burst, at most a summary a second
    assert "forbidden read" not in text
    assert len(re.findall(r"more faults not reported", text)) <= 8


def test_shell_under_flood(machine, flood_image):
    m = machine(flood_image, "console-flood-shell")
    m.expect(r"vm 'noisy': \d+ more faults not reported", timeout=60)
    m.open_shell()
    m.send("log noisy\r")
    dump = m.expect(r"--- console log of vm 'noisy' \((\d+) bytes\) ---")
    # 16 KiB, less what the flood overwrote while it was copied
    assert 16000 <= int(dump.group(1)) <= 16384
    m.expect(r"--- end ---")
    m.expect(r"rtvisor> ")
    info = m.sh("vm info noisy", r"faults (\d+) \(reported in full (\d+), summarised (\d+)\)")
    total, full, summarised = (int(x) for x in info.groups())
    assert full == 16 and total > 16 and summarised == total - full
    stats = m.sh("stats", r"noisy\s+(\d+)\s+(\d+)(?=\D)")
    assert int(stats.group(1)) >= total and int(stats.group(2)) == 16
    m.sh("vm stop noisy", r"vm 'noisy' stopped: stopped from the shell")
    text = m.read_for(3)
    assert "noisy: line=" not in text.split("rtvisor> ")[-1]
    assert rtv.ticks_reports(text, "rt"), "the RT VM stopped"


def test_every_pcpu_bound_falls_back_to_pcpu0(machine):
    # demo: alpha on pCPUs 0-1, beta on pCPU 2; with 3 pCPUs none is free
    m = machine(rtv.scenario_image("demo"), "console-fallback", smp=3)
    m.expect(r"every pCPU runs a bound vCPU; pCPU 0 also drives the console and the shell")
    m.expect(r"\[beta\] hello: ticks=1000 ", timeout=90)
    m.open_shell()
    m.sh("vm list", r"2\s+beta\s+running")


def test_housekeeping_on_free_pcpu(machine):
    m = machine(rtv.scenario_image("demo"), "console-free-pcpu")
    m.expect(r"console: housekeeping on pCPU 3")


def test_housekeeping_leaves_a_pinned_bind_vcpu(machine):
    """A bind vCPU pinned onto the housekeeping pCPU: the housekeeping moves to the pCPU it
    left (sched_pin -> hk_elect_bind_move), so no bind pCPU runs a vCPU and the console too;
    the shell and the moved VM go on (two more of its 1000-tick reports after the move)."""
    m = machine(rtv.scenario_image("demo"), "console-pin-onto-hk")
    m.expect(r"console: housekeeping on pCPU 3\r")
    m.expect(r"\[beta\] hello: ticks=1000 ")
    m.open_shell()
    m.send("vcpu pin beta 0 3\r")
    m.expect_all([r"rtvisor: console: housekeeping on pCPU 2\r",
                  r"vm 'beta' vcpu 0 pinned to pCPU 3\r"], timeout=30)
    m.expect(r"rtvisor> ")
    m.sh("vm info beta", r"vcpu 0: pcpu 3 ")
    m.sh("pool list", r"cpu3: pool 'rt', vCPUs: beta/0 ")
    m.log.flush()
    before = re.findall(r"\[beta\] hello: ticks=(\d+) ", open(m.log.name, errors="replace").read())
    want = int(before[-1]) + 2000
    m.send(rtv.ESCAPE + "2")
    m.expect(r"\[beta\] hello: ticks=%d " % want, timeout=60)
    m.open_shell()
    m.sh("vm list", r"2\s+beta\s+running")
