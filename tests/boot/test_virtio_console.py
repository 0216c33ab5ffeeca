"""Linux's console on virtio (configs/linux-virtio.dts, docs/virtio.md): the stock Debian
cloud kernel's virtio_mmio and virtio_console modules find the virtio-mmio device in the
generated devicetree, /dev/hvc0 is the shell's terminal, what Linux writes to it appears
tagged on the hypervisor console and what is typed reaches it; after a reboot (device and
VM reset) it works again."""
import re

import pytest

import rtv

PROMPT = r"\[linux\] ~ # "


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("linux-virtio")


def run(m, cmd, want=None, timeout=60):
    return rtv.shell_run(m, PROMPT, "linux", cmd, want, timeout)


def boot(m):
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)


def check_hvc(m, tag):
    # typed input reaches the shell through hvc0, and its output comes back the same way
    assert run(m, "tty", "/dev/hvc0").splitlines()[-1].strip() == "/dev/hvc0"
    mods = run(m, "cut -d' ' -f1 /proc/modules", "virtio")
    assert "virtio_mmio" in mods and "virtio_console" in mods, mods
    out = run(m, "echo %s-$((6*7)) > /dev/hvc0" % tag, "%s-42" % tag)
    assert "%s-42" % tag in out.splitlines(), out
    irqs = run(m, "cat /proc/interrupts", "virtio")
    line = re.search(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+GICv3\s+48 Level\s+virtio\d+", irqs, re.M)
    assert line and int(line.group(1)) + int(line.group(2)) > 0, irqs


def test_hvc0_on_virtio_console(machine, image):
    m = machine(image, "virtio-console")
    boot(m)
    check_hvc(m, "first")
    # more than a page at once: several buffers, each copied in bounded parts (a line a
    # hypervisor message cuts is redrawn, so a number may show twice; none may be missing)
    out = run(m, "seq 1 1500 > /dev/hvc0; echo seq-done", "seq-done")
    nums = {int(x) for x in out.split() if x.isdigit()}
    assert set(range(1, 1501)) <= nums, sorted(set(range(1, 1501)) - nums)[:10]
    m.send("reboot\r")
    m.expect(r"vm 'linux' restarted \(reset 1\)", timeout=120)
    boot(m)
    check_hvc(m, "again")
    log = open(m.log.name).read()
    for bad in ("needs reset", "unhandled", "forbidden", "PANIC", "records dropped"):
        assert bad not in log, bad
