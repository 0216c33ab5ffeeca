"""PCI passthrough with DMA to a Linux VM (docs/pci.md, configs/pci-nvme.dts): a stock
Debian Linux owns QEMU's nvme at 00:06.0 with `dma` (identity RAM). No MSI is offered
yet, so the nvme driver runs on INTx. It reads the disk the test filled, writes and reads
back, reboots (the function is quiesced, reset with FLR and its BARs restored) and reads
again while the bare-metal VM 'rt' keeps ticking; the MSI-X table's page stays trapped."""
import hashlib
import random
import re

import pytest

import rtv

PROMPT = r"\[linux\] ~ # "
SLOT = 6
NVME_LINE = 35 + (SLOT + 1 - 1) % 4      # QEMU virt: INTID = 35 + (slot + pin - 1) mod 4
MiB = 1 << 20
DISK_MIB = 16
WRITE_AT, WRITE_MIB = 8, 4               # the write: 4 MiB at 8 MiB
WRITE_TEXT = b"rtvisor-nvme\n"           # busybox `yes` repeats it


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("pci-nvme")


def md5(b):
    return hashlib.md5(b).hexdigest()


def make_disk(tmp_path):
    """A disk file of a seeded pattern; its path, its bytes and QEMU's options."""
    data = random.Random(0x6e766d65).randbytes(DISK_MIB * MiB)
    path = tmp_path / "nvme.img"
    path.write_bytes(data)
    return path, data, ["-drive", "file=%s,if=none,id=nv0,format=raw" % path,
                        "-device", "nvme,drive=nv0,serial=rtv0001,addr=%d.0" % SLOT]


def written(data):
    """The disk's bytes after the test's write."""
    w = (WRITE_TEXT * (WRITE_MIB * MiB // len(WRITE_TEXT) + 1))[:WRITE_MIB * MiB]
    return data[:WRITE_AT * MiB] + w + data[(WRITE_AT + WRITE_MIB) * MiB:], w


def run(m, cmd, want=None, timeout=120):
    return rtv.shell_run(m, PROMPT, "linux", cmd, want, timeout)


def boot(m):
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)


def disk_md5(m, skip_mib, mib):
    out = run(m, "dd if=/dev/nvme0n1 bs=1M skip=%d count=%d | md5sum" % (skip_mib, mib),
              "  -")
    found = re.search(r"\b([0-9a-f]{32})  -", out)
    assert found, out
    return found.group(1)


def intx_count(m):
    """The nvme queues' INTx count; no MSI line may exist."""
    out = run(m, "cat /proc/interrupts", "GICv3")
    assert "MSI" not in out, out
    line = re.search(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+GICv3\s+%d Level\s+nvme0q0" % NVME_LINE,
                     out, re.M)
    assert line, out
    return int(line.group(1)) + int(line.group(2))


def write_and_read_back(m):
    """4 MiB of busybox `yes` written at 8 MiB, the page cache dropped, read back."""
    run(m, "yes %s | head -c %d > /tmp/w" % (WRITE_TEXT.decode().strip(), WRITE_MIB * MiB))
    run(m, "dd if=/tmp/w of=/dev/nvme0n1 bs=1M seek=%d conv=fsync && sync && "
           "echo 3 > /proc/sys/vm/drop_caches" % WRITE_AT)
    return disk_md5(m, WRITE_AT, WRITE_MIB)


def msix_table_ipa(shell):
    """The MSI-X table's page of BAR0, from the shell's `pci` listing."""
    bar = re.search(r"00:%02x\.0 .*\n\s+BAR0 mem64 \S+ \(CPU (0x[0-9a-f]+)\)" % SLOT, shell)
    tbl = re.search(r"MSI-X table BAR0\+(0x[0-9a-f]+)", shell)
    assert bar and tbl, shell
    return int(bar.group(1), 16), int(bar.group(1), 16) + int(tbl.group(1), 16)


def test_linux_nvme_dma_over_intx_and_reboot(machine, image, tmp_path):
    path, data, extra = make_disk(tmp_path)
    after, w = written(data)
    m = machine(image, "pci-nvme", extra=extra)
    boot(m)
    dmesg = run(m, "dmesg | grep -e nvme -e PROBE_ONLY", "nvme0")
    assert "nvme nvme0: pci function 0000:00:%02x.0" % SLOT in dmesg, dmesg
    assert "nvme nvme0: 1/0/0 default/read/poll queues" in dmesg, dmesg   # one INTx vector
    before = intx_count(m)
    # DMA from the device into identity-mapped RAM, then from RAM to the device
    assert disk_md5(m, 0, DISK_MIB) == md5(data)
    assert write_and_read_back(m) == md5(w)
    assert intx_count(m) > before
    # reboot: the VM's driver finds the device as at first boot, the other VM goes on
    m.send("reboot\r")
    m.expect(r"vm 'linux' restarted \(reset 1\)", timeout=120)
    boot(m)
    assert disk_md5(m, 0, DISK_MIB) == md5(after)
    assert intx_count(m) > 0
    log = open(m.log.name, errors="replace").read()
    assert rtv.ticks_reports(log[log.index("vm 'linux' resetting"):], "rt"), \
        "the RT VM stopped while Linux rebooted"
    # the write reached the disk file (QEMU writes through)
    assert md5(path.read_bytes()) == md5(after)
    check_msix_hole(m)


def check_msix_hole(m):
    """BAR0's register page is mapped, its MSI-X table page is not: a read is refused and
    reported, the VM stops (its fault policy), the other VM goes on. Last: it ends Linux."""
    m.open_shell()
    m.sh("pci", r"functions")
    m.focus(1)
    log = open(m.log.name, errors="replace").read()
    shell = log[log.rindex("rtvisor> pci"):]
    assert re.search(r"00:%02x\.0 1b36:0010 linux\s+INTA -> INTID %d, FLR" % (SLOT, NVME_LINE),
                     shell), shell
    regs, table = msix_table_ipa(shell)
    # IO_STRICT_DEVMEM: /dev/mem reaches the BAR once the driver let it go
    run(m, "echo 0000:00:%02x.0 > /sys/bus/pci/drivers/nvme/unbind" % SLOT)
    cap = run(m, "busybox devmem 0x%x 32" % regs, "0x")
    assert re.search(r"0x[0-9A-F]{8}", cap) and "0x00000000" not in cap, cap
    m.send("busybox devmem 0x%x 32\r" % table)
    m.expect(r"vm 'linux' vcpu \d: forbidden read at IPA 0x%x" % table, timeout=60)
    m.expect(r"vm 'linux' stopped", timeout=30)
    assert rtv.ticks_reports(m.read_for(3), "rt"), "the other VM must keep running"
