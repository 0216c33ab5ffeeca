"""Capacity limits (src/core/inc/rtv_limits.h): a scenario with every capacity at its limit
boots and all its VMs run; a VM of an accepted scenario that still cannot be created at boot
is reported and left stopped, and the others run. (Scenarios over a limit are refused as a
whole, by the host tool and at boot: configs/invalid/, test_invalid_scenarios.py.)"""
import rtv

MAX_VMS = ["max", "wide", "h2", "h3", "h4", "h5", "h6", "h7"]


def shell(m):
    """Open the management shell; return a function that runs one command and waits for want."""
    m.open_shell()
    return m.sh


def test_every_limit_at_once_boots(machine):
    m = machine(rtv.scenario_image("limits-max"), "limits-max")
    m.expect(r"rtvisor: scenario: 8 VMs", timeout=30)
    m.expect(r"rtvisor: vm 'max': 8 vCPU\(s\) on pCPU 0 0 0 0 0 0 0 0,")
    # every VM runs its guest; the two 8-vCPU VMs also bring up a second vCPU
    m.expect_all([r"\[%s\] hello: boot cpu0 el1 psci 1\.0" % vm for vm in MAX_VMS] +
                 [r"\[max\] hello: cpu1 sgi 1", r"\[wide\] hello: cpu1 sgi 1"], timeout=90)
    m.expect_all([r"\[max\] hello: ticks=1000 ", r"\[h7\] hello: ticks=1000 "], timeout=90)
    sh = shell(m)
    sh("vm list", r"1\s+max\s+running\s+dyn\s+8")
    sh("vm info max", r"device dev7: 0xc007000 size 0x1000 irqs 285 286 287")
    text = m.read_for(1)
    assert "creation failed" not in text and "PANIC" not in text


def test_vm_that_cannot_be_created_is_left_stopped(machine):
    # Accepted by rtvisor-check (built without SKIP_CHECK): 'big' needs 1 GiB of contiguous
    # RAM that the fixed region of 'fixed' leaves nowhere at boot.
    m = machine(rtv.scenario_image("limits-fragmented"), "limits-fragmented")
    m.expect(r"rtvisor: vm 'big': creation failed: memory@40000000: no free 0x40000000 bytes "
             r"of RAM; left stopped", timeout=30)
    m.expect(r"rtvisor: vm 'other': 1 vCPU\(s\) on pCPU 2")
    m.expect_all([r"\[fixed\] hello: ticks=1000 ", r"\[other\] hello: ticks=1000 "], timeout=90)
    sh = shell(m)
    sh("vm list", r"2\s+big\s+failed\s+rt\s+1")
    sh("vm info big", r"creation failed: memory@40000000: no free 0x40000000 bytes of RAM")
    sh("vm start big", r"error: vm 'big' was not created \(memory@40000000: no free "
                       r"0x40000000 bytes of RAM\); it cannot start")
    sh("vm reset big", r"error: vm 'big' is failed")
    sh("vm stop big", r"error: vm 'big' is failed")
    sh("vm pause big", r"error: vm 'big' is failed, not running")
    sh("vm list", r"1\s+fixed\s+running")
    m.send(rtv.ESCAPE + "1")
    m.expect_all([r"\[fixed\] hello: ticks=", r"\[other\] hello: ticks="], timeout=30)
    text = m.read_for(2)
    assert "[big]" not in text and "PANIC" not in text and "no VM started" not in text
