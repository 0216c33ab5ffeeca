"""QEMU boot tests for the foundation: partitioned bare-metal VMs, isolation, PSCI, console."""
import re

import pytest

import rtv


@pytest.fixture(scope="module")
def demo_image():
    return rtv.scenario_image("demo")


def test_two_vms_tagged_with_timer_ticks(machine, demo_image):
    m = machine(demo_image, "demo-two-vms")
    m.expect(r"vm 'alpha': 2 vCPU\(s\) on pCPU 0 1")
    m.expect(r"vm 'beta': 1 vCPU\(s\) on pCPU 2")
    m.expect_all([r"\[alpha\] hello: boot cpu0 el1 psci 1\.0",
                  r"\[beta\] hello: boot cpu0 el1 psci 1\.0"])
    # Two ticks reports from each VM: both VMs take 1 kHz timer interrupts.
    m.expect_all([r"\[alpha\] hello: ticks=1000 ", r"\[beta\] hello: ticks=1000 ",
                  r"\[alpha\] hello: ticks=2000 ", r"\[beta\] hello: ticks=2000 "], timeout=90)
    text = m.read_for(1)
    for line in text.splitlines():
        line = line.strip()
        if "hello:" in line:
            assert re.match(r"^\[(alpha|beta)\] hello: ", line), "untagged guest line: %r" % line


def test_smp_guest_cpu_on_sgi_cpu_off(machine, demo_image):
    m = machine(demo_image, "demo-smp")
    m.expect_all([r"\[alpha\] hello: cpu1 up", r"\[alpha\] hello: cpu1 sgi 1",
                  r"\[alpha\] hello: cpu1 off", r"\[beta\] hello: single cpu \(cpu_on=-2\)"])


def test_console_focus_and_input(machine, demo_image):
    m = machine(demo_image, "demo-console")
    m.expect(r"\[beta\] hello: boot")
    m.expect(r"\[alpha\] hello: ticks=1000", timeout=90)
    m.focus(2)
    m.expect(r"console focus -> beta")
    m.send("p")
    m.expect(r"\[beta\] hello: pong")
    m.focus(1)
    m.expect(r"console focus -> alpha")
    m.send("p")
    m.expect(r"\[alpha\] hello: pong")
    m.send(rtv.ESCAPE + "h")
    m.expect(r"1 alpha running \(focus\)")


def test_system_reset_restarts_only_that_vm(machine, demo_image):
    m = machine(demo_image, "demo-reset")
    m.expect(r"\[alpha\] hello: ticks=1000", timeout=90)
    m.focus(2)
    m.expect(r"console focus -> beta")
    m.send("r")
    m.expect(r"\[beta\] hello: reset")
    m.expect(r"vm 'beta' restarted \(reset 1\)")
    m.expect(r"\[beta\] hello: boot cpu0 el1 psci 1\.0")
    # alpha was never reset and keeps counting past where it was
    text = m.read_for(4)
    assert "vm 'alpha' restarted" not in text
    assert rtv.ticks_reports(text, "alpha"), "alpha stopped reporting after beta's reset"
    assert rtv.ticks_reports(text, "beta"), "beta did not resume its timer after reset"


def test_reset_of_smp_vm(machine, demo_image):
    m = machine(demo_image, "demo-reset-smp")
    m.expect(r"\[alpha\] hello: cpu1 off")
    m.send("r")  # alpha has the focus at boot
    m.expect(r"vm 'alpha' restarted \(reset 1\)")
    m.expect_all([r"\[alpha\] hello: boot cpu0", r"\[alpha\] hello: cpu1 up",
                  r"\[alpha\] hello: cpu1 off"])


def test_system_off_stops_only_that_vm(machine, demo_image):
    m = machine(demo_image, "demo-off")
    m.expect(r"\[beta\] hello: ticks=1000", timeout=90)
    m.focus(2)
    m.expect(r"console focus -> beta")
    m.send("o")
    m.expect(r"\[beta\] hello: off")
    m.expect(r"vm 'beta' stopped: powered off \(PSCI SYSTEM_OFF\)")
    text = m.read_for(4)
    assert not rtv.ticks_reports(text, "beta"), "beta still running after SYSTEM_OFF"
    assert rtv.ticks_reports(text, "alpha"), "alpha stopped when beta powered off"
    m.send(rtv.ESCAPE + "h")
    m.expect(r"2 beta stopped")


PROBES = [("other-vm", "read", "0x50000000"), ("hypervisor", "read", "0x40200000"),
          ("hypervisor-write", "write", "0x40200000"), ("device", "read", "0x9030000")]


