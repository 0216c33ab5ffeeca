"""`dmesg <vm>`: a Linux VM's kernel log read out of its memory (docs/debugging.md).

configs/dmesg-dead.dts boots the cloud kernel with no earlycon, `console=` naming a port
that does not exist, no initramfs and an impossible root=: it panics without one line on
its console. The shell reads the panic line from the printk ring buffer through the
guest's own page tables. (The healthy Linux VM's log is checked in test_debug.py.)
"""
import re
import time

import pytest

import rtv
from test_debug import shell

PANIC = r"\[\s*\d+\.\d{6}\] Kernel panic - not syncing: VFS: Unable to mount root fs"


@pytest.fixture(scope="module")
def dead():
    rtv.make("linux-images")
    m = rtv.Machine(rtv.scenario_image("dmesg-dead"), "dmesg-dead")
    try:
        m.expect(r"\[rt\] hello: boot cpu0", timeout=60)
        m.open_shell()
        yield m
    finally:
        m.close()


def wait_for_panic(m, timeout=240):
    """`dmesg dead` until the kernel's log has its panic line (it needs some seconds)."""
    end = time.time() + timeout
    while True:
        out = shell(m, "dmesg dead 40")
        if re.search(PANIC, out) or time.time() > end:
            return out
        time.sleep(3)


def test_panic_read_from_a_kernel_without_console(dead):
    out = wait_for_panic(dead)
    assert re.search(r"vm 'dead': kernel log \(linux/cloud/System.map, KASLR offset 0\), "
                     r"its last 40 records:", out), out
    assert re.search(r"^" + PANIC + r" on unknown-block\(0,0\)$", out, re.M), out
    records = re.findall(r"^\[\s*\d+\.\d{6}\] ", out, re.M)
    assert 2 <= len(records) <= 40, out                # bounded: at most the 40 asked for
    assert re.search(r"^\[\s*\d+\.\d{6}\] Kernel Offset: disabled$", out, re.M), out  # no KASLR
    stamps = [float(s.strip("[] ")) for s in records]
    assert stamps == sorted(stamps) and stamps[-1] > 0, stamps
    # The console never showed the kernel: every line of the VM was its own.
    console = open(dead.log.name).read()
    assert "[dead]" not in console, [l for l in console.splitlines() if "[dead]" in l][:5]
    assert "Kernel panic" not in console.split("dmesg dead")[0]


def test_dmesg_count_argument_bounds_output(dead):
    out = shell(dead, "dmesg dead 1")
    assert len(re.findall(r"^\[\s*\d+\.\d{6}\] ", out, re.M)) == 1, out
    out = shell(dead, "dmesg dead 100000")
    assert "Booting Linux on physical CPU" in out and re.search(PANIC, out), out[-2000:]
    assert "usage: dmesg" in shell(dead, "dmesg dead 0")
    assert "usage: dmesg" in shell(dead, "dmesg dead many")


def test_vm_without_debug_refuses_dmesg(dead):
    out = shell(dead, "dmesg rt")
    assert "vm 'rt' is not debuggable" in out, out
