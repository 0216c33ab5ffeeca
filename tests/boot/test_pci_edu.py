"""PCI passthrough with DMA (docs/pci.md, configs/pci-edu.dts): two QEMU `edu` devices at
00:04.0 and 00:05.0, the bare-metal guest edudma (guests/edudma) in two VMs. 'dma' owns
00:04.0 with `dma` (identity RAM): DMA from its RAM into the device and back, the INTx
interrupt of each transfer. 'nodma' owns 00:05.0 without `dma`: its transfers never reach
RAM. Each sees the other's function as absent and is refused the other's BAR."""
import re

import pytest

import rtv

INTX = {4: 35 + (4 + 1 - 1) % 4, 5: 35 + (5 + 1 - 1) % 4}   # 35 + (slot + pin - 1) mod 4


@pytest.fixture(scope="module")
def image():
    return rtv.scenario_image("pci-edu")


@pytest.fixture
def devices(tmp_path):
    """Two edus (QEMU 7.2's edu masks DMA addresses to 28 bits unless told otherwise,
    guest/edu.h) and the nvme 'dma' owns only for its Function Level Reset."""
    disk = tmp_path / "nvme.img"
    disk.write_bytes(bytes(1 << 20))
    return ["-device", "edu,addr=4.0,dma_mask=0xffffffffff",
            "-device", "edu,addr=5.0,dma_mask=0xffffffffff",
            "-drive", "file=%s,if=none,id=nv0,format=raw" % disk,
            "-device", "nvme,drive=nv0,serial=rtv0002,addr=6.0"]


def lines(m, vm):
    m.log.flush()
    with open(m.log.name, errors="replace") as f:
        return rtv.lines_of(f.read(), vm)


def run_until_done(m, vms, timeout=60):
    m.expect_all([r"\[%s\] edudma: done" % vm for vm in vms], timeout=timeout)


def test_edu_dma_and_isolation(machine, image, devices):
    m = machine(image, "pci-edu", extra=devices)
    run_until_done(m, ("dma", "nodma"))
    dma, nodma = lines(m, "dma"), lines(m, "nodma")
    # each VM's bus shows its own function only
    assert "edudma: scan functions=2" in dma and "edudma: fn 00:04.0 1234:11e8" in dma, dma
    assert "edudma: fn 00:06.0 1b36:0010" in dma, dma
    assert "edudma: scan functions=1" in nodma and "edudma: fn 00:05.0 1234:11e8" in nodma
    assert ("edudma: edu at 00:04.0 bar0=0x10000000 size=0x100000 intid=%d command=0x6"
            % INTX[4]) in dma, dma
    assert "edudma: id 0x10000ed live 0xedcba987 ok" in dma
    assert "edudma: id before decoding 0xffffffff" in dma    # rtvisor left it disabled
    # DMA both ways through identity-mapped RAM, each transfer ending in its INTx
    assert "edudma: dma to-device irqs=1 status=0x100" in dma
    assert "edudma: dma to-ram irqs=1 status=0x100" in dma
    assert any(l.startswith("edudma: compare ok bytes=2048") for l in dma), dma
    # without `dma` the bus-master bit stays off: the INTx comes, the data never does
    assert ("edudma: edu at 00:05.0 bar0=0x10100000 size=0x100000 intid=%d command=0x2"
            % INTX[5]) in nodma, nodma
    assert "edudma: dma to-ram irqs=1 status=0x100" in nodma
    assert "edudma: compare MISMATCH words=512 first=0 got=0x0" in nodma, nodma
    # the other VM's function is absent, its BAR refused and reported
    assert "edudma: cfg 00:05.0 all-ones 16/16" in dma
    assert "edudma: cfg 00:04.0 all-ones 16/16" in nodma
    assert any(re.match(r"edudma: bar 0x10100000 refused esr=0x9", l) for l in dma), dma
    assert any(re.match(r"edudma: bar 0x10000000 refused esr=0x9", l) for l in nodma), nodma
    log = open(m.log.name, errors="replace").read()
    assert re.search(r"vm 'dma' vcpu 0: forbidden read at IPA 0x10100000 .*abort injected", log)
    assert re.search(r"vm 'nodma' vcpu 0: forbidden read at IPA 0x10000000 .*abort injected",
                     log)
    assert not any("LEAK" in l or "TIMEOUT" in l for l in dma + nodma)


def test_edu_dma_after_reset(machine, image, devices):
    """A reset VM's driver finds the device as at first boot and DMA works again, while the
    other VM keeps running."""
    m = machine(image, "pci-edu-reset", extra=devices)
    run_until_done(m, ("dma", "nodma"))
    m.open_shell()
    m.send("vm reset dma\r")
    # the restart line and the prompt come in either order
    m.expect_all([r"vm 'dma' restarted \(reset 1\)", r"rtvisor> "])
    m.expect(r"\[dma\] edudma: done", timeout=60)
    m.sh("vm list", r"nodma\s+running")
    dma = lines(m, "dma")
    assert dma.count("edudma: dma to-ram irqs=1 status=0x100") == 2, dma
    # whole lines only: 'dma' has the console focus, so a line a hypervisor message
    # interrupts is on screen twice, cut and then redrawn (src/core/console/console_out.c)
    ok = [l for l in dma if re.fullmatch(r"edudma: compare ok bytes=2048 ram=0x[0-9a-f]+", l)]
    assert len(ok) == 2, dma
    # the BAR is where it was, and decoding was off again until the guest enabled it
    assert dma.count("edudma: edu at 00:04.0 bar0=0x10000000 size=0x100000 intid=%d "
                     "command=0x6" % INTX[4]) == 2, dma
    assert dma.count("edudma: id before decoding 0xffffffff") == 2, dma


def test_dma_stops_when_the_reset_is_requested(machine, image, devices):
    """The guest starts a transfer into its RAM (100 ms of QEMU's clock) and asks for a
    reset at once: bus mastering must be off from the request on, although the restart
    resets the edu only after the nvme's 100 ms Function Level Reset."""
    m = machine(image, "pci-edu-gap", extra=devices)
    run_until_done(m, ("dma", "nodma"))
    m.focus(1)
    m.send("r")
    m.expect(r"\[dma\] edudma: reset with a DMA under way")
    m.expect(r"vm 'dma' restarted \(reset 1\)")
    found = m.expect(r"\[dma\] edudma: dma after the reset request (\w+) words=(\d+)\r")
    assert (found.group(1), found.group(2)) == ("blocked", "0")
    m.expect(r"\[dma\] edudma: compare ok bytes=2048")
