"""Stolen time with Linux's stock paravirt clock (configs/linux-pvtime.dts,
docs/power.md): the rt kernel finds DEN 0057A through SMCCC_ARCH_FEATURES, maps each
vCPU's structure and, with its two vCPUs sharing one dynamic pCPU, /proc/stat's steal
column (the 8th value of the cpu line) grows while both are busy."""
import re

import pytest

import rtv
from test_linux import boot, run


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("linux-pvtime")


def steal(m):
    """The steal column of /proc/stat's cpu line, in USER_HZ ticks."""
    out = run(m, "echo st:$(head -1 /proc/stat):t''s", ":ts")
    found = re.search(r"^st:cpu\s+((?:\d+\s*){8,}):ts$", out, re.M)
    assert found, out
    return int(found.group(1).split()[7])


def test_steal_grows_with_two_vcpus_on_one_pcpu(machine, image):
    m = boot(machine, image, "linux-pvtime")
    assert "using stolen time PV" in run(m, "dmesg | grep arm-pv", "stolen time")
    before = steal(m)
    run(m, "taskset 1 sh -c 'while :; do :; done' & taskset 2 sh -c 'while :; do :; done' & "
        "echo started-busy", "started-busy")
    m.read_for(4)
    run(m, "kill %1 %2; echo killed-busy", "killed-busy")
    grown = steal(m) - before
    # About half of 2 x 4 s is stolen (USER_HZ = 100): well above 50 ticks.
    assert grown > 50, (before, grown)
    log = open(m.log.name).read()
    assert "abort injected" not in log and "Unexpected revision" not in log
