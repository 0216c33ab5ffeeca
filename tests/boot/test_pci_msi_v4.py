"""GICv4 direct injection (docs/pci.md "GICv4 direct injection", configs/pci-msi-v4.dts):
configs/pci-msi.dts with `gicv4` in VM 'a', on QEMU's gic-version=4. edudma maps its edu's
event 0 to LPI 8292 through its vITS; rtvisor turns the physical translation of that event
into a vLPI of vCPU 0's vPE (VMAPTI, the event's physical LPI 0x2000 as doorbell). QEMU's
trace shows the MSIs reaching the guest through the virtual CPU interface (ICV_IAR1 reads
8292 on pCPU 2) while pCPU 2 never acknowledges the physical LPI at EL2 (no ICC_IAR1 read
of 0x2000); VM 'b' (GICv3 path, pCPU 3) takes each of its MSIs at EL2 (0x2001) first. The
attacks of pci-msi are still refused and reach neither ITS. Last, edudma waits in WFI for
the MSI that ends an edu DMA: a's waiting vCPU's vPE is not resident, so the MSI rings the
doorbell, taken at EL2 once (0x2000 on pCPU 2), which wakes the vCPU; resident again, the
vLPI is delivered from its pending table. On gic-version=3 the same
scenario refuses VM 'a' at creation with the reason, and 'b' runs."""
import re

import rtv

EDUS = ["-device", "edu,addr=4.0,dma_mask=0xffffffffff",
        "-device", "edu,addr=5.0,dma_mask=0xffffffffff"]
TRACE = ["-trace", "gicv3_its_cmd_*", "-trace", "gicv3_icc_iar1_read",
         "-trace", "gicv3_icv_iar_read"]


def trace_lines(path):
    return [l.strip() for l in open(path, errors="replace")]


def test_msi_as_vlpi_without_el2(machine, tmp_path):
    image = rtv.scenario_image("pci-msi-v4")
    trace = tmp_path / "gic.trace"
    m = machine(image, "pci-msi-v4", gic=4, extra=EDUS + TRACE + ["-D", str(trace)])
    m.expect(r"rtvisor: ITS: GICv4 virtual LPIs available")
    m.expect_all([r"\[a\] edudma: done", r"\[b\] edudma: done"], timeout=60)
    m.open_shell()
    m.send("its a\r")
    m.expect(r"rtvisor> ")
    view_a = m.p.before
    m.log.flush()
    log = open(m.log.name, errors="replace").read()
    for vm in ("a", "b"):
        out = rtv.lines_of(log, vm)
        rtv.assert_edudma_msi(out)
        assert "edudma: msi wfi lpis=1 last=8292 timeout=0" in out, out
    assert re.search(r"vm 'a': vITS command 0x08 \(DeviceID 0x28 EventID 0\) refused", log)
    assert re.search(r"vm 'a': vITS command 0x0a \(DeviceID 0x20 EventID 1\) refused", log)
    # the shell: a's event is a vLPI of vCPU 0's vPE (not resident now: edudma waits in
    # WFI after "done", and a waiting vCPU's vPE is put), no MSI of a's injected at EL2
    assert re.search(r"gicv4: MSIs injected at EL2 0, doorbells 1, physical ITS commands "
                     r"failed 0\r", view_a), view_a
    assert re.search(r"gicv4: vLPI 8292 on vPE 0 \(vCPU 0, not resident\)\r", view_a), view_a

    lines = trace_lines(trace)
    cmds = [l.split("command ", 1)[1] for l in lines if "gicv3_its_cmd" in l]
    # a's vPE on pCPU 2's redistributor, its event a vLPI of it with the physical LPI as
    # doorbell; nothing for the other VM's DeviceID or an unreserved event
    assert any(re.match(r"VMAPP vPEID 0x0 RDbase 0x2 V 1 VPT_addr 0x[0-9a-f]+ VPT_size 0xd$", c)
               for c in cmds), cmds
    vmapti = [c for c in cmds if c.startswith("VMAPI")]
    assert vmapti and all(re.match(r"VMAPI DeviceID 0x20 EventID 0x0 vPEID 0x0 vINTID 0x2064 "
                                   r"Dbell_pINTID 0x2000$", c) for c in vmapti), cmds
    assert not [c for c in cmds if "DeviceID 0x28" in c and not c.startswith("MAP")], cmds
    # delivery: a's vLPI read from the virtual CPU interface of pCPU 2 seven times, its
    # physical LPI acknowledged there once, as the doorbell of the WFI wait; b's physical
    # LPI acknowledged at EL2 on pCPU 3 for each MSI, then its LPI from a list register
    icv_a = [l for l in lines if re.search(r"ICV_IAR1 read cpu 0x2 value 0x2064$", l)]
    icc_a = [l for l in lines if re.search(r"ICC_IAR1 read cpu 0x2 value 0x2000$", l)]
    icc_b = [l for l in lines if re.search(r"ICC_IAR1 read cpu 0x3 value 0x2001$", l)]
    icv_b = [l for l in lines if re.search(r"ICV_IAR1 read cpu 0x3 value 0x2064$", l)]
    assert len(icv_a) == 7 and len(icc_a) == 1, (len(icv_a), len(icc_a))
    assert len(icc_b) == 7 and len(icv_b) == 7, (len(icc_b), len(icv_b))


def test_gicv4_refused_without_gicv4(machine):
    image = rtv.scenario_image("pci-msi-v4")
    m = machine(image, "pci-msi-v4-on-v3", gic=3, extra=EDUS)
    m.expect(r"vm 'a': creation failed: gicv4: the platform has no GICv4 \(GITS_TYPER\.Virtual, "
             r"GICR_TYPER\.VLPIS\); left stopped")
    m.expect(r"\[b\] edudma: msi after lpis=3 last=8292\r", timeout=60)


def test_linux_nvme_msix_as_vlpis(machine, tmp_path):
    """configs/pci-nvme-v4.dts: test_pci_nvme's Linux VM with `gicv4` on gic-version=4. Its
    unmodified ITS driver maps the nvme queues' MSI-X vectors through the vITS; rtvisor
    makes each a vLPI. The queues' counts grow, the disk reads and writes back right, no MSI
    is injected at EL2 (only doorbells, while a vCPU waits in WFI), and after a reboot
    (every event back on its physical LPI, then mapped again) it works the same."""
    from test_pci_nvme import (DISK_MIB, boot, disk_md5, make_disk, md5, msi_count,
                               write_and_read_back, written)
    rtv.make("linux-images")
    image = rtv.scenario_image("pci-nvme-v4")
    path, data, extra = make_disk(tmp_path)
    after, w = written(data)
    m = machine(image, "pci-nvme-v4", gic=4, extra=extra)
    boot(m)
    before = msi_count(m)
    assert disk_md5(m, 0, DISK_MIB) == md5(data)
    assert write_and_read_back(m) == md5(w)
    assert msi_count(m) > before
    m.open_shell()
    m.send("its linux\r")
    m.expect(r"rtvisor> ")
    view = m.p.before
    assert re.search(r"gicv4: MSIs injected at EL2 0, doorbells \d+, physical ITS commands "
                     r"failed 0\r", view), view
    assert len(re.findall(r"gicv4: vLPI \d+ on vPE \d+ \(vCPU [01], ", view)) >= 3, view
    m.focus(1)
    m.send("reboot\r")
    m.expect(r"vm 'linux' restarted \(reset 1\)", timeout=120)
    boot(m)
    assert disk_md5(m, 0, DISK_MIB) == md5(after)
    assert msi_count(m) > 0
