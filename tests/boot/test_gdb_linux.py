"""gdb-multiarch attached to a running Linux VM (configs/gdb-linux.dts, docs/debugging.md "GDB").

gdb sees one thread per vCPU; `x/s` at linux_banner's address prints the kernel's banner
(read through the vCPU's own page tables); after `continue`, Ctrl-C stops it again, and
after `detach` Linux keeps working. The address comes from the kernel's System.map when
build/linux/cloud/System.map exists (make linux-images keeps it) and is checked against
the running kernel's /proc/kallsyms; without the map, /proc/kallsyms alone gives it.
"""
import os
import re
import socket

import pexpect
import pytest

import rtv
from test_linux import PROMPT, run

SYSTEM_MAP = os.path.join(rtv.BUILD, "linux", "cloud", "System.map")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def linux():
    assert os.path.exists(os.path.join(rtv.BUILD, "linux", "cloud", "Image")), \
        "build/linux/cloud/Image missing: make linux-images"
    rtv.make("guests")
    port = free_port()
    m = rtv.Machine(rtv.scenario_image("gdb-linux"), "gdb-linux", extra=[
        "-chardev", "socket,id=g0,host=127.0.0.1,port=%d,server=on,wait=off" % port,
        "-device", "pci-serial,chardev=g0,addr=2.0"])
    m.port = port
    try:
        m.expect(r"gdb: vm 'linux' on 00:02\.0", timeout=60)
        m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
        m.expect(PROMPT, timeout=60)
        yield m
    finally:
        m.close()


def banner_address(m):
    """linux_banner: from System.map if there is one (checked against kallsyms)."""
    out = run(m, "grep -w linux_banner /proc/kallsyms", "linux_banner")
    live = int(re.search(r"^([0-9a-f]{16}) \w linux_banner$", out, re.M).group(1), 16)
    assert live >> 48 == 0xffff, out                        # a kernel address, not hidden
    if os.path.exists(SYSTEM_MAP):
        text = open(SYSTEM_MAP).read()
        mapped = int(re.search(r"^([0-9a-f]{16}) \w linux_banner$", text, re.M).group(1), 16)
        assert mapped == live, (hex(mapped), hex(live))     # no KASLR: the map is right
    return live


def test_threads_banner_interrupt_detach(linux):
    addr = banner_address(linux)
    version = run(linux, "cat /proc/version", "Linux version").strip().splitlines()[-1]
    g = pexpect.spawn("gdb-multiarch", ["-q", "-nx"], encoding="utf-8", timeout=60)
    try:
        g.expect(r"\(gdb\) ")
        g.sendline("target remote 127.0.0.1:%d" % linux.port)
        g.expect(r"\(gdb\) ")
        g.sendline("info threads")
        g.expect(r"\(gdb\) ")
        threads = re.findall(r"^\*?\s+(\d+)\s+Thread (\d+)", g.before, re.M)
        assert [t for t, _ in threads] == ["1", "2"], g.before   # one per vCPU
        g.sendline("x/s 0x%x" % addr)
        g.expect(r"\(gdb\) ")
        shown = re.search(r'0x%x[^"]*"(Linux version [^"]*)' % addr, g.before)
        assert shown, g.before
        assert shown.group(1).split("\\n")[0][:60] == version[:60], (shown.group(1), version)
        g.sendline("continue")
        g.expect("Continuing.")
        linux.read_for(1.0)
        g.sendcontrol("c")
        g.expect(r"received signal SIGINT")
        g.expect(r"\(gdb\) ")
        g.sendline("info registers pc")
        g.expect(r"pc\s+0x[0-9a-f]+\s")                        # it stopped: a PC
        g.expect(r"\(gdb\) ")
        g.sendline("detach")
        g.expect("detached")
        g.sendline("quit")
        g.expect(pexpect.EOF)
    finally:
        g.close(force=True)
    linux.expect(r"debugger detached from vm 'linux'", timeout=10)
    assert "after-42" in run(linux, "echo after-$((6*7))", "after-42")   # Linux works on
