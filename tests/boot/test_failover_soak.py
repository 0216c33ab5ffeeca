"""Failovers in a row by the primary's watchdog WS1, roles alternating, under icount
(configs/failover-soak.dts; the 50-switch version is part of `make soak`): at least 5
switches between two `mm` readings, which must be identical (free RAM and
translation-table pages: nothing leaked), every switch in the log continuing the counter
exactly and moving region "buf", and the RT VM on its bind pCPU missing no tick of its
1 kHz timer (its own check). tests/boot/fosoak.py has the details."""
import fosoak
import rtv

SWITCHES = 5


def test_failovers_in_a_row_no_leak_no_missed_tick(machine):
    m = machine(rtv.scenario_image("failover-soak"), "failover-soak", icount=True)
    c = fosoak.check(fosoak.run(m, SWITCHES), SWITCHES)
    print({k: v for k, v in c.items() if k != "bad"})
    assert c["bad"] == [], c
    assert c["switches"] >= SWITCHES and c["promotions"] >= SWITCHES - 1
