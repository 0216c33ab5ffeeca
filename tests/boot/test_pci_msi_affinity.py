"""MSI affinity through the virtual ITS (docs/pci.md "Affinity", configs/pci-msi-affinity.dts):
edudma with two vCPUs in a dynamic pool owns an edu with one reserved MSI event. It moves the
event to vCPU 1 with MOVI, back to vCPU 0 with MOVALL and to vCPU 1 again with MAPC, and each
time the edu's MSIs arrive on that vCPU only. Then it raises an MSI every 100 ms while the test
moves its vCPUs between the pool's pCPUs (`vcpu pin`): every MSI keeps arriving on vCPU 1,
whether vCPU 1 shares the pCPU that takes the physical LPI (pCPU 1) or not. The shell's
`its a` shows the mapping, where it is delivered and the refused commands."""
import re

import rtv

EDU = ["-device", "edu,addr=4.0,dma_mask=0xffffffffff"]
TICK = r"\[a\] edudma: tick (\d+) cpu0=(\d+) cpu1=(\d+)\r"


def ticks(m):
    """The next tick line after the one under way: (tick, on cpu0, on cpu1)."""
    m.expect(TICK, timeout=30)
    return tuple(int(x) for x in m.expect(TICK, timeout=30).groups())


def test_msi_follows_movi_movall_mapc_and_migration(machine):
    m = machine(rtv.scenario_image("pci-msi-affinity"), "pci-msi-affinity", extra=EDU)
    m.expect(r"\[a\] edudma: done", timeout=90)
    m.log.flush()
    out = rtv.lines_of(open(m.log.name, errors="replace").read(), "a")
    assert "edudma: msi after lpis=3 last=8292" in out, out
    # each step: the three MSIs all arrive, and only on the vCPU the collection names
    assert "edudma: affinity movi lpis=3 cpu0=0 cpu1=3" in out, out
    assert "edudma: affinity movall lpis=3 cpu0=3 cpu1=0" in out, out
    assert "edudma: affinity mapc lpis=3 cpu0=0 cpu1=3" in out, out
    m.open_shell()
    # vCPU 0 on pCPU 1 (it takes the physical LPI), vCPU 1 on pCPU 2: injected with a kick;
    # then both on pCPU 1; vCPU 1 alone on pCPU 1; both on pCPU 2 (pCPU 1 idle takes it)
    steps = [None, "vcpu pin a 1 1", "vcpu pin a 0 2", "vcpu pin a 1 2"]
    for cmd in steps:
        if cmd:
            vcpu, pcpu = cmd.split()[3:5]
            m.sh(cmd, r"vm 'a' vcpu %s pinned to pCPU %s\r" % (vcpu, pcpu))
        t0, c0, d0 = ticks(m)
        t1, c1, d1 = ticks(m)
        assert t1 > t0, (cmd, t0, t1)
        assert d1 - d0 == t1 - t0, "MSIs lost on vCPU 1 after %r: %r" % (cmd, (t0, d0, t1, d1))
        assert c1 == c0, "an MSI reached vCPU 0 after %r" % cmd
    # the shell's view: the collection on vCPU 1 (now on pCPU 2), the event's LPI enabled
    # there, its physical LPI still taken on pCPU 1, the three commands msi.c's attacks
    # had refused (MAPD and MAPTI of the other edu's DeviceID, MAPTI of event 1)
    m.send("its a\r")
    m.expect(r"rtvisor> ")
    view = m.p.before
    assert re.search(r"vm 'a' vITS: enabled, .* commands refused 3, events without "
                     r"translation 0\r", view), view
    assert re.search(r"collection 1 -> vCPU 1 \(on pCPU 2\)\r", view), view
    assert re.search(r"device 0x20 \(00:04\.0\): mapped, 1 EventID bits, 1 events reserved",
                     view), view
    assert re.search(r"event 0 -> LPI 8292 collection 1: vCPU 1 enabled (idle|pending)"
                     r"( in-LR)? prio 0x80 \(physical LPI 8192 on pCPU 1\)\r", view), view
    m.sh("its rt", r"vm .rt. has no vITS")
    m.sh("its 9", r"no VM .9.")
