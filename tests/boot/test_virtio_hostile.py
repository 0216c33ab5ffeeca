"""A hostile virtio driver (guests/vbad, configs/virtio-hostile.dts, docs/virtio.md): every
broken ring it builds (a descriptor loop, a buffer outside its RAM, a 4 GiB length, a head
or next index out of range, an avail index running ahead, a nested indirect table, a
descriptor table outside its RAM, a block request without a status byte) is refused: the
device reports DEVICE_NEEDS_RESET (0x40) with a configuration-change interrupt, the
hypervisor prints one report per device, and after a reset the device carries a good
buffer again. The RT VM keeps ticking; the shell counts the refusals."""
import re

import rtv

CASES = ("loop", "outside-ram", "huge-length", "head-out-of-range", "next-out-of-range",
         "avail-ahead", "nested-indirect", "ring-outside-ram", "blk-no-status")


def test_broken_rings_refused_and_reported_once(machine):
    m = machine(rtv.scenario_image("virtio-hostile"), "virtio-hostile")
    m.expect(r"\[vbad\] vbad: done", timeout=60)
    text = m.read_for(3)
    log = open(m.log.name).read()
    for case in CASES:
        got = re.search(r"\[vbad\] vbad: %s status=0x([0-9a-f]+) isr=0x([0-9a-f]+)" % case, log)
        assert got, case
        assert int(got.group(1), 16) & 0x40, (case, got.group(0))   # DEVICE_NEEDS_RESET
        assert int(got.group(2), 16) & 0x2, (case, got.group(0))    # config-change interrupt
    assert re.search(r"^\[vbad\] vbad-alive 42$", log, re.M), "the console did not work after reset"
    assert re.search(r"^\[vbad\] vbad: alive status=0xf used=1$", log, re.M)
    reports = re.findall(r"rtvisor: vm 'vbad' virtio (\S+) \((\w+)\): ([^;\r\n]+); device needs reset", log)
    assert sorted(r[0] for r in reports) == ["disk", "hvc"], reports   # once per device
    assert ("hvc", "console", "loop in a descriptor chain") in reports, reports
    assert rtv.ticks_reports(text, "rt"), "the RT VM stopped ticking"
    m.open_shell()
    found = m.sh("vdev", r"hvc console @0xa000000 irq 48: [^\r\n]* refused (\d+)(?=\D)")
    assert int(found.group(1)) == 8, found.group(0)
    assert "PANIC" not in log and "unhandled" not in log
