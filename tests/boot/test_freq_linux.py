"""Stock Linux cpufreq under rtvisor (configs/linux-freq.dts, docs/power.md): the rt
kernel's cpufreq-dt drives SCMI clocks served by rtvisor; the pool's ondemand policy
decides from the hypervisor-measured load with the guest's request as a floor."""
import pytest

import rtv
from test_linux import boot, run

CPUFREQ = "/sys/devices/system/cpu/cpu0/cpufreq/"


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("linux-freq")


def cpufreq(m, name):
    return run(m, "cat " + CPUFREQ + name).splitlines()[-1].strip()


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
    run(m, "echo userspace > " + CPUFREQ + "scaling_governor")
    run(m, "echo 1000000 > " + CPUFREQ + "scaling_setspeed")
    assert cpufreq(m, "cpuinfo_cur_freq") == "1000000"
    view = shell_view(m, 0, lambda c: c["req"] == "1000MHz" and c["mhz"] == 1000)
    assert view[2]["mhz"] == 1400 and view[2]["ms"][3:] == [0, 0], view[2]["text"]
    # Ask for the lowest rate, then load both vCPUs: the measured load wins.
    run(m, "echo 600000 > " + CPUFREQ + "scaling_setspeed")
    shell_view(m, 0, lambda c: c["mhz"] == 600)
    run(m, "taskset 1 sh -c 'while :; do :; done' & taskset 2 sh -c 'while :; do :; done' &")
    shell_view(m, 0, lambda c: c["mhz"] == 2000 and c["req"] == "600MHz")
    assert cpufreq(m, "cpuinfo_cur_freq") == "2000000"
    run(m, "kill %1 %2")
    view = shell_view(m, 0, lambda c: c["mhz"] == 600)
    rt = view[2]
    assert rt["mhz"] == 1400 and sum(rt["ms"]) == rt["ms"][2], rt["text"]   # never moved
    log = open(m.log.name).read()
    assert "unhandled" not in log and "forbidden" not in log
