"""QEMU boot tests of vGIC state the guest changes through the distributor/redistributor."""
import rtv


def test_icactiver_clears_the_virtual_active_state(machine):
    """Clearing an acknowledged (active) timer PPI through GICR_ICACTIVER0 must clear the
    virtual copy in the list register too, not only the physical interrupt: the still
    asserted line is then delivered again (issue 19)."""
    m = machine(rtv.scenario_image("demo"), "vgic-icactiver")
    m.expect(r"\[beta\] hello: ticks=1000", timeout=90)
    m.focus(2)
    m.expect(r"console focus -> beta")
    m.send("v")
    m.expect(r"\[beta\] hello: active-clear iar=(\d+) hppir=(\d+)\s")
    iar, hppir = m.p.match.group(1), m.p.match.group(2)
    assert iar == "27", "timer PPI not acknowledged: iar=%s" % iar
    assert hppir == "27", "timer not delivered again after ICACTIVER0: hppir=%s" % hppir
    m.expect(r"\[beta\] hello: ticks=2000", timeout=30)   # ticks go on afterwards
