"""Boot the Debian Linux guest images on plain QEMU, no hypervisor.

Run: /usr/bin/python3 -m pytest tests/boot/test_linux_bare.py -v
The images come from `make linux-images` (scripts/linux-images.sh): Debian's
cloud and PREEMPT_RT arm64 kernels with a busybox initramfs (guests/linux/).
Consoles are logged to build/test-logs/linux-bare-<flavor>*.log.
"""

import os
import re
import subprocess
import time
from pathlib import Path

import pexpect
import pytest

import rtv

ROOT = Path(rtv.ROOT)
LINUX = ROOT / "build" / "linux"
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
BOOT_TIMEOUT = 120  # seconds to the shell prompt
CMD_TIMEOUT = 30
PROMPT = r"~ # "    # /etc/profile: PS1='\w # ', HOME=/root
MODULES = ("virtio_mmio", "virtio_console", "virtio_blk", "virtio_net", "uio")


@pytest.fixture(scope="module")
def images():
    """Build (or find up to date) the Linux images; fail with make's output."""
    r = subprocess.run(["make", "-s", "linux-images"], cwd=ROOT, text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)
    if r.returncode != 0:
        pytest.fail("make linux-images failed:\n" + r.stdout[-6000:])
    return LINUX


@pytest.fixture
def boot(images):
    """Factory: boot a flavor on bare QEMU up to the shell; QEMU killed at teardown."""
    started = []

    def start(flavor, name=None):
        d = images / flavor
        args = ["-M", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "2", "-m", "512M",
                "-nographic", "-no-reboot", "-nic", "none", "-kernel", str(d / "Image"),
                "-initrd", str(d / "initramfs.cpio.gz"),
                "-append", "console=ttyAMA0 panic=-1"]
        os.makedirs(rtv.LOG_DIR, exist_ok=True)
        log = open(os.path.join(rtv.LOG_DIR, "linux-bare-%s.log" % (name or flavor)), "w")
        t0 = time.monotonic()
        child = pexpect.spawn(QEMU, args, cwd=str(ROOT), timeout=CMD_TIMEOUT,
                              encoding="utf-8", codec_errors="replace", logfile=log)
        started.append((child, log))
        child.expect(r"rtvisor-linux: init done \((\S+)\)", timeout=BOOT_TIMEOUT)
        release = child.match.group(1)
        child.expect(PROMPT, timeout=BOOT_TIMEOUT)
        child.boot_seconds = time.monotonic() - t0
        child.release = release
        log.write("\n[test] %s: shell after %.1f s wall\n" % (flavor, child.boot_seconds))
        return child

    yield start
    for child, log in started:
        if child.isalive():
            child.terminate(force=True)
        child.close(force=True)
        log.close()


def sh(child, cmd):
    """Run a shell command; return its output (without the echoed command line)."""
    child.send(cmd + "\r")
    child.expect(PROMPT)
    out = child.before.replace("\r", "")
    return out.split("\n", 1)[1] if "\n" in out else ""


def expect_exit(child, timeout=60):
    """QEMU must end by itself (PSCI SYSTEM_OFF/RESET with -no-reboot), with status 0."""
    child.expect(pexpect.EOF, timeout=timeout)
    child.close()
    assert child.exitstatus == 0, "QEMU exit status %r" % child.exitstatus


@pytest.mark.parametrize("flavor", ["cloud", "rt"])
def test_shell_modules_poweroff(boot, flavor):
    child = boot(flavor)
    print("%s: %s, shell after %.1f s wall" % (flavor, child.release, child.boot_seconds))
    assert child.release == (LINUX / flavor / "kernel-release").read_text().strip()
    assert "job control turned off" not in child.before

    assert re.search(r"^hello-42$", sh(child, "echo hello-$((6*7))"), re.M)
    assert sh(child, "tty").strip() == "/dev/ttyAMA0"

    loaded = {l.split()[0] for l in sh(child, "cat /proc/modules").splitlines() if l.strip()}
    for m in MODULES:
        assert m in loaded, "%s not loaded; /proc/modules: %s" % (m, sorted(loaded))
    # virtio-mmio probed QEMU's (empty) virtio-mmio slots from the device tree
    assert "virtio-mmio" in sh(child, "ls /sys/bus/platform/drivers")

    if flavor == "rt":
        assert "PREEMPT_RT" in sh(child, "uname -v")
        assert "rt" in sh(child, "uname -r")
    else:
        assert "PREEMPT_RT" not in sh(child, "uname -v")

    child.send("poweroff\r")
    child.expect(r"reboot: Power down")
    expect_exit(child)


def test_reboot_ends_qemu(boot):
    """busybox reboot -> PSCI SYSTEM_RESET; with -no-reboot QEMU exits."""
    child = boot("cloud", "cloud-reboot")
    child.send("reboot\r")
    child.expect(r"reboot: Restarting system")
    expect_exit(child)
