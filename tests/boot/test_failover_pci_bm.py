"""A PCI function moves with the primary role (configs/pci-failover-bm.dts, guests/edudma,
docs/failover.md "Moving PCI functions"): QEMU's edu at 00:04.0 is listed by both VMs of
group `dev`. At boot only the primary `a` sees it: it DMAs through it and takes its MSI
through its vITS, while the backup `b` reads the function's ID as all ones (absent) and
waits for the promotion notice. `failover dev` fences `a` (the function quiesced, its BAR
unmapped, its events no longer a's; a reset: rebirth) and promotes `b`: its vPCI shows the
function, and the same DMA and MSI work there. The second switch gives it back to the
reborn `a`, which finds it the same way. With `fence = "isolate"` the fenced primary runs
on: its read of the BAR is refused and reported as fenced. A function with Function Level
Reset (QEMU's nvme in the edu's slot) is not ready at once: until its reset's 100 ms are
over the promoted backup reads its Vendor ID as 0001h (retry status), then its IDs."""
import re

import rtv
from test_failover_bm import all_of

EDU = ["-device", "edu,addr=4.0,dma_mask=0xffffffffff"]
ABSENT = r"\[%s\] edudma: no edu: 00:04\.0 id 0xffffffff, waiting for a promotion\r"
FOUND = (r"\[%s\] edudma: promoted: 00:04\.0 first id 0x11e81234, id 0x11e81234 after 0 ms, "
         r"found\r")


def switch(n, fenced, promoted, how=""):
    return (r"rtvisor: failover 'dev': shell: '%s' fenced%s, '%s' promoted \(switch %d\)\r"
            % (fenced, how, promoted, n))


def drove(log, vm, runs):
    """vm's edudma drove the edu `runs` times: DMA both ways, pattern back, MSI as its LPI."""
    out = rtv.lines_of(log, vm)
    assert sum(bool(re.fullmatch(r"edudma: compare ok bytes=2048 ram=0x[0-9a-f]+", l))
               for l in out) == runs, out
    assert sum(l == "edudma: msi after lpis=3 last=8292" for l in out) == runs, out
    rtv.assert_edudma_msi(out)


def owner(m, vm):
    m.open_shell()
    m.sh("pci", r"00:04\.0 1234:11e8 %s " % vm)


def test_pci_function_moves_and_comes_back(machine):
    m = machine(rtv.scenario_image("pci-failover-bm"), "pci-failover-bm", extra=EDU)
    m.expect(r"rtvisor: failover 'dev': primary 'a', backup 'b', rebirth\r", timeout=30)
    all_of(m, r"\[a\] edudma: done\r", ABSENT % "b", timeout=60)
    owner(m, "a")
    m.send("failover dev\r")
    all_of(m, switch(1, "a", "b"), FOUND % "b", r"\[b\] edudma: done\r", ABSENT % "a",
           timeout=60)
    owner(m, "b")
    m.send("failover dev\r")
    all_of(m, switch(2, "b", "a"), FOUND % "a", ABSENT % "b", timeout=60)
    m.expect(r"\[a\] edudma: done\r", timeout=60)
    owner(m, "a")
    log = open(m.log.name, errors="replace").read()
    drove(log, "a", 2)
    drove(log, "b", 1)
    assert "PANIC" not in log and "unhandled" not in log


def test_isolated_primary_cannot_reach_the_moved_function(machine):
    m = machine(rtv.scenario_image("pci-failover-isolate-bm"), "pci-failover-isolate-bm",
                extra=EDU)
    all_of(m, r"\[a\] edudma: done\r", ABSENT % "b", timeout=60)
    m.open_shell()
    m.send("failover dev\r")
    all_of(m, switch(1, "a", "b", r" \(isolated, running\)"), FOUND % "b",
           r"\[b\] edudma: done\r", timeout=60)
    m.focus(1)
    m.send("b")  # a reads its edu's ID register: the BAR is b's now
    all_of(m, r"\[a\] edudma: edu id read refused esr=0x[0-9a-f]+\r",
           r"rtvisor: vm 'a' vcpu 0: read at IPA 0x10000000 refused: fenced by failover 'dev' "
           r"\(pci 'edu' moved to 'b'\) \(pc 0x[0-9a-f]+\): abort injected\r")
    m.focus(2)
    m.send("b")  # while b reads it
    m.expect(r"\[b\] edudma: edu id 0x010000ed\r", timeout=10)
    log = open(m.log.name, errors="replace").read()
    drove(log, "b", 1)


def test_promoted_function_retries_during_its_flr(machine, tmp_path):
    """QEMU's nvme (it has FLR) in the edu's slot: neither edudma drives it, but the
    backup reads its ID right after the promotion notice: 0001h (Configuration Request
    Retry Status) while the FLR runs, the nvme's IDs once its 100 ms are over."""
    disk = tmp_path / "nvme.img"
    disk.write_bytes(bytes(1 << 20))
    m = machine(rtv.scenario_image("pci-failover-bm"), "pci-failover-bm-flr",
                extra=["-drive", "file=%s,if=none,id=nv0,format=raw" % disk,
                       "-device", "nvme,drive=nv0,serial=rtv0003,addr=4.0"])
    all_of(m, r"\[a\] edudma: no edu: 00:04\.0 id 0x00101b36, waiting for a promotion\r",
           ABSENT % "b", timeout=60)
    m.open_shell()
    m.sh("pci", r"00:04\.0 1b36:0010 a .*FLR")
    m.send("failover dev\r")
    _, got = all_of(m, switch(1, "a", "b"),
                    r"\[b\] edudma: promoted: 00:04\.0 first id 0xffff0001, id 0x00101b36 "
                    r"after (\d+) ms, no edu\r", timeout=60)
    assert 90 <= int(got.group(1)) <= 150, got.group(0)
