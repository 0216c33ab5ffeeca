"""The failover demo with Linux (configs/failover.dts, docs/failover.md "The Linux demo"):
two Debian Linux VMs `a` (primary) and `b` (backup) in group "svc" with rebirth, each
feeding its SBSA watchdog with busybox `watchdog -t 1 -T 4`, each with the service address
10.0.0.1 on "lan0"; `client` asks the counter service (HTTP through nc.openbsd). One boot, then failures of
whichever VM is primary, roles alternating, the three kinds in turn (three failures here;
`make soak` runs FO_LINUX_SWITCHES = SOAK_LINUX_FAILOVERS of them):
  1. kill -9 of a's watchdog daemon: WS1 -> b promoted;
  2. b panics (echo c > /proc/sysrq-trigger; no panic= on the command line, so the kernel
     stays in its panic loop and stops feeding): WS1 -> a promoted;
  3. a hangs (rtv_hog: a SCHED_FIFO 99 busy loop, real-time throttling off): WS1 -> b.
Each time: the switch is announced, the new primary wakes on its doorbell (UIO event 1),
its link is up (carrier 1) and its old peer's down (vdev), the client's next request is
answered by it with the counter one past the last answer (the mirrored value), the weight
moved (vm info: 800 to the new primary, 100 to the new backup), and the fenced VM boots
again as the backup with bootstatus 32 (WDIOF_CARDRESET: its watchdog's WS1). At the end
`mm` reads as it did after the boot: the switches and rebirths leaked nothing."""
import os
import re

import pytest

import rtv

IDX = {"a": 1, "b": 2, "client": 3}
# make soak sets more (docs/testing.md); the kinds of failure go round
SWITCHES = int(os.environ.get("FO_LINUX_SWITCHES", "3"))


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("failover")


class Log:
    """The console log from a position on (lines of several VMs interleave)."""

    def __init__(self, m):
        self.m = m
        self.pos = 0

    def text(self):
        self.m.log.flush()
        return open(self.m.log.name, newline="").read()

    def mark(self):
        self.pos = len(self.text())

    def wait(self, pattern, timeout=60):
        """The first match of pattern after the mark (waiting up to timeout s)."""
        for _ in range(int(timeout * 2)):
            found = re.search(pattern, self.text()[self.pos:])
            if found:
                return found
            self.m.read_for(0.5)
        raise AssertionError("no %r in the console log after the mark" % pattern)


def sh_in(m, vm, cmd):
    """Type cmd into vm's shell (it gets the focus); its output lines. Ends at a marker,
    not at a prompt: the focused VM's prompt is redrawn whenever another VM's line cuts
    it, and the others print a lot while one reboots."""
    rtv.focus_linux(m, IDX[vm], vm)
    return rtv.run_marked(m, vm, cmd, timeout=60)


def ask(m):
    """One request of the client (/etc/failover/ask): (counter, server name)."""
    out = sh_in(m, "client", "/etc/failover/ask")
    found = re.search(r"^counter=(\d+) from=(\w+)$", out, re.M)
    assert found, out
    return int(found.group(1)), found.group(2)


def weight(m, vm):
    m.open_shell()
    return int(m.sh("vm info %s" % vm, r"vcpu 0: pcpu \d+ \w+ weight (\d+) ").group(1))


def links(m):
    """{vm: (link 'up'|'down', frames received, frames dropped while unplugged)} for the
    lan0 ports, from the shell's vdev."""
    m.open_shell()
    m.send("vdev\r")
    m.expect(r"rtvisor> ", timeout=30)
    out, vm, rx, got = m.p.before, None, None, {}
    for line in out.splitlines():
        line = line.strip()
        v = re.match(r"vm '(\w+)':", line)
        vm = v.group(1) if v else vm
        r = re.match(r"port of 'lan0': mac \S+, frames sent \d+, received (\d+),", line)
        rx = int(r.group(1)) if r else rx
        k = re.match(r"link (up|down), frames dropped at the unplugged port (\d+)\r?$", line)
        if k:
            got[vm] = (k.group(1), rx, int(k.group(2)))
    return got


def link_states(m):
    return {vm: v[0] for vm, v in links(m).items()}


# The agent's lines (fo-agent(<vm>): ...) may follow its VM's prompt on the same console
# line, so they are matched without the [vm] tag; the name in parentheses says whose.
def boot(m, log):
    log.wait(r"fo-agent\(a\): serving the counter from 0, link up at [\d.]+ s\r", timeout=300)
    log.wait(r"fo-agent\(b\): backup: link down, waiting for the promotion notice", 120)
    log.wait(r"\[client\] rtvisor-linux: init done", timeout=120)


