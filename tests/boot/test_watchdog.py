"""The emulated SBSA generic watchdog with Linux's stock sbsa_gwdt driver
(configs/watchdog.dts, docs/failover.md): the driver binds to the generated arm,sbsa-gwdt
node; busybox `watchdog` keeps the VM alive while it runs; killed (no magic close), the
watchdog reaches WS0 then WS1, which resets only that VM; the next boot reads WCS.WS1 and
reports it in bootstatus (WDIOF_CARDRESET = 32), a clean first boot reads 0. The expiry is
timed by the housekeeping pCPU: the bind pCPU of the RT VM takes no hypervisor tick."""
import re

import pytest

import rtv
from test_linux import PROMPT, run


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("watchdog")


def bootstatus(m):
    out = run(m, "echo bs:$(cat /sys/class/watchdog/watchdog0/bootstatus):e''nd", ":end")
    found = re.search(r"^bs:(\d+):end$", out, re.M)
    assert found, out
    return int(found.group(1))


def test_watchdog_resets_linux_when_its_daemon_dies(machine, image):
    m = machine(image, "watchdog")
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)
    assert "90e0000.watchdog" in run(m, "ls /sys/bus/platform/drivers/sbsa-gwdt", "90e0000")
    assert bootstatus(m) == 0
    # -T 4: WS0 after 2 s, WS1 after 4 s without a refresh; fed every second.
    run(m, "watchdog -t 1 -T 4 /dev/watchdog0; echo st''arted", "started")
    alive = m.read_for(8)
    assert "watchdog WS1" not in alive and "resetting" not in alive, alive
    assert "alive-7" in run(m, "echo alive-$((3+4))", "alive-7")
    m.open_shell()
    on = m.sh("wdog", r"vm 'linux' watchdog: enabled, timeout (\d+) ms, expires in \d+ ms;")
    assert int(on.group(1)) == 2000, on.group(0)   # Linux: WOR = half the timeout
    m.send(rtv.ESCAPE + "1")
    m.expect(r"console focus -> linux")
    m.send("kill -9 $(pidof watchdog)\r")
    m.expect(r"rtvisor: vm 'linux': watchdog WS1 \(timeout 2000 ms\): resetting it\r",
             timeout=30)
    m.expect(r"vm 'linux' restarted \(reset 1\)", timeout=60)
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)
    assert bootstatus(m) == 32
    m.open_shell()
    m.sh("wdog", r"vm 'linux' watchdog: disabled, timeout \d+ ms; WS0 1 WS1 1 \(last \d+ us late\), "
         r"action reset\r")
    ticks = rtv.stats(_stats_text(m))
    assert ticks[2]["tick"] == 0, ticks
    log = open(m.log.name).read()
    assert "[rt]" in log and "abort injected" not in log and "PANIC" not in log


def _stats_text(m):
    m.send("stats\r")
    m.expect(r"rtvisor> ", timeout=30)
    return m.p.before
