"""Shared memory between two bare-metal VMs (configs/shmem.dts, guests/shmchan, docs/shmem.md).

'prod' streams sequence-numbered bytes through a ring in region 'chan' and rings 'cons' on
its doorbell at the ring's threshold; 'cons' checks every byte, counts doorbells, and resets
itself once with unread data in the ring. The doorbells 'prod' may not ring are refused with
a status; the read-only region refuses 'cons''s write with a reported abort."""
import re

import pytest

import rtv

THRESHOLD = 1024
MIB = 1 << 20


@pytest.fixture(scope="module")
def image():
    return rtv.scenario_image("shmem")


def test_channel_doorbells_refusals_and_reset(machine, image):
    m = machine(image, "shmem-channel")
    # The two VMs print at once, so their lines come in any order: the producer's start
    # and refused doorbells, and the consumer's read-only checks and first attach (the same
    # read-only lines come again after its reset, so all of them must be in one wait: a
    # separate wait for the producer's start once read past the consumer's first abort).
    rings = {r"\[prod\] shmchan: ring %s -> (-?\d+)\r" % re.escape(what): what
             for what in ("a region it does not map", "itself", "no such VM",
                          "peer with high bits", "region with high bits", "no such region")}
    todo = list(rings) + [
        r"\[prod\] shmchan: producer vm0, region zeroed\r",
        # the read-only mapping: zero, and a write is an abort the hypervisor reports
        r"vm 'cons' vcpu 0: forbidden write at IPA 0x50100000 .*abort injected",
        r"\[cons\] shmchan: write to read-only region refused",
        r"\[cons\] shmchan: read-only region reads zero\r",
        r"\[cons\] shmchan: consumer vm1 attach starts=1 tail=0 "]
    while todo:
        pat = todo.pop(m.p.expect(todo, timeout=60))
        if pat in rings:
            assert m.p.match.group(1) == "-2", rings[pat]
    # first boot: every byte in order, a doorbell per threshold's worth at most; then the
    # consumer resets itself with unread data in the ring ...
    r = m.expect(r"\[cons\] shmchan: cons resetting at got=(\d+) unread=(\d+) bad=(\d+) "
                 r"doorbells=(\d+)\r", timeout=120)
    at, unread, bad, bells = (int(x) for x in r.groups())
    assert bad == 0
    assert 0 < bells <= at // THRESHOLD + 1, (at, bells)
    m.expect(r"vm 'cons' restarted \(reset 1\)")
    # ... and finds the ring where it left it: its tail, the unread bytes, more since
    a = m.expect(r"\[cons\] shmchan: consumer vm1 attach starts=2 tail=(\d+) unread=(\d+)\r")
    assert int(a.group(1)) == at
    assert int(a.group(2)) >= unread
    # the producer carried on, the consumer checks from there: no byte lost or changed
    m.expect(r"\[prod\] shmchan: prod sent=(\d+) rung=\d+ down=\d+ overrun=0\r", timeout=120)
    while True:
        g = m.expect(r"\[cons\] shmchan: cons got=(\d+) bad=(\d+) doorbells=(\d+) waits=\d+ "
                     r"overrun=0 ns=\d+\r", timeout=120)
        n, bad, bells = int(g.group(1)), int(g.group(2)), int(g.group(3))
        if n >= at + 64 * MIB:
            break
    assert bad == 0
    assert 0 < bells <= (n - at) // THRESHOLD + 1, (n - at, bells)
    # the shell's view: placement, access, doorbells rung and refused per VM
    m.open_shell()
    m.send("shmem\r")
    m.expect(r"rtvisor> ")
    text = m.p.before
    prod = re.search(r"vm 'prod' shmem 'chan' id 0: ipa 0x50000000 pa 0x[0-9a-f]+ size 0x10000 rw "
                     r"doorbell 287 rung (\d+)", text)
    cons = re.search(r"vm 'cons' shmem 'chan' id 0: ipa 0x50000000 pa 0x[0-9a-f]+ size 0x10000 rw "
                     r"doorbell 100 rung 0", text)
    ro = re.search(r"vm 'cons' shmem 'ro' id 1: ipa 0x50100000 pa 0x7f000000 size 0x1000 ro "
                   r"doorbell 287 rung 0", text)
    assert prod and cons and ro, text
    assert int(prod.group(1)) >= bells
    assert re.search(r"vm 'prod' doorbells refused 6\r", text), text
    assert re.search(r"vm 'cons' doorbells refused 0\r", text), text
    assert "PANIC" not in m.read_for(1)
