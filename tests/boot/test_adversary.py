"""The adversary guest (guests/adversary): a short seed of random hostile operations beside a
well-behaved VM. `make soak` (tests/soak/soak.py) runs the long version."""
import os
import re
import sys

import pytest

import rtv

sys.path.insert(0, os.path.join(rtv.ROOT, "tests", "soak"))
import adversary  # noqa: E402


@pytest.mark.parametrize("scn,gic", [("adversary", None), ("adversary-v4", 4)])
def test_adversary_short_seed(machine, scn, gic):
    """adversary-v4: the same on QEMU's gic-version=4 with `gicv4` in the adversary, so its
    vITS commands become GICv4 ones on the physical ITS (docs/pci.md)."""
    m = machine(rtv.scenario_image(scn), scn, extra=adversary.QEMU_DEVICES, gic=gic)
    m.expect_all([r"\[adversary\] adversary: start seed=1 ops=20000", r"\[rt\] hello: boot cpu0"])
    d = adversary.done_fields(m.expect(adversary.DONE_RE, timeout=180))
    assert d["ops"] == 20000
    assert d["leaks"] == 0 and d["unrefused"] == 0
    # the run really was hostile: the hypervisor injected aborts and undefined instructions
    assert d["aborts"] > 1000 and d["undefs"] > 100, d
    # the other VM kept its 1 kHz tick while and after the adversary ran
    m.expect(r"\[rt\] hello: ticks=\d+ ", timeout=30)
    text = m.read_for(3)
    assert len(rtv.ticks_reports(text, "rt")) >= 2, "rt stopped ticking"
    # the hypervisor shell still answers and both VMs are running
    m.send(rtv.ESCAPE + "s")
    m.expect(r"rtvisor> ")
    m.send("vm list\r")
    m.expect_all([r"\brt\s+running", r"adversary\s+running"])
    m.expect(r"rtvisor> ")
    # its doorbells (the shm class): the valid ones rang rt, the others were refused
    m.send("shmem\r")
    m.expect(r"rtvisor> ")
    rung = [int(x) for x in re.findall(r"vm 'adversary' shmem 'adv(?:rw|ro)' id \d: .* rung (\d+)",
                                       m.p.before)]
    refused = re.search(r"vm 'adversary' doorbells refused (\d+)", m.p.before)
    assert len(rung) == 2 and min(rung) > 0 and refused and int(refused.group(1)) > 100, m.p.before
    # its vITS (the its class): commands refused by the hundred, the queue never stalled
    m.send("its adversary\r")
    m.expect(r"rtvisor> ")
    its = re.search(r"vm 'adversary' vITS: .* commands refused (\d+),", m.p.before)
    assert its and int(its.group(1)) > 100, m.p.before
    if gic == 4:   # it ran as a GICv4 VM, and no VMAPP/VMAPTI/... the vITS sent failed
        assert re.search(r"gicv4: MSIs injected at EL2 \d+, doorbells \d+, physical ITS "
                         r"commands failed 0\r", m.p.before), m.p.before
    else:
        assert "gicv4" not in m.p.before, m.p.before
    m.log.flush()
    with open(m.log.name, errors="replace") as f:
        log = f.read()
    assert adversary.findings(log) == []
    # its PCI function was there and attacked (guests/adversary/pci.c)
    pci = re.search(r"\[adversary\] adversary: classes .* pci=(\d+)", log)
    assert pci and int(pci.group(1)) > 500, pci     # weight 3 of 67: about 900 of 20000
    shm = re.search(r"\[adversary\] adversary: classes .* shm=(\d+)", log)
    assert shm and int(shm.group(1)) > 300, shm
    its = re.search(r"\[adversary\] adversary: classes .* its=(\d+)\n", log)
    assert its and int(its.group(1)) > 500, its     # weight 3 of 67: about 900 of 20000
    assert re.search(r"vm 'adversary': vITS command 0x[0-9a-f]{2} .* refused", log), log[-3000:]
    assert "creation failed" not in log
    assert "PANIC" not in log
