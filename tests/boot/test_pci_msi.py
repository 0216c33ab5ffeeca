"""MSI through the virtual ITS (docs/pci.md "MSI through the ITS", configs/pci-msi.dts): two
QEMU edus, 00:04.0 in VM 'a' and 00:05.0 in VM 'b', each with one reserved event. edudma
(guests/edudma/msi.c) maps its edu's event 0 to LPI 8292 through its vITS and points the
MSI capability at GITS_TRANSLATER: three edu interrupts arrive as that LPI. Then each VM
attacks: MAPD/MAPTI of the other VM's DeviceID, MAPTI of an unreserved EventID, the MSI
address pointed at RAM, the MSI data at an unreserved event, a store to TRANSLATER. Each is
refused and reported, and MSIs keep arriving afterwards. QEMU's ITS command trace shows only
the commands rtvisor issued at boot."""
import re

import rtv

EDUS = ["-device", "edu,addr=4.0,dma_mask=0xffffffffff",
        "-device", "edu,addr=5.0,dma_mask=0xffffffffff"]
VMS = (("a", 0x20, 0x28), ("b", 0x28, 0x20))   # VM, its DeviceID, the other's


def test_msi_through_vits_and_attacks(machine, tmp_path):
    image = rtv.scenario_image("pci-msi")
    trace = tmp_path / "its.trace"
    m = machine(image, "pci-msi",
                extra=EDUS + ["-trace", "gicv3_its_cmd_*", "-D", str(trace)])
    m.expect_all([r"\[a\] edudma: done", r"\[b\] edudma: done"], timeout=60)
    m.log.flush()
    log = open(m.log.name, errors="replace").read()
    for vm, mine, other in VMS:
        out = rtv.lines_of(log, vm)
        # the edu's MSI arrives as the LPI the guest mapped; misdirected ones never do
        rtv.assert_edudma_msi(out)
        assert any(l.startswith("edudma: attack translater refused esr=") for l in out), out
        # and rtvisor said why, for each attack
        name = "vm '%s'" % vm
        assert re.search(r"%s: vITS command 0x08 \(DeviceID 0x%x EventID 0\) refused: DeviceID "
                         r"is not a function of this VM" % (name, other), log), log
        assert re.search(r"%s: vITS command 0x0a \(DeviceID 0x%x EventID 1\) refused: EventID "
                         r"not reserved" % (name, mine), log), log
        assert re.search(r"%s: 00:0%d\.0: MSI address 0x0_40000000 data 0x0 refused"
                         % (name, mine >> 3), log), log
        assert re.search(r"%s: 00:0%d\.0: MSI address 0x0_08090040 data 0x1 refused"
                         % (name, mine >> 3), log), log
        assert re.search(r"%s vcpu 0: forbidden write at IPA 0x8090040 .*abort injected"
                         % name, log), log
    # the physical ITS saw rtvisor's boot-time commands only: a collection per pCPU, then
    # per function MAPD + one MAPTI + INVALL + SYNC; none of the guests' (they MAPD'd the
    # other's DeviceID, MAPTI'd event 1, and used LPI numbers 8292..8294)
    cmds = [l.split("command ", 1)[1].strip() for l in open(trace) if "gicv3_its_cmd" in l]
    assert [c.split()[0] for c in cmds] == (["MAPC"] * 4 + ["SYNC"] +
                                            ["MAPD", "MAPTI", "INVALL", "SYNC"] * 2), cmds
    mapti = [c for c in cmds if c.startswith("MAPTI")]
    assert re.match(r"MAPTI DeviceID 0x20 EventID 0x0 ICID 0x\d pINTID 0x2000$", mapti[0])
    assert re.match(r"MAPTI DeviceID 0x28 EventID 0x0 ICID 0x\d pINTID 0x2001$", mapti[1])
