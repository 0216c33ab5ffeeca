"""Boot the bare-metal test guests (guests/) on plain QEMU, no hypervisor.

Run: /usr/bin/python3 -m pytest tests/boot/test_guests_bare.py -v
The guests are built first with `make guests`; line formats: guests/README.md.
"""

import io
import os
import re
import subprocess
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
GUEST_DIR = ROOT / "build" / "guests"
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
TIMEOUT = 30  # seconds, for every expect
EOL = r"\r*\n"  # the guest sends \r\n; the pty may add another \r

TICKS_RE = (r"hello: ticks=(\d+) period_ns min=(\d+) avg=(\d+) max=(\d+) "
            r"jitter_ns=(\d+) missed=\d+")


@pytest.fixture(scope="session")
def guests():
    """Build the guests once per session; fail (not skip) if that fails."""
    r = subprocess.run(["make", "guests"], cwd=ROOT, capture_output=True,
                       text=True, timeout=600)
    if r.returncode != 0:
        pytest.fail("make guests failed:\n" + r.stdout[-4000:] + r.stderr[-4000:])
    return GUEST_DIR


@pytest.fixture
def qemu():
    """Factory: spawn QEMU on a guest image; every instance killed at teardown."""
    children = []

    def spawn(kernel, smp=2, mem="256M"):
        args = ["-M", "virt,gic-version=3", "-cpu", "cortex-a72",
                "-smp", str(smp), "-m", mem, "-nographic", "-nic", "none", "-kernel", str(kernel)]
        child = pexpect.spawn(QEMU, args, cwd=str(ROOT), timeout=TIMEOUT,
                              encoding="utf-8", codec_errors="replace")
        child.logfile_read = io.StringIO()  # whole console, for assertions
        children.append(child)
        return child

    yield spawn
    for child in children:
        if child.isalive():
            child.terminate(force=True)
        child.close(force=True)


def expect_line(child, regex):
    """Wait for a whole console line matching regex; return the match groups."""
    child.expect(regex + EOL)
    return child.match.groups()


def check_ticks(child):
    tick, mn, avg, mx, jitter = (int(g) for g in expect_line(child, TICKS_RE))
    assert tick == 1000
    assert mn <= avg <= mx
    assert jitter == mx - mn
    # Absolute deadlines: the window average stays near the 1 ms period.
    assert 500_000 <= avg <= 2_000_000, avg


def power_off(child):
    child.send("o")
    expect_line(child, r"hello: off")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, (child.exitstatus, child.signalstatus)


def test_hello_smp2(guests, qemu):
    child = qemu(guests / "hello.bin", smp=2)
    major, _minor = expect_line(child, r"hello: boot cpu0 el1 psci (\d+)\.(\d+)")
    assert int(major) >= 1
    expect_line(child, r"hello: cpu1 up")
    expect_line(child, r"hello: cpu1 sgi 1")
    expect_line(child, r"hello: cpu1 off")
    check_ticks(child)
    child.send("p")
    expect_line(child, r"hello: pong")
    power_off(child)


def test_hello_smp1_keys_and_reset(guests, qemu):
    child = qemu(guests / "hello.bin", smp=1)
    expect_line(child, r"hello: boot cpu0 el1 psci \d+\.\d+")
    (ret,) = expect_line(child, r"hello: single cpu \(cpu_on=(-?\d+)\)")
    assert int(ret) != 0
    check_ticks(child)
    child.send("x")
    expect_line(child, r"hello: key 78")
    child.send("r")
    expect_line(child, r"hello: reset")
    expect_line(child, r"hello: boot cpu0 el1 psci \d+\.\d+")
    expect_line(child, r"hello: single cpu \(cpu_on=-?\d+\)")
    power_off(child)


INTRUDER_PROBES = [
    ("other-vm", "read", "0x50000000"),
    ("hypervisor", "read", "0x40200000"),
    ("hypervisor-write", "write", "0x40200000"),
    ("device", "read", "0x09030000"),
]


def test_intruder_bare_leaks(guests, qemu):
    """Without a hypervisor nothing is refused: every probe must LEAK."""
    child = qemu(guests / "intruder.elf", smp=1, mem="2G")
    expect_line(child, r"intruder: start")
    for name, kind, addr in INTRUDER_PROBES:
        expect_line(child, rf"intruder: probe {name} {kind} {addr}")
        expect_line(child, rf"intruder: {name} LEAK value=0x[0-9a-f]+")
    expect_line(child, r"intruder: probe gic-garbage write 0x08000000")
    expect_line(child, r"intruder: gic-garbage done")
    expect_line(child, r"intruder: probe uart-garbage write 0x09000004")
    expect_line(child, r"intruder: uart-garbage done")
    expect_line(child, r"intruder: probe exec exec 0x50000000")
    expect_line(child, r"intruder: exec LEAK value=0x[0-9a-f]+")
    expect_line(child, r"intruder: done")
    expect_line(child, r"intruder: alive 1")
    expect_line(child, r"intruder: alive 2")
    assert not re.search(r"refused|exception:", child.logfile_read.getvalue())
