"""Stolen time with bare-metal guests (configs/pvtime.dts, docs/power.md): the DEN 0057A
calls return what Linux expects, malformed calls get NOT_SUPPORTED (-1) and the VM keeps
running, and a vCPU's stolen time grows exactly while another VM's vCPU runs on its
pCPU."""
import re

import pytest

import rtv

PVT = re.compile(r"\[(\w+)\] spin: pvt arch=(-?\d+) feat=(-?\d+) feat_st=(-?\d+) "
                 r"st=([0-9a-f]+)(?: rev=(\d+) attr=(\d+) stolen=(\d+))? now=(\d+)[\r\n]")


@pytest.fixture
def pvm(machine):
    m = machine(rtv.scenario_image("pvtime"), "pvtime")
    m.expect_all([r"\[a\] spin: t=1 ", r"\[b\] spin: t=1 ", r"\[c\] spin: t=1 "], timeout=90)
    return m


def show(m, index):
    """VM index's PV-time view: a dict of the fields 'spin: pvt' printed."""
    m.focus(index)
    m.read_for(0.3)
    m.send("t")
    m.expect(PVT, timeout=30)
    g = m.p.match.groups()
    keys = ("vm", "arch", "feat", "feat_st", "st", "rev", "attr", "stolen", "now")
    return {k: (v if k in ("vm", "st") or v is None else int(v)) for k, v in zip(keys, g)}


def test_calls_and_structure(pvm):
    v = show(pvm, 1)
    assert (v["arch"], v["feat"], v["feat_st"]) == (0, 0, 0), v
    assert v["st"] == "90d0000" and (v["rev"], v["attr"]) == (0, 0), v
    # Without `pv-time` the functions exist (ARCH_FEATURES) but stolen time does not.
    c = show(pvm, 3)
    assert (c["arch"], c["feat"], c["feat_st"], c["st"]) == (0, 0, -1, "f" * 16), c


def test_malformed_calls_are_refused(pvm):
    pvm.focus(1)
    pvm.read_for(0.3)
    pvm.send("u")
    pvm.expect(r"\[a\] spin: pvt malformed done", timeout=30)
    bad = dict(re.findall(r"pvt bad (\w+)=(-?\d+)", pvm.p.before))
    assert bad == {k: "-1" for k in ("unknown_fn", "fn_hi", "fn_smc32", "st_smc32",
                                     "arch_hi", "next_fn")}, bad
    after = pvm.read_for(2.5)
    assert re.search(r"\[a\] spin: t=\d+ ", after), "the VM stopped after malformed calls"
    log = open(pvm.log.name).read()
    assert "abort injected" not in log and "stopped" not in log


def stolen_share(m, index, seconds):
    """The share of `seconds` of the guest's time that its structure reports stolen."""
    a = show(m, index)
    m.read_for(seconds)
    b = show(m, index)
    return (b["stolen"] - a["stolen"]) / (b["now"] - a["now"])


def test_stolen_time_grows_while_the_neighbour_runs(pvm):
    # Both spin: each runs about half of pCPU 1's time, the other half is stolen.
    share = stolen_share(pvm, 1, 3)
    assert 0.25 < share < 0.75, share
    # b idles in WFI: a runs alone and nothing is stolen from it any more.
    pvm.focus(2)
    pvm.send("i")
    pvm.expect(r"\[b\] spin: mode idle", timeout=30)
    share = stolen_share(pvm, 1, 3)
    assert share < 0.02, share
    # Nor is anything stolen from b while it waits in WFI: it is not runnable.
    share = stolen_share(pvm, 2, 3)
    assert share < 0.02, share
    # c is alone on its pCPU: never anything stolen (it has no structure at all).
    assert show(pvm, 3)["stolen"] is None
