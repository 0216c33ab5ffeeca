"""PCI passthrough without an IOMMU (docs/pci.md, configs/pci-linux.dts): a stock Debian
Linux VM owns QEMU's pci-serial at 00:02.0 and drives it with its own 8250_pci driver;
a second pci-serial at 00:03.0 belongs to nobody."""
import os
import re

import pytest

import rtv

PROMPT = r"\[linux\] ~ # "
SERIAL_LINE = 35 + (2 + 1 - 1) % 4     # QEMU virt: INTID = 35 + (slot + pin - 1) mod 4


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("pci-linux")


def serials(tmp_path):
    """QEMU options: the VM's serial at 00:02.0 and an unowned one at 00:03.0, into files."""
    owned, other = str(tmp_path / "owned.out"), str(tmp_path / "other.out")
    return owned, other, ["-device", "pci-serial,chardev=ps0,addr=2.0",
                          "-chardev", "file,id=ps0,path=" + owned,
                          "-device", "pci-serial,chardev=ps1,addr=3.0",
                          "-chardev", "file,id=ps1,path=" + other]


def run(m, cmd, want=None, timeout=60):
    """Type a command into the Linux shell; what it printed (rtv.shell_run)."""
    return rtv.shell_run(m, PROMPT, "linux", cmd, want, timeout)


def boot(machine, image, name, extra):
    m = machine(image, name, extra=extra)
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)
    return m


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def intx_count(m):
    """The pci-serial's INTx count while its tty is open (the line is freed on close)."""
    out = run(m, "exec 3>/dev/ttyS0; echo intx-probe >&3; cat /proc/interrupts; exec 3>&-",
              "GICv3")
    line = re.search(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+GICv3\s+%d Level" % SERIAL_LINE, out, re.M)
    assert line, out
    return int(line.group(1)) + int(line.group(2))


def test_linux_drives_its_pci_serial(machine, image, tmp_path):
    owned, other, extra = serials(tmp_path)
    m = boot(machine, image, "pci-serial", extra)
    dmesg = run(m, "dmesg | grep -e ttyS -e 'PCI host' -e PROBE_ONLY", "ttyS")
    assert "PROBE_ONLY enabled" in dmesg, dmesg
    assert re.search(r"0000:00:02\.0: ttyS0 at I/O 0x1000 \(irq = \d+.*16550A", dmesg), dmesg
    # only its own function is on its bus; the unowned one and the host bridge are not
    assert run(m, "ls /sys/bus/pci/devices", "0000").split() == ["0000:00:02.0"]
    run(m, "echo pci-serial-through-rtvisor > /dev/ttyS0")
    assert intx_count(m) > 0
    assert "pci-serial-through-rtvisor" in read(owned)
    assert read(other) == ""
    m.open_shell()
    m.sh("pci", r"00:03\.0")
    m.sh("vm info linux", r"faults \d+")
    log = read(m.log.name)
    shell = log[log.index("rtvisor> pci"):]
    assert re.search(r"00:02\.0 1b36:0002 linux\s+INTA -> INTID %d" % SERIAL_LINE, shell), shell
    assert re.search(r"00:03\.0 1b36:0002 -\s+INTA -> INTID", shell), shell
    assert "BAR0 io 0x1000+0x8 (CPU 0x3eff1000)" in shell, shell
    assert re.search(r"PCI functions:\s+00:02\.0", shell[shell.index("vm info"):]), shell
    assert "unhandled" not in log and "forbidden" not in log and "PANIC" not in log


def test_another_functions_bar_is_refused(machine, image, tmp_path):
    """The unowned serial's I/O page is outside the VM: the access is reported, the VM stops."""
    owned, other, extra = serials(tmp_path)
    m = boot(machine, image, "pci-forbidden", extra)
    m.send("busybox devmem 0x3eff2000 8\r")
    m.expect(r"vm 'linux' vcpu \d: forbidden read at IPA 0x3eff2000", timeout=60)
    m.expect(r"vm 'linux' stopped", timeout=30)
    text = m.read_for(3)
    assert rtv.ticks_reports(text, "rt"), "the other VM must keep running"
    assert read(other) == ""


def test_reboot_gives_the_function_back(machine, image, tmp_path):
    owned, other, extra = serials(tmp_path)
    m = boot(machine, image, "pci-reboot", extra)
    run(m, "echo before-reboot > /dev/ttyS0")
    m.send("reboot\r")
    m.expect(r"vm 'linux' restarted \(reset 1\)", timeout=120)
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)
    run(m, "echo after-reboot > /dev/ttyS0")
    assert intx_count(m) > 0
    text = read(owned)
    assert "before-reboot" in text and "after-reboot" in text, text
    log = read(m.log.name)
    after = log[log.index("vm 'linux' resetting"):]
    assert rtv.ticks_reports(after, "rt"), "the RT VM stopped while Linux rebooted"


def test_missing_function_refuses_the_vm(machine, image):
    """The scenario names 00:02.0; without the device the VM is refused, the other runs."""
    m = machine(image, "pci-missing")
    m.expect(r"vm 'linux': creation failed: serial: no function 00:02\.0 on the PCI bus; "
             r"left stopped", timeout=60)
    m.expect(r"\[rt\] hello: ticks=", timeout=60)
