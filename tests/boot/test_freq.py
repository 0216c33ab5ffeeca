"""Frequency scaling with bare-metal SCMI agents (configs/freq.dts, docs/power.md): the
SCMI server answers malformed messages with statuses, a busy VM keeps a shared pCPU high
although the other VM there asks for the lowest rate, and the RT VM's bind pCPU never
leaves its fixed level."""
import re

import pytest

import rtv

LEVELS = [600, 1000, 1400, 1800, 2000]
RT_LEVEL = 1400


@pytest.fixture
def freqm(machine):
    m = machine(rtv.scenario_image("freq"), "freq")
    m.expect_all([r"\[busy\] spin: t=1 ", r"\[idle\] spin: t=1 "], timeout=90)
    return m


def vm_keys(m, index, keys, until, timeout=30):
    """Type keys into VM number index; return the text up to the `until` regex."""
    m.focus(index)
    m.read_for(0.3)
    m.send(keys)
    m.expect(until, timeout=timeout)
    return m.p.before + m.p.after


def assert_rt_fixed(view):
    ms = view[2]["ms"]
    assert view[2]["mhz"] == RT_LEVEL, view[2]["text"]
    assert ms[LEVELS.index(RT_LEVEL)] > 0 and sum(ms) == ms[LEVELS.index(RT_LEVEL)], ms


def test_scmi_discovery_and_malformed_messages(freqm):
    text = vm_keys(freqm, 2, "v", r"scmi rates status=0 n=5:[ \d]+\r+\n")
    assert " ".join(str(f * 1000000) for f in LEVELS) in text
    text = vm_keys(freqm, 2, "x", r"\[idle\] spin: scmi malformed done")
    bad = dict(re.findall(r"scmi bad (\w+)=(-?\d+)", text))
    # DEN 0056 status codes: -1 NOT_SUPPORTED, -2 INVALID_PARAMETERS, -4 NOT_FOUND,
    # -5 OUT_OF_RANGE, -10 PROTOCOL_ERROR
    assert bad == {"proto": "-1", "msg": "-1", "type": "-1", "short": "-10", "len0": "-10",
                   "lenhuge": "-10", "clock": "-4", "rate": "-5", "async": "-1",
                   "flags": "-2", "skip": "-2"}, bad
    after = freqm.read_for(2.5)
    assert re.search(r"\[idle\] spin: t=\d+ ", after), "the VM stopped after malformed SCMI"
    log = open(freqm.log.name).read()
    assert "abort injected" not in log and "stopped" not in log


def test_busy_vm_keeps_shared_pcpu_high_and_rt_pcpu_fixed(freqm):
    vm_keys(freqm, 2, "i", r"\[idle\] spin: mode idle")
    vm_keys(freqm, 2, "f", r"\[idle\] spin: scmi rate_set=0")
    text = vm_keys(freqm, 2, "g", r"\[idle\] spin: scmi status=0 rate=\d+\r")
    assert "rate=2000000000" in text, "RATE_GET must report the pCPU's real (high) rate"
    freqm.open_shell()
    view = rtv.wait_freq(freqm, 1, lambda c: c["req"] == "600MHz")
    assert view[1]["mhz"] == 2000 and view[1]["policy"] == "ondemand", view[1]["text"]
    assert_rt_fixed(view)
    # The busy VM goes: now the idle VM's request and the measured load agree.
    freqm.sh("vm pause busy", r"paused")
    view = rtv.wait_freq(freqm, 1, lambda c: c["mhz"] == 600)
    assert_rt_fixed(view)
    freqm.sh("vm resume busy", r"resumed")
    view = rtv.wait_freq(freqm, 1, lambda c: c["mhz"] == 2000)
    assert_rt_fixed(view)
    # The empty bind pCPU 3 runs nothing: lowest level.
    assert view[3]["mhz"] == 600, view[3]["text"]


def test_request_raises_an_idle_pcpu(freqm):
    vm_keys(freqm, 1, "i", r"\[busy\] spin: mode idle")
    vm_keys(freqm, 2, "i", r"\[idle\] spin: mode idle")
    freqm.open_shell()
    rtv.wait_freq(freqm, 1, lambda c: c["mhz"] == 600)
    text = vm_keys(freqm, 2, "Fg", r"\[idle\] spin: scmi status=0 rate=\d+\r")
    assert "rate=2000000000" in text, text   # a request is a floor under ondemand
    text = vm_keys(freqm, 2, "fg", r"\[idle\] spin: scmi status=0 rate=\d+\r")
    assert "rate=600000000" in text, text
