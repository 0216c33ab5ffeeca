"""PCI passthrough with DMA and MSI-X to a Linux VM (docs/pci.md, configs/pci-nvme.dts): a
stock Debian Linux owns QEMU's nvme at 00:06.0 with `dma` (identity RAM) and 4 MSI events.
Its ITS driver runs on the virtual ITS, the nvme driver's queues interrupt with MSI-X
(ITS-MSI lines in /proc/interrupts). It reads the disk the test filled, writes and reads
back, reboots (the function is quiesced, reset with FLR and its BARs restored) and reads
again while the bare-metal VM 'rt' keeps ticking. Last, an MSI-X entry pointed at an
unreserved event is refused and reported."""
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


def msi_count(m):
    """The nvme queues' MSI-X counts (ITS-MSI <RID << 11 | vector>), summed; no INTx."""
    out = run(m, "cat /proc/interrupts", "ITS-MSI")
    assert "GICv3  %d Level" % NVME_LINE not in out, out
    rid = SLOT << 3
    lines = re.findall(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+ITS-MSI\s+(\d+) Edge\s+nvme0q(\d)\s*$",
                       out, re.M)
    assert sorted(int(q) for *_, q in lines) == [0, 1, 2], out   # admin + 2 I/O queues
    assert all(int(h) == rid << 11 | int(q) for _, _, h, q in lines), out
    return sum(int(a) + int(b) for a, b, *_ in lines)


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


def test_linux_nvme_dma_over_msix_and_reboot(machine, image, tmp_path):
    path, data, extra = make_disk(tmp_path)
    after, w = written(data)
    m = machine(image, "pci-nvme", extra=extra)
    boot(m)
    dmesg = run(m, "dmesg | grep -e nvme -e PROBE_ONLY", "nvme0")
    assert "nvme nvme0: pci function 0000:00:%02x.0" % SLOT in dmesg, dmesg
    assert "nvme nvme0: 2/0/0 default/read/poll queues" in dmesg, dmesg   # MSI-X vectors
    before = msi_count(m)
    # DMA from the device into identity-mapped RAM, then from RAM to the device
    assert disk_md5(m, 0, DISK_MIB) == md5(data)
    assert write_and_read_back(m) == md5(w)
    assert msi_count(m) > before
    # reboot: the VM's driver finds the device as at first boot, the other VM goes on
    m.send("reboot\r")
    m.expect(r"vm 'linux' restarted \(reset 1\)", timeout=120)
    boot(m)
    assert disk_md5(m, 0, DISK_MIB) == md5(after)
    assert msi_count(m) > 0
    log = open(m.log.name, errors="replace").read()
    assert rtv.ticks_reports(log[log.index("vm 'linux' resetting"):], "rt"), \
        "the RT VM stopped while Linux rebooted"
    # the write reached the disk file (QEMU writes through)
    assert md5(path.read_bytes()) == md5(after)
    check_msix_trapped(m)


def check_msix_trapped(m):
    """BAR0's register page is mapped, its MSI-X table page is trapped: Linux's entries read
    back from the shadow, an entry pointed at an unreserved event is refused and reported,
    the other VM goes on."""
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
    # entry 0 as the unbound driver left it (masked), then the doorbell with event 31 (4
    # are reserved), unmasked: the entry reads back as written, the device's stays masked
    run(m, "busybox devmem 0x%x 32 0x08090040 && busybox devmem 0x%x 32 0 && "
           "busybox devmem 0x%x 32 0x1f" % (table, table + 4, table + 8))
    addr = run(m, "busybox devmem 0x%x 32" % table, "0x")
    assert "0x08090040" in addr, addr
    run(m, "busybox devmem 0x%x 32 0" % (table + 12))
    later = m.read_for(3)            # the report may come with the prompt or just after it
    m.log.flush()
    log = open(m.log.name, errors="replace").read()
    assert re.search(r"vm 'linux': 00:%02x\.0: MSI-X entry 0 address 0x0_08090040 data 0x1f "
                     r"refused \(not the ITS doorbell with a reserved event\); left masked"
                     % SLOT, log), log[-3000:]
    assert rtv.ticks_reports(later, "rt"), "the other VM must keep running"
