"""gdb-multiarch through a GDB stub on a memory-mapped UART (`gdb-uart`, configs/gdb-uart.dts).

QEMU virt has no second non-secure UART; the 16550 here is a pci-serial whose I/O BAR the
boot enumeration places at CPU address 0x3eff1000, and the scenario names only that
address: the stub drives it as a raw memory-mapped 16550 (docs/debugging.md). The real
gdb-multiarch, in batch mode against the hello guest's ELF, breaks on a function,
continues, and detaches; "tick" on its bind pCPU prints its ticks throughout. "rt" names
an address where no 16550 answers and gets no stub.
"""
import re

import rtv
from test_gdb import ELF, free_port, gdb, pc_of, symbol  # noqa: F401 (ELF: the guest)

import pytest


@pytest.fixture(scope="module")
def machine():
    rtv.make("guests")
    port = free_port()
    extra = ["-chardev", "socket,id=g0,host=127.0.0.1,port=%d,server=on,wait=off" % port,
             "-device", "pci-serial,chardev=g0,addr=2.0"]
    m = rtv.Machine(rtv.scenario_image("gdb-uart"), "gdb-uart", extra=extra)
    m.port = port
    try:
        m.expect_all([r"gdb: 0x3eff1000 is in BAR0 of 00:02\.0 \(decoding on\)",
                      r"gdb: vm 'hello' on gdb-uart \(16550 at 0x3eff1000\)",
                      r"gdb: vm 'rt': no 16550 answers at 0x3eff3000; no GDB stub"],
                     timeout=60)
        m.expect(r"\[hello\] hello: ticks=\d+", timeout=60)
        m.expect(r"\[tick\] hello: ticks=\d+", timeout=60)
        yield m
    finally:
        m.close()


def test_break_continue_detach(machine):
    handler = symbol("tick_handler")
    out, console = gdb(machine, machine.port, [
        "break tick_handler", "continue", "info registers pc", "bt", "continue",
        "info registers pc", "delete", "detach"])
    print(out)
    assert re.search(r"Breakpoint 1, tick_handler \(intid=27", out), out
    assert pc_of(out, 0) == handler and pc_of(out, 1) == handler, out  # hit twice
    assert re.search(r"^#1\s+0x[0-9a-f]+ in irq_handle ", out, re.M), out
    assert "[Inferior 1 (Remote target) detached]" in out, out
    assert "debugger attached to vm 'hello'" in console
    assert "debugger detached from vm 'hello'" in console
    ticks = [t[0] for t in rtv.ticks_reports(console, "tick")]
    assert len(ticks) >= 2 and ticks == sorted(ticks), console
    # hello runs on after the detach
    machine.expect(r"\[hello\] hello: ticks=\d+ ", timeout=10)


def test_vm_has_no_pci_function(machine):
    """The line is the hypervisor's: the shell's PCI list shows no VM owning 00:02.0."""
    machine.open_shell()
    out = machine.sh("pci", r"00:02\.0 [0-9a-f]{4}:[0-9a-f]{4} (\S+)")
    assert out.group(1) == "-", out.group(0)
    machine.focus(1)