def takeover(m, log, old, new, switch, last):
    """After `old` failed: `new` promoted and serving from `last`; old reborn as backup."""
    log.wait(r"rtvisor: failover 'svc': watchdog WS1: '%s' fenced, '%s' promoted \(switch %d\)"
             % (old, new, switch), timeout=60)
    log.wait(r"fo-agent\(%s\): promotion notice: doorbell 1 at [\d.]+ s\r" % new, 30)
    log.wait(r"fo-agent\(%s\): serving the counter from %d, link up at [\d.]+ s\r" % (new, last),
             30)
    carrier = sh_in(m, new, "cat /sys/class/net/eth0/carrier")
    assert re.search(r"^1$", carrier, re.M), carrier
    assert ask(m) == (last + 1, new)
    assert ask(m) == (last + 2, new)
    assert link_states(m) == {new: "up", old: "down", "client": "up"}
    assert weight(m, new) == 800 and weight(m, old) == 100
    log.wait(r"fo-agent\(%s\): bootstatus 32, link 0\r" % old, timeout=240)
    log.wait(r"fo-agent\(%s\): backup: link down, waiting" % old, timeout=30)
    return last + 2


def fail_by_kill(m, log, vm):
    """The watchdog daemon dies (bootstatus was 0 or 32: checked by the caller's boot)."""
    rtv.focus_linux(m, IDX[vm], vm)
    m.send("kill -9 $(pidof watchdog)\r")


def fail_by_panic(m, log, vm):
    """echo c > /proc/sysrq-trigger; no panic= on the command line, so the kernel stays in
    its panic loop and stops feeding."""
    rtv.focus_linux(m, IDX[vm], vm)
    m.send("echo c > /proc/sysrq-trigger\r")
    log.wait(r"\[%s\] .*Kernel panic - not syncing" % vm, timeout=30)


def fail_by_hang(m, log, vm):
    """A real-time busy loop starves the daemon."""
    rtv.focus_linux(m, IDX[vm], vm)
    m.send("echo -1 > /proc/sys/kernel/sched_rt_runtime_us; rtv_hog\r")
    log.wait(r"\[%s\] rtv_hog: cpu 00 spinning at SCHED_FIFO 99\r" % vm, timeout=30)


FAILURES = (fail_by_kill, fail_by_panic, fail_by_hang)
MM_RE = (r"mm: free RAM (\d+) bytes in (\d+) ranges \(largest (\d+)\); translation tables "
         r"(\d+) of (\d+) pages\r")


def mm(m):
    m.open_shell()
    return m.sh("mm", MM_RE).groups()


def run_switches(m, log, switches):
    """Boot, then `switches` failures of whichever VM is primary, the kinds in turn (kill,
    panic, hang), each checked by takeover(); `mm` read after the boot and at the end. The
    two readings (free RAM, its ranges, table pages): everything a switch and a rebirth
    take is given back."""
    boot(m, log)
    assert [ask(m) for _ in range(3)] == [(1, "a"), (2, "a"), (3, "a")]
    # the backup's unplugged port got nothing; the ARP broadcasts for 10.0.0.1 (the
    # client's, a's gratuitous one) reached it and were dropped there
    ports = links(m)
    assert {vm: v[0] for vm, v in ports.items()} == {"a": "up", "b": "down", "client": "up"}
    assert ports["b"][1] == 0 and ports["b"][2] > 0, ports
    assert ports["a"][2] == 0 and ports["client"][2] == 0, ports
    bs = sh_in(m, "a", "cat /sys/class/watchdog/watchdog0/bootstatus")
    assert re.search(r"^0$", bs, re.M), bs
    before = mm(m)
    last, primary, backup = 3, "a", "b"
    for k in range(1, switches + 1):
        log.mark()
        FAILURES[(k - 1) % len(FAILURES)](m, log, primary)
        last = takeover(m, log, primary, backup, k, last)
        primary, backup = backup, primary
    after = mm(m)
    m.open_shell()
    m.sh("failover", r"failover 'svc': primary '%s' \(running\), backup '%s' \(running\), "
         r"switches %d, last \d+ ns \(watchdog WS1\)\r" % (primary, backup, switches))
    text = log.text()
    assert "abort injected" not in text and "PANIC" not in text
    return before, after


def test_failover_linux(machine, image):
    """Three failures, one of each kind (make soak runs FO_LINUX_SWITCHES of them)."""
    m = machine(image, "failover-linux")
    before, after = run_switches(m, Log(m), SWITCHES)
    assert before == after, (before, after)
