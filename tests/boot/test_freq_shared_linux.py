"""The case a guest alone gets wrong (configs/linux-freq-shared.dts, docs/power.md,
issue 16): an idle Linux VM (rt kernel, cpufreq-dt over SCMI) shares the ondemand pCPU 1
with a busy bare-metal VM. Linux's stock `powersave` governor asks for the lowest rate;
rtvisor keeps the pCPU at the highest level while the other VM is busy (and Linux reads
that real rate back), lets it fall once that VM is paused and raises it again on resume.
The RT VM's bind pCPU never leaves its fixed level meanwhile.

(Linux's default governor, schedutil, made no request at all in 60 s of an idle VM here,
so the test chooses powersave, the governor whose request is the lowest by definition.)"""
import re

import pytest

import rtv
from test_freq_linux import cpufreq, write
from test_linux import boot

LEVELS = [600, 1000, 1400, 1800, 2000]
RT_LEVEL = 1400


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("linux-freq-shared")


def assert_rt_fixed(view):
    ms = view[2]["ms"]
    assert view[2]["mhz"] == RT_LEVEL, view[2]["text"]
    assert ms[LEVELS.index(RT_LEVEL)] > 0 and sum(ms) == ms[LEVELS.index(RT_LEVEL)], ms


def linux_request(view):
    """Linux's request in the view's `requests:` line (None if it made none)."""
    found = re.search(r"\blinux/0=(\d+)MHz", view[1]["text"])
    return int(found.group(1)) if found else None


def test_idle_linux_asks_lowest_but_busy_neighbour_keeps_pcpu_high(machine, image):
    m = boot(machine, image, "linux-freq-shared")
    assert cpufreq(m, "scaling_driver") == "cpufreq-dt"
    write(m, "scaling_governor", "powersave")
    assert cpufreq(m, "scaling_cur_freq") == "600000"       # what the governor asked for
    assert cpufreq(m, "cpuinfo_cur_freq") == "2000000"      # what the pCPU really runs at
    m.open_shell()
    # Linux's governor asks for the lowest rate; the busy VM on the same pCPU wins.
    view = rtv.wait_freq(m, 1, lambda c: c["req"] == "600MHz")
    assert linux_request(view) == 600, view[1]["text"]
    assert view[1]["mhz"] == 2000 and view[1]["policy"] == "ondemand", view[1]["text"]
    assert_rt_fixed(view)
    # Without the busy VM the measured load falls and so does the level: one step per
    # sample below 30 % load. Only "below 2000 MHz" is waited for: in one run the rt kernel
    # alone kept pCPU 1 about 45 % busy (between the thresholds: ondemand holds), in
    # another 8 % (docs/power.md "Not done yet").
    m.sh("vm pause busy", r"paused")
    view = rtv.wait_freq(m, 1, lambda c: c["mhz"] < 2000)
    assert linux_request(view) == 600, view[1]["text"]
    assert_rt_fixed(view)
    m.sh("vm resume busy", r"resumed")
    view = rtv.wait_freq(m, 1, lambda c: c["mhz"] == 2000)
    assert_rt_fixed(view)
    log = open(m.log.name).read()
    assert "unhandled" not in log and "forbidden" not in log and "abort injected" not in log
