"""Inspecting a running Linux VM from the shell (configs/debug.dts, docs/debugging.md).

The shell stops the VM for one snapshot per command; the values must agree with each
other (the PC's page-table walk lands on the bytes `mem` shows, which are the kernel
image's own) and the VM must run on afterwards. A VM without `debug;` is refused.
"""
import re

import pytest

import rtv
from test_linux import PROMPT, run

KERNEL_IPA = 0x40200000


@pytest.fixture(scope="module")
def linux():
    """One boot for the module: the tests inspect the same running machine."""
    rtv.make("linux-images")
    m = rtv.Machine(rtv.scenario_image("debug"), "debug")
    try:
        m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
        m.expect(PROMPT, timeout=60)
        m.open_shell()
        yield m
    finally:
        m.close()


def shell(m, cmd, timeout=30):
    """One shell command's output (up to the next prompt), tags and CRs removed."""
    m.p.send(cmd + "\r")
    m.p.expect(r"rtvisor> ", timeout=timeout)
    return m.p.before.replace("\r", "")


def hex_bytes(out):
    return "".join(re.findall(r"^[0-9a-f]{16}:((?: [0-9a-f]{2})+)", out, re.M)).split()


def test_regs_walk_and_mem_agree(linux):
    regs = shell(linux, "regs linux 0")
    pc = int(re.search(r"\bpc\s+([0-9a-f]{16})", regs).group(1), 16)
    assert re.search(r"pstate [0-9a-f]+\s+EL1h", regs), regs
    walk = shell(linux, "walk linux %x" % pc)
    assert re.search(r"s1 L\d \[\s*\d+\] IPA [0-9a-f]+: [0-9a-f]+ table", walk), walk
    ipa = int(re.search(r"-> IPA ([0-9a-f]{16})", walk).group(1), 16)
    pa = int(re.search(r"-> PA  ([0-9a-f]{16})", walk).group(1), 16)
    by_va = hex_bytes(shell(linux, "mem linux va %x 16" % pc))
    by_ipa = hex_bytes(shell(linux, "mem linux ipa %x 16" % ipa))
    assert len(by_va) == 16 and by_va == by_ipa, (by_va, by_ipa)
    image = open("build/linux/cloud/Image", "rb").read()
    off = ipa - KERNEL_IPA
    assert 0 <= off < len(image), hex(ipa)          # the PC is in the kernel's text
    assert pa != 0 and (pa & 0xfff) == (ipa & 0xfff)
    assert bytes(int(b, 16) for b in by_va[:4]) == image[off:off + 4], (hex(pc), hex(ipa))


def test_sysregs_and_gic(linux):
    sysregs = shell(linux, "sysregs linux 1")
    assert "mmu on, dcache on, icache on" in sysregs, sysregs
    assert re.search(r"ttbr1_el1 [0-9a-f]{16}", sysregs), sysregs
    gic = shell(linux, "gic linux")
    assert re.search(r"^\s+27\s+vcpu0\s+prio \w\w grp1 enabled .*hw", gic, re.M), gic
    assert re.search(r"^\s+33\s+->\d\s+prio \w\w grp1 enabled", gic, re.M), gic  # the vPL011


def test_dmesg_shows_what_the_console_showed(linux):
    """The kernel log read from memory starts with the lines the console printed."""
    out = shell(linux, "dmesg linux 100000", timeout=120)
    logged = re.findall(r"^(\[\s*\d+\.\d{6}\] .*)$", out, re.M)
    console = [l for l in open(linux.log.name).read().replace("\r", "").split("\n")
               if l.startswith("[linux] [")]
    shown = [l[len("[linux] "):] for l in console]
    assert "Booting Linux on physical CPU" in logged[0], logged[:3]
    assert re.match(r"\[\s*0\.000000\] Linux version 6\.1\.", logged[1]), logged[:3]
    assert logged[:10] == shown[:10], (logged[:10], shown[:10])
    assert len(logged) > 100, len(logged)      # the whole boot, up to the shell's init


def test_dmesg_needs_a_system_map(linux):
    out = shell(linux, "dmesg tick")                  # debug; but no system-map: not Linux
    assert "error: dmesg tick: vm 'tick' names no Linux System.map" in out, out
    assert "usage: dmesg" in shell(linux, "dmesg linux 0")


def test_linux_runs_on_after_inspection(linux):
    for _ in range(3):
        shell(linux, "regs linux 1")
    linux.focus(1)
    assert "after-42" in run(linux, "echo after-$((6*7))", "after-42")
    linux.open_shell()


def test_vm_without_debug_is_refused(linux):
    for cmd in ("regs rt", "sysregs rt", "gic rt", "walk rt 40080000", "mem rt ipa 40080000",
                "dmesg rt"):
        out = shell(linux, cmd)
        assert "vm 'rt' is not debuggable" in out, (cmd, out)


def test_bound_guest_keeps_ticking_after_inspection(linux):
    """A bind pCPU has no hypervisor tick: its vCPU, waiting in WFI, must still be woken
    by its own timer after a snapshot took its state out and back."""
    for _ in range(5):
        out = shell(linux, "regs tick")
        assert "vm 'tick' vcpu 0" in out, out
    shell(linux, "gic tick")
    before = len(rtv.ticks_reports(open(linux.log.name).read(), "tick"))
    linux.read_for(2.5)
    after = rtv.ticks_reports(open(linux.log.name).read(), "tick")
    assert len(after) >= before + 1, (before, after[-3:])


def test_exception_loop_is_captured(linux):
    """A guest whose vectors point nowhere loops on one fault under the inject policy:
    after 64 repeats rtvisor keeps a snapshot, and the other VMs keep running."""
    linux.focus(3)                          # the tick VM (hello): 'c' makes it loop
    linux.send("c")
    linux.expect(r"\[tick\] hello: crashing into an exception loop", timeout=30)
    linux.expect(r"vm 'tick': \d+ faults reported; further ones are summarised", timeout=30)
    linux.open_shell()
    out = shell(linux, "crash tick")
    assert re.search(r"vm 'tick' vcpu 0: exception loop \(same fault, same PC\), \d+ ms ago: "
                     r"exec at 0x200 \(esr 0x8\w+, pc 0x200\)", out), out
    assert "| hello: crashing into an exception loop" in out, out
    before = len(rtv.ticks_reports(open(linux.log.name).read(), "rt"))
    linux.read_for(2.5)
    assert len(rtv.ticks_reports(open(linux.log.name).read(), "rt")) > before
    shell(linux, "vm stop tick")
