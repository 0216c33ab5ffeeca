"""gdb-multiarch attached to a running Linux VM (configs/gdb-linux.dts, docs/debugging.md "GDB").

gdb sees one thread per vCPU; `x/s` at linux_banner's address from the kernel's System.map
(build/linux/cloud/System.map, kept by make linux-images) prints the kernel's banner, read
through the vCPU's own page tables, and it is the running kernel's /proc/version; after
`continue`, Ctrl-C stops Linux again, and after `detach` it keeps working.
"""
import os
import re
import socket

import pexpect
import pytest

import rtv
from test_linux import PROMPT

SYSTEM_MAP = os.path.join(rtv.BUILD, "linux", "cloud", "System.map")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def linux():
    assert os.path.exists(SYSTEM_MAP), "%s missing: make linux-images" % SYSTEM_MAP
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


def ask(m, cmd, answer):
    """Type cmd to the Linux shell; the first match of answer (a line it prints).

    Not through the prompt: the tick VM's lines make the console redraw the prompt line,
    which a prompt regex would take for the next prompt."""
    m.read_for(0.3)
    m.send(cmd + "\r")
    return m.expect(r"\[linux\] " + answer, timeout=60)


def map_symbol(name):
    text = open(SYSTEM_MAP).read()
    return int(re.search(r"^([0-9a-f]{16}) \w %s$" % name, text, re.M).group(1), 16)


def test_threads_banner_interrupt_detach(linux):
    addr = map_symbol("linux_banner")   # the guest has no KASLR seed: link address
    version = ask(linux, "cat /proc/version", r"(Linux version [^\r\n]+)\r").group(1)
    g = pexpect.spawn("gdb-multiarch", ["-q", "-nx"], encoding="utf-8", timeout=60)
    try:
        g.expect(r"\(gdb\) ")
        g.sendline("set print elements 0")
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
        assert shown.group(1).split("\\n")[0] == version, (shown.group(1), version)
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
    ask(linux, "echo after-$((6*7))", r"after-42\r")                    # Linux works on
