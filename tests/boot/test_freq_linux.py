"""Stock Linux cpufreq under rtvisor (configs/linux-freq.dts, docs/power.md): the rt
kernel's cpufreq-dt drives SCMI clocks served by rtvisor; the pool's ondemand policy
decides from the hypervisor-measured load with the guest's request as a floor."""
import re

import pytest

import rtv
from test_linux import boot, run

CPUFREQ = "/sys/devices/system/cpu/cpu0/cpufreq/"


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("linux-freq")


def cpufreq(m, name):
    """One cpufreq attribute of cpu0 (retyped once if the line was lost, see run())."""
    out = run(m, "echo cf:$(cat %s%s):f''c" % (CPUFREQ, name), ":fc")
    found = re.search(r"^cf:(.*):fc$", out, re.M)   # f''c: the typed line never matches
    return found.group(1).strip() if found else out


def write(m, name, value):
    run(m, "echo %s > %s%s && echo wrote-%s" % (value, CPUFREQ, name, name), "wrote-" + name)


def shell_view(m, pcpu, want, timeout=30):
    """Give the shell the focus, wait for want(freq row of pcpu), hand the focus back."""
    m.open_shell()
    view = rtv.wait_freq(m, pcpu, want, timeout)
    m.focus(1)
    m.expect(r"console focus -> linux")
    return view


def test_linux_cpufreq_follows_rtvisor(machine, image):
    m = boot(machine, image, "linux-freq")
    assert cpufreq(m, "scaling_available_frequencies") == "600000 1000000 1400000 1800000 2000000"
    assert cpufreq(m, "scaling_driver") == "cpufreq-dt"
    write(m, "scaling_governor", "userspace")
    write(m, "scaling_setspeed", "1000000")
    assert cpufreq(m, "cpuinfo_cur_freq") == "1000000"
    view = shell_view(m, 0, lambda c: c["req"] == "1000MHz" and c["mhz"] == 1000)
    assert view[2]["mhz"] == 1400 and view[2]["ms"][3:] == [0, 0], view[2]["text"]
    # Ask for the lowest rate, then load both vCPUs: the measured load wins.
    write(m, "scaling_setspeed", "600000")
    shell_view(m, 0, lambda c: c["mhz"] == 600)
    run(m, "taskset 1 sh -c 'while :; do :; done' & taskset 2 sh -c 'while :; do :; done' & "
        "echo started-busy", "started-busy")
    shell_view(m, 0, lambda c: c["mhz"] == 2000 and c["req"] == "600MHz")
    assert cpufreq(m, "cpuinfo_cur_freq") == "2000000"
    run(m, "kill %1 %2; echo killed-busy", "killed-busy")
    view = shell_view(m, 0, lambda c: c["mhz"] == 600)
    rt = view[2]
    assert rt["mhz"] == 1400 and sum(rt["ms"]) == rt["ms"][2], rt["text"]   # never moved
    log = open(m.log.name).read()
    assert "unhandled" not in log and "forbidden" not in log
