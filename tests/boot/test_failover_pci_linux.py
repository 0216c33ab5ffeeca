"""A PCI function moves to a backup Linux (configs/pci-failover-linux.dts, docs/failover.md
"Moving PCI functions"): QEMU's nvme at 00:06.0 is listed by both Debian Linux VMs of group
`dev`. The primary `a` boots with it (stock nvme driver, /dev/nvme0n1 reads the disk the
test filled); the backup `b` boots without it on its bus. After `failover dev` (a is
stopped), `echo 1 > /sys/bus/pci/rescan` in b finds the function behind its Function Level
Reset, the nvme driver binds on MSI-X through b's vITS, and /dev/nvme0n1 reads the same
bytes: DMA into b's RAM."""
import hashlib
import random
import re

import pytest

import rtv
from test_failover_bm import all_of

SLOT = 6
FN = "0000:00:%02x.0" % SLOT
MiB = 1 << 20


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("pci-failover-linux")


def run(m, vm, cmd):
    return rtv.run_marked(m, vm, cmd, timeout=120)


def disk_md5(m, vm):
    out = run(m, vm, "dd if=/dev/nvme0n1 bs=1M count=4 | md5sum")
    found = re.search(r"\b([0-9a-f]{32})  -", out)
    assert found, out
    return found.group(1)


def test_nvme_moves_to_the_promoted_backup(machine, image, tmp_path):
    data = random.Random(0x666f6e76).randbytes(4 * MiB)
    disk = tmp_path / "nvme.img"
    disk.write_bytes(data)
    m = machine(image, "pci-failover-linux",
                extra=["-drive", "file=%s,if=none,id=nv0,format=raw" % disk,
                       "-device", "nvme,drive=nv0,serial=rtv0002,addr=%d.0" % SLOT])
    all_of(m, r"\[a\] rtvisor-linux: init done", r"\[b\] rtvisor-linux: init done", timeout=300)
    rtv.focus_linux(m, 1, "a")
    assert disk_md5(m, "a") == hashlib.md5(data).hexdigest()
    rtv.focus_linux(m, 2, "b")
    out = run(m, "b", "ls /sys/bus/pci/devices/; ls /dev/nvme0n1")
    assert FN not in out and "No such file" in out, out
    m.open_shell()
    m.sh("failover dev", r"rtvisor: failover 'dev': shell: 'a' fenced, 'b' promoted "
         r"\(switch 1\)\r")
    rtv.focus_linux(m, 2, "b")
    run(m, "b", "echo 1 > /sys/bus/pci/rescan")
    out = run(m, "b", "cat /sys/bus/pci/devices/%s/vendor /sys/bus/pci/devices/%s/device; "
              "ls /dev/nvme0n1" % (FN, FN))
    assert re.search(r"0x1b36\s+0x0010\s+/dev/nvme0n1", out), out
    assert disk_md5(m, "b") == hashlib.md5(data).hexdigest()
    out = run(m, "b", "grep nvme0q /proc/interrupts")
    assert re.search(r"ITS-MSI\s+%d Edge\s+nvme0q0" % (SLOT << 3 << 11), out), out
    m.open_shell()
    m.sh("pci", r"00:%02x\.0 1b36:0010 b " % SLOT)
    log = open(m.log.name, errors="replace").read()
    assert "PANIC" not in log, log[-3000:]