def test_intruder_refused_abort_injected_other_vm_runs(machine):
    m = machine(rtv.scenario_image("isolation"), "isolation-inject")
    for name, kind, addr in PROBES:
        m.expect(r"\[intruder\] intruder: probe %s " % re.escape(name))
        m.expect(r"vm 'intruder' vcpu 0: forbidden %s at IPA %s \(pc 0x[0-9a-f]+, esr 0x[0-9a-f]+\): "
                 r"abort injected" % (kind, addr))
        m.expect(r"\[intruder\] intruder: %s refused esr=0x" % re.escape(name))
    m.expect(r"\[intruder\] intruder: gic-garbage done")
    m.expect(r"\[intruder\] intruder: uart-garbage done")
    m.expect(r"forbidden exec at IPA 0x50000000 .*abort injected")
    m.expect(r"\[intruder\] intruder: exec refused")
    ids = m.expect(r"intruder: id pfr0=0x([0-9a-f]+) dfr0=0x([0-9a-f]+) mmfr0=0x([0-9a-f]+)\s")
    pfr0, dfr0, mmfr0 = (int(x, 16) for x in ids.groups())
    # the documented virtual CPU (docs/architecture.md, The virtual CPU): no EL2, EL3 = AArch64
    assert (pfr0 >> 8) & 0xf == 0, "EL2 visible to the guest: pfr0=%x" % pfr0
    assert (pfr0 >> 12) & 0xf == 1, "EL3 not shown as implemented: pfr0=%x" % pfr0
    assert pfr0 & 0xff == 0x11, "EL0/EL1 not AArch64-only (issue 19): pfr0=%x" % pfr0
    assert (dfr0 >> 8) & 0xf == 0, "PMU advertised to the guest: dfr0=%x" % dfr0
    assert mmfr0 & 0xf <= 2, "PA range larger than the 40-bit IPA space: mmfr0=%x" % mmfr0
    m.expect(r"\[intruder\] intruder: pmu refused esr=0x0?2")   # undefined instruction
    m.expect(r"\[intruder\] intruder: done")
    text = m.read_for(4)
    assert "LEAK" not in text
    assert rtv.ticks_reports(text, "rt"), "rt VM stopped while the intruder misbehaved"
    assert "intruder: alive" in text
    assert "PANIC" not in text


def test_intruder_stopped_other_vm_runs(machine):
    m = machine(rtv.scenario_image("isolation-stop"), "isolation-stop")
    m.expect(r"vm 'intruder' vcpu 0: forbidden read at IPA 0x50000000 .*: VM stopped")
    m.expect(r"vm 'intruder' stopped: guest fault")
    text = m.read_for(4)
    assert "intruder: other-vm LEAK" not in text and "intruder: alive" not in text
    assert len(rtv.ticks_reports(text, "rt")) >= 1


def test_crash_snapshot_of_stopped_intruder(machine):
    """The fault policy stopped a `debug;` VM: `crash` shows the fault, the vCPU's registers
    at that moment and its last console lines; a VM without `debug;` is refused."""
    m = machine(rtv.scenario_image("isolation-stop"), "isolation-crash")
    m.expect(r"vm 'intruder' stopped: guest fault")
    m.open_shell()
    m.p.send("crash intruder\r")
    m.p.expect(r"rtvisor> ", timeout=30)
    out = m.p.before
    assert re.search(r"vm 'intruder' vcpu 0: stopped by the fault policy, \d+ ms ago: read at "
                     r"0x50000000 \(esr 0x9\w+, pc 0x6008\w+\)", out), out
    assert re.search(r"x0\s+[0-9a-f]{16}", out) and "sctlr_el1" in out, out
    assert re.search(r"\|\s+intruder: ", out), out       # its console before the fault
    assert m.sh("crash rt", r"error: vm 'rt' is not debuggable")


def test_shell_vm_life_cycle(machine, demo_image):
    m = machine(demo_image, "demo-shell")
    m.expect(r"\[beta\] hello: ticks=1000", timeout=90)
    m.open_shell()
    sh = m.sh
    sh("vm stop beta", r"vm 'beta' stopped: stopped from the shell")
    sh("vm list", r"2\s+beta\s+stopped")
    sh("vm stop beta", r"error: vm 'beta' is stopped")
    sh("vm start alpha", r"error: vm 'alpha' is running, not stopped")
    sh("vm start beta", r"vm 'beta' started")   # its boot line may come before or after this
    m.expect(r"\[beta\] hello: ticks=1000 ", timeout=60)
    sh("vm pause beta", r"vm 'beta' paused")
    assert not rtv.ticks_reports(m.read_for(2.5), "beta"), "a paused VM kept running"
    sh("vm resume beta", r"vm 'beta' resumed")
    m.expect(r"\[beta\] hello: ticks=", timeout=30)
    # the restart is done by alpha's pCPU and may be printed before or after the prompt
    m.send("vm reset 1\r")
    m.expect_all([r"vm 'alpha' resetting", r"vm 'alpha' restarted \(reset 1\)", r"rtvisor> "])
    m.expect(r"\[alpha\] hello: cpu1 off")
    sh("vm info beta", r"vcpu 0: pcpu 2 ")
    sh("log beta", r"--- console log of vm 'beta'")
    sh("vm frobnicate beta", r"error: 'vm' needs a subcommand")
