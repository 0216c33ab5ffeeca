"""gdb-multiarch attached to a VM through rtvisor's GDB stub (configs/gdb.dts, docs/debugging.md).

The stub's line is a QEMU pci-serial the hypervisor owns, exposed as a TCP socket. The real
gdb-multiarch, in batch mode against the hello guest's ELF: a software breakpoint on a
function hits, `info registers` and `bt` are right, `stepi` advances one instruction, a
hardware breakpoint and a watchpoint stop where they should, `detach` lets the guest run on
with its instruction restored; "tick" on its bind pCPU prints its ticks throughout. A VM
without `debug;` refuses the connection.
"""
import os
import re
import socket
import subprocess

import pexpect
import pytest

import rtv

ELF = os.path.join(rtv.BUILD, "guests", "hello.elf")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def symbol(name):
    """Address of a symbol of the hello ELF, from nm (not from gdb)."""
    out = subprocess.run(["aarch64-linux-gnu-nm", ELF], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    return int(re.search(r"^([0-9a-f]+) \w %s$" % name, out, re.M).group(1), 16)


def elf_bytes(addr, n):
    """n bytes the ELF loads at addr (its text)."""
    out = subprocess.run(["aarch64-linux-gnu-objdump", "-s", "--start-address=%#x" % addr,
                          "--stop-address=%#x" % (addr + n), ELF],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    words = re.findall(r"^ [0-9a-f]+ ((?:[0-9a-f]{8} ?)+)", out, re.M)
    return bytes.fromhex("".join(w.replace(" ", "") for w in words))[:n]


@pytest.fixture(scope="module")
def machine():
    rtv.make("guests")
    ports = (free_port(), free_port())
    extra = []
    for i, (port, slot) in enumerate(zip(ports, (2, 3))):
        extra += ["-chardev", "socket,id=g%d,host=127.0.0.1,port=%d,server=on,wait=off" % (i, port),
                  "-device", "pci-serial,chardev=g%d,addr=%d.0" % (i, slot)]
    m = rtv.Machine(rtv.scenario_image("gdb"), "gdb", extra=extra)
    m.ports = ports
    try:
        m.expect_all([r"gdb: vm 'hello' on 00:02\.0", r"gdb: vm 'rt' on 00:03\.0"], timeout=60)
        m.expect(r"\[hello\] hello: ticks=\d+", timeout=60)
        m.expect(r"\[tick\] hello: ticks=\d+", timeout=60)
        yield m
    finally:
        m.close()


def gdb(m, port, commands, timeout=90):
    """Run gdb-multiarch in batch mode; return (its output, the console meanwhile)."""
    args = ["gdb-multiarch", "-q", "-batch", "-nx", ELF, "-ex", "set remotetimeout 10",
            "-ex", "target remote 127.0.0.1:%d" % port]
    for c in commands:
        args += ["-ex", c]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    console = ""
    waited = 0
    while p.poll() is None and waited < timeout:
        console += m.read_for(0.5)  # keep the console drained while gdb works
        waited += 0.5
    if p.poll() is None:
        p.kill()
    out = p.communicate()[0]
    return out, console


def pc_of(out, nth):
    return int(re.findall(r"^pc\s+0x([0-9a-f]+)", out, re.M)[nth], 16)


def test_break_step_watch_detach(machine):
    handler = symbol("tick_handler")
    poll = symbol("hello_tick_report_poll")
    out, console = gdb(machine, machine.ports[0], [
        "info threads", "break tick_handler", "continue", "info registers pc", "bt",
        "stepi", "info registers pc", "delete",
        "hbreak hello_tick_report_poll", "continue", "info registers pc", "delete",
        "watch tick_count", "continue", "delete",
        "detach"])
    print(out)
    assert re.search(r"^\* 1\s+Thread 1\b", out, re.M), out         # one thread per vCPU
    assert re.search(r"Breakpoint 1, tick_handler \(intid=27", out), out
    assert pc_of(out, 0) == handler, (hex(pc_of(out, 0)), hex(handler))
    assert re.search(r"^#0\s+tick_handler ", out, re.M), out
    assert re.search(r"^#1\s+0x[0-9a-f]+ in irq_handle ", out, re.M), out
    assert pc_of(out, 1) == handler + 4, out                          # stepi: one instruction
    assert "Hardware assisted breakpoint 2 at" in out, out           # Z1 accepted
    assert re.search(r"Breakpoint 2, hello_tick_report_poll \(\)", out), out
    assert pc_of(out, 2) == poll, (hex(pc_of(out, 2)), hex(poll))
    assert "Hardware watchpoint 3: tick_count" in out, out            # Z2 accepted
    old, new = map(int, re.search(r"Old value = (\d+)\s+New value = (\d+)", out).groups())
    assert new == old + 1, out                                        # the tick's write
    assert "[Inferior 1 (Remote target) detached]" in out, out
    assert "debugger attached to vm 'hello'" in console
    assert "debugger detached from vm 'hello'" in console
    # "tick" (bind pCPU 3) kept printing its one-second reports while gdb held "hello"
    ticks = [t[0] for t in rtv.ticks_reports(console, "tick")]
    assert len(ticks) >= 2 and ticks == sorted(ticks), console

    # hello runs on, and the breakpoint's instruction is the ELF's own again
    before = rtv.ticks_reports(console, "hello")
    machine.expect(r"\[hello\] hello: ticks=(\d+) ", timeout=10)
    after = int(machine.p.match.group(1))
    assert not before or after > before[-1][0]
    machine.open_shell()
    mem = machine.sh("mem hello va %x 4" % handler, r"[0-9a-f]{16}:((?: [0-9a-f]{2}){4})")
    assert bytes.fromhex(mem.group(1).replace(" ", "")) == elf_bytes(handler, 4)
    machine.focus(1)


def test_vm_without_debug_refuses(machine):
    out, console = gdb(machine, machine.ports[1], ["info registers pc"], timeout=40)
    print(out)
    assert "E01" in out, out
    assert not re.search(r"^pc\s+0x", out, re.M), out
    assert "connection refused: vm 'rt' is not debuggable" in console, console
    machine.expect(r"\[rt\] hello: ticks=\d+", timeout=10)            # and it runs on


def test_ctrl_c_interrupts(machine):
    """An interactive session: continue, Ctrl-C stops the VM (SIGINT), detach."""
    g = pexpect.spawn("gdb-multiarch", ["-q", "-nx", ELF], encoding="utf-8", timeout=30)
    try:
        g.expect(r"\(gdb\) ")
        g.sendline("target remote 127.0.0.1:%d" % machine.ports[0])
        g.expect(r"\(gdb\) ")
        g.sendline("continue")
        g.expect("Continuing.")
        machine.read_for(1.0)                     # it runs: hello keeps printing meanwhile
        g.sendcontrol("c")
        g.expect(r"received signal SIGINT")
        g.expect(r"\(gdb\) ")
        g.sendline("info registers pc")
        g.expect(r"pc\s+0x4008[0-9a-f]{4}\s")      # a PC inside the hello image
        g.expect(r"\(gdb\) ")
        g.sendline("detach")
        g.expect(r"detached")
        g.sendline("quit")
        g.expect(pexpect.EOF)
    finally:
        g.close(force=True)
    machine.expect(r"debugger detached from vm 'hello'", timeout=10)
    machine.expect(r"\[hello\] hello: ticks=\d+", timeout=10)
