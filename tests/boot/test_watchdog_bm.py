"""The SBSA watchdog from a bare-metal guest (configs/watchdog-bm.dts, guests/wdogbm,
docs/failover.md): fed every 20 ms with a 100 ms offset it stays quiet and WCV follows
every refresh; left alone, WS0 arrives as its SPI no earlier than the offset after the
last refresh, WS1 resets only that VM, and its next boot reads WCS = WS0 | WS1 until it
refreshes. Its pCPU is a bind pCPU: the expiry is timed by the housekeeper, so that
pCPU takes no hypervisor tick, and the other RT VM keeps ticking."""
import rtv


def test_watchdog_ws0_then_ws1_reset_on_a_bind_pcpu(machine):
    m = machine(rtv.scenario_image("watchdog-bm"), "watchdog-bm")
    m.expect(r"\[wd\] wdogbm: boot wcs 0x0 iidr 0x0\r", timeout=30)
    m.expect(r"\[wd\] wdogbm: fed 20 times, wcv wrong 0, ws0 irqs 0, wcs 0x1\r", timeout=30)
    m.expect(r"\[wd\] wdogbm: no more feeding\r", timeout=10)
    ws0 = m.expect(r"\[wd\] wdogbm: ws0 irq after (\d+) ms, wcs 0x3\r", timeout=10)
    assert 100 <= int(ws0.group(1)) < 1000, ws0.group(0)
    m.expect(r"rtvisor: vm 'wd': watchdog WS1 \(timeout 100 ms\): resetting it\r", timeout=10)
    m.expect(r"vm 'wd' restarted \(reset 1\)", timeout=10)
    m.expect(r"\[wd\] wdogbm: boot wcs 0x6 iidr 0x0 \(reset by the watchdog\)\r", timeout=10)
    m.expect(r"\[wd\] wdogbm: after refresh wcs 0x0\r", timeout=10)
    text = m.read_for(1)
    assert "vm 'tick'" not in text
    m.open_shell()
    late = m.sh("wdog", r"vm 'wd' watchdog: disabled, timeout 0 ms; WS0 1 WS1 1 "
                r"\(last (\d+) us late\), action reset\r")
    print("WS1 acted on %s us after its deadline" % late.group(1))
    m.send("stats\r")
    m.expect(r"rtvisor> ", timeout=30)
    ticks = rtv.stats(m.p.before)
    assert ticks[2]["tick"] == 0 and ticks[3]["tick"] == 0, ticks
    assert ticks[0]["tick"] > 0, ticks   # the housekeeper's timer did the timing
    log = open(m.log.name).read()
    assert "[tick] " in log and "abort injected" not in log and "PANIC" not in log
