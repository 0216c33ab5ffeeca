"""A failover group of two bare-metal VMs (configs/failover-bm.dts, guests/fochain,
docs/failover.md): the primary counts into the shared region and feeds its watchdog,
then stops feeding; its WS1 fences it (reset, rebirth) and promotes the backup, which
wakes on its doorbell (the promotion notice), takes the primary role and counts on from
the mirrored value, and finds region "buf", which moved with the role, holding the
primary's last value; the reborn VM waits as the backup and sees the watchdog reset in
WCS. Roles alternate on the next WS1, on a `failover <group>` from the shell and on the
primary's stop by its fault policy (it reads an address it does not own). The backup
takes the primary's weight. With the backup stopped, WS1 falls back to the
watchdog's own reset. The RT VM's bind pCPU takes no hypervisor tick."""
import rtv


def all_of(m, *patterns, timeout=30):
    """Wait for lines in any order (the VMs and the housekeeper print concurrently);
    their matches, in the order given."""
    got = {}
    while len(got) < len(patterns):
        i = m.p.expect(list(patterns), timeout=timeout)
        got.setdefault(i, m.p.match)
    return [got[i] for i in range(len(patterns))]


def weight(m, vm):
    return int(m.sh("vm info %s" % vm, r"vcpu 0: pcpu \d+ \w+ weight (\d+) ").group(1))


def switch(n, why, fenced, promoted):
    return (r"rtvisor: failover 'cell': %s: '%s' fenced, '%s' promoted \(switch %d\)\r"
            % (why, fenced, promoted, n))


def test_failover_alternates_roles_and_the_counter_continues(machine):
    m = machine(rtv.scenario_image("failover-bm"), "failover-bm")
    m.expect(r"rtvisor: failover 'cell': primary 'a', backup 'b', rebirth\r", timeout=30)
    all_of(m, r"\[a\] fochain: vm0 primary, counter 0\r", r"\[b\] fochain: vm1 backup, waiting\r")
    n = int(m.expect(r"\[a\] fochain: vm0 stops feeding at counter (\d+)\r", timeout=30).group(1))
    assert n == 100
    all_of(m, switch(1, "watchdog WS1", "a", "b"), r"\[b\] fochain: vm1 promoted, counter %d, buf %d\r" % (n, n),
           r"\[a\] fochain: vm0 backup \(reborn after its watchdog\), waiting\r")
    m.expect(r"\[b\] fochain: vm1 stops feeding at counter %d\r" % (2 * n), timeout=30)
    all_of(m, switch(2, "watchdog WS1", "b", "a"),
           r"\[a\] fochain: vm0 promoted, counter %d, buf %d\r" % (2 * n, 2 * n),
           r"\[b\] fochain: vm1 backup \(reborn after its watchdog\), waiting\r")
    m.open_shell()
    # while a counts (100 rounds of 10 ms): a switch forced from the shell
    m.send("failover cell\r")
    _, got, _ = all_of(m, switch(3, "shell", "a", "b"),
                       r"\[b\] fochain: vm1 promoted, counter (\d+), buf (\d+)\r",
                       r"\[a\] fochain: vm0 backup, waiting\r")
    assert 2 * n <= int(got.group(1)) <= 3 * n, got.group(0)
    # the primary writes buf (counter + 1) before the mirror: stopped between the two
    # stores, buf is one ahead
    assert int(got.group(1)) <= int(got.group(2)) <= int(got.group(1)) + 1, got.group(0)
    # b counts as the primary: it faults (its fault policy stops it), the group fails over
    m.focus(2)
    m.expect(r"console focus -> b")
    m.send("f")
    f, _, got, _ = all_of(m, r"\[b\] fochain: vm1 faults at counter (\d+)\r",
                          switch(4, "fault policy", "b", "a"),
                          r"\[a\] fochain: vm0 promoted, counter (\d+), buf (\d+)\r",
                          r"\[b\] fochain: vm1 backup, waiting\r")
    assert got.group(1) == f.group(1) == got.group(2), (f.group(0), got.group(0))
    m.open_shell()
    m.sh("vm stop b", r"vm 'b' stopped")
    st = m.sh("failover", r"failover 'cell': primary 'a' \(\w+\), backup 'b' \(stopped\), "
              r"switches 4, last (\d+) ns \(fault policy\)\r")
    print("last switch: %s ns on the housekeeper (wall clock)" % st.group(1))
    assert weight(m, "a") == 800 and weight(m, "b") == 100
    m.expect(r"rtvisor: failover 'cell': backup 'b' is stopped: no switch\r", timeout=30)
    m.expect(r"rtvisor: vm 'a': watchdog WS1 \(timeout 100 ms\): resetting it\r", timeout=5)
    m.send("stats\r")
    m.expect(r"rtvisor> ", timeout=30)
    ticks = rtv.stats(m.p.before)
    assert ticks[2]["tick"] == 0, ticks
    log = open(m.log.name).read()
    assert "[tick] hello" in log and "abort injected" not in log and "PANIC" not in log
