"""Exit-less mode (docs/architecture.md "Exit-less mode", configs/exitless.dts): 'xl' (pCPU 2,
owns the QEMU edu at 00:04.0, fault-policy inject) and 'xs' (pCPU 3, fault-policy stop) run
guests/xlprobe exit-less; 'beta' (pCPU 1) runs hello the ordinary way. The exit-less guests'
timer and edu interrupts reach them without EL2 entries; stop, reset, SYSTEM_RESET and the
fault policy act on them alone; a hostile one disturbs nobody and can still be stopped."""
import re

import pytest

import rtv

XL_PCPU = 2
XL, XS = 2, 3            # 1-based console indexes (scenario order: beta, xl, xs)
QUIET_CAUSES = ("irq-timer", "irq-dev", "irq-hyp", "iabt", "sysreg", "hvc", "smc", "wfx",
                "other", "tick", "sched")


@pytest.fixture(scope="module")
def image():
    return rtv.scenario_image("exitless")


@pytest.fixture
def xl(machine, image, request):
    m = machine(image, "exitless-" + request.node.name[5:], extra=["-device", "edu,addr=4.0"])
    m.expect_all([r"\[xl\] xl: ticks=1000 ", r"\[xs\] xl: ticks=1000 ",
                  r"\[beta\] hello: ticks=1000 "], timeout=90)
    return m


def shell(m, cmd):
    m.send(cmd + "\r")
    m.expect(r"rtvisor> ")
    return m.p.before


def pong(m, vm_index):
    """The exit-less guest polls its UART every 100 ticks: its tick count, read from it."""
    m.focus(vm_index)
    m.send("p")
    return int(m.expect(r"xl: pong ticks=(\d+)\r")[1])


def test_timer_and_edu_without_el2_entries(xl):
    m = xl
    m.focus(XL)
    m.send("e")
    m.expect(r"\[xl\] xl: edu intid=35\r")
    m.expect(r"\[xl\] xl: edu irqs=1\r")
    m.send("q")
    m.expect(r"\[xl\] xl: quiet\r")
    t0 = pong(m, XL)
    m.open_shell()
    before = rtv.stats(shell(m, "stats"))[XL_PCPU]
    m.read_for(5)
    after = rtv.stats(shell(m, "stats"))[XL_PCPU]
    t1 = pong(m, XL)
    assert t1 - t0 >= 4000, (t0, t1)            # >= 4 s of 1 kHz ticks in the window
    delta = {k: after[k] - before[k] for k in after}
    for cause in QUIET_CAUSES:
        assert delta[cause] == 0, (cause, delta)
    # the only EL2 entries: its UART polls (one FIFO status read every 100 ticks)
    assert 1 <= delta["dabt"] <= (t1 - t0) // 100 + 1, (delta, t0, t1)


def test_stop_start_reset_system_reset(xl):
    m = xl
    m.open_shell()
    m.sh("vm pause xl", r"error: vm 'xl' is exit-less: it cannot be paused")
    m.sh("vm stop xl", r"vm 'xl' stopped: stopped from the shell")
    assert not rtv.lines_of(m.read_for(2.5), "xl"), "a stopped exit-less VM kept running"
    # the VM's first line may come before the shell's confirmation (it runs at once)
    m.send("vm start xl\r")
    m.expect_all([r"vm 'xl' started", r"\[xl\] xl: boot cpu0 el1\r"])
    m.expect(r"\[xl\] xl: ticks=1000 ", timeout=60)
    m.send("vm reset xl\r")   # the restart is reported after the prompt
    m.expect(r"vm 'xl' restarted \(reset 1\)")
    m.expect(r"\[xl\] xl: ticks=1000 ", timeout=60)
    m.focus(XL)
    m.send("r")
    m.expect(r"vm 'xl' restarted \(reset 2\)")
    m.expect(r"\[xl\] xl: boot cpu0 el1\r")
    m.expect_all([r"\[xl\] xl: ticks=2000 ", r"\[beta\] hello: ticks=\d+000 ",
                  r"\[xs\] xl: ticks=\d+000 "], timeout=60)
    text = m.read_for(1)
    assert "restarted" not in text.replace("vm 'xl' restarted", "")


def test_fault_policy_stops_only_it(xl):
    m = xl
    m.focus(XS)
    m.send("f")
    m.expect(r"vm 'xs' vcpu 0: forbidden read at IPA 0x1000 .*VM stopped")
    m.expect(r"vm 'xs' stopped: guest fault")
    text = m.read_for(2.5)
    assert not rtv.lines_of(text, "xs"), "a stopped exit-less VM kept running"
    assert rtv.lines_of(text, "xl") and rtv.lines_of(text, "beta")
    m.open_shell()
    m.sh("vm start xs", r"vm 'xs' started")
    m.expect(r"\[xs\] xl: ticks=1000 ", timeout=60)


def test_hostile_guest_disturbs_nobody_and_stops(xl):
    m = xl
    m.focus(XL)
    m.send("h")
    m.expect(r"\[xl\] xl: hostile done \((\d+) refused\), masking for ever\r", timeout=60)
    # everyone else keeps its ticks, the shell answers, the hostile VM can be stopped
    m.expect_all([r"\[beta\] hello: ticks=\d+000 ", r"\[xs\] xl: ticks=\d+000 "], timeout=30)
    m.expect_all([r"\[beta\] hello: ticks=\d+000 ", r"\[xs\] xl: ticks=\d+000 "], timeout=30)
    m.open_shell()
    m.sh("vm stop xl", r"vm 'xl' stopped: stopped from the shell")
    m.sh("vm start xl", r"vm 'xl' started")
    m.expect(r"\[xl\] xl: ticks=1000 ", timeout=60)
    ticks = [int(t) for t in re.findall(r"\[beta\] hello: ticks=(\d+) ", m.read_for(2.5))]
    assert ticks, "beta stopped ticking"


def test_raised_running_priority_is_taken_back(xl):
    """The hole: an active priority of 0 in ICC_AP1R0_EL1 keeps even the kick FIQ out; the
    backstop takes the VM's RAM out of stage 2 and its next fetch brings the pCPU back."""
    m = xl
    m.focus(XL)
    m.send("a")
    m.expect(r"\[xl\] xl: active priority 0, masking for ever\r")
    m.open_shell()
    m.send("vm stop xl\r")
    m.expect(r"vm 'xl' stopped: stopped from the shell")
    m.expect(r"vm 'xl': no answer to the kick in 10 ms: its RAM leaves stage 2")
    m.expect(r"rtvisor> ")
    m.sh("vm list", r"2\s+xl\s+stopped")
    m.sh("vm start xl", r"vm 'xl' started")
    m.expect(r"\[xl\] xl: ticks=1000 ", timeout=60)
    m.expect_all([r"\[beta\] hello: ticks=\d+000 ", r"\[xs\] xl: ticks=\d+000 "], timeout=30)
