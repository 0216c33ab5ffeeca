"""The 32-line serial collector (issue 12, docs/ttu.md, configs/ttu.dts): the collector
VM owns eight pci-serial-4x cards and moves every line through shared-memory channels
to Linux's /dev/ttyRTV0..31 (guests/linux-modules/rtv_tty) and back. The host side is
scripts/ttu_gen.py: sequence-numbered streams into the 32 UART sockets, checked byte by
byte (md5 and length of exactly what was sent) in Linux, and `seq` output from Linux
checked on the host.

TTU_SECONDS (default 3) is how long every line is fed in each direction; `make soak`
runs test_ttu_both_directions with 30.
"""
import os
import re
import sys
import threading
import time

import pytest

import rtv

sys.path.insert(0, os.path.join(rtv.ROOT, "scripts"))
import ttu_gen  # noqa: E402

PROMPT = r"\[linux\] ~ # "
LINES = 32
RATE = 4000            # bytes/s per line: 128 KB/s in all, well below what the collector moves
RING = 8192            # rtv_tty's ring for a 1 MiB region of 32 lines (docs/ttu.md)
THRESHOLD = 1024       # the collector's receive threshold (guests/collector/collector.h)
SECONDS = float(os.environ.get("TTU_SECONDS", "3"))
ALL = "$(seq 0 %d)" % (LINES - 1)


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images", "guests")
    return rtv.scenario_image("ttu")


def run(m, cmd, want=None, timeout=120):
    return rtv.shell_run(m, PROMPT, "linux", cmd, want, timeout)


def boot(machine, image, name, tmp_path):
    d = str(tmp_path)
    m = machine(image, name, extra=ttu_gen.qemu_args(d))
    # the collector runs with its MMU and caches on (the rings are Linux's write-back memory)
    m.expect(r"\[collector\] collector: vm1 cards=8 lines=32 .* mmu=on\r", timeout=120)
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)
    return m, ttu_gen.Lines(d)


def open_lines(m):
    """A cat into /tmp/r<n> on every line (any earlier cat stopped), set raw by stty on
    the same open file: a separate open and close would take what waits in the ring
    into a tty that then goes away."""
    run(m, "killall cat; for i in %s; do (stty raw -echo; exec cat) < /dev/ttyRTV$i "
        "> /tmp/r$i & done" % ALL)


def sizes(m):
    # 32 lines of output: wait for an end marker, not a prompt (a redrawn prompt line was
    # matched once while the output was still arriving, and only S29..S31 were read)
    out = rtv.run_marked(m, "linux", "for i in %s; do echo S$i $(wc -c < /tmp/r$i); done" % ALL,
                         timeout=120)
    got = dict(re.findall(r"^S(\d+) (\d+)$", out, re.M))
    assert len(got) == LINES, out
    return [int(got[str(i)]) for i in range(LINES)]


def wait_sizes(m, want, timeout=120):
    """Poll until every /tmp/r<n> has want[n] bytes (or it stops growing)."""
    end, last = time.time() + timeout, None
    while time.time() < end:
        now = sizes(m)
        if now == want or now == last:
            return now
        last = now
        time.sleep(2)
    return sizes(m)


def md5s(m):
    out = rtv.run_marked(m, "linux", "md5sum /tmp/r*", timeout=120)
    got = dict((int(n), h) for h, n in re.findall(r"^([0-9a-f]{32})\s+/tmp/r(\d+)$", out, re.M))
    assert len(got) == LINES, out
    return got


def heads(m):
    """The first 32 bytes each line received ('\\n' shown as '|'): where it started."""
    out = run(m, "for i in %s; do echo H$i $(head -c 32 /tmp/r$i | tr '\\n' '|'); done" % ALL,
              "H%d " % (LINES - 1))
    got = dict(re.findall(r"^H(\d+) (\S*)$", out, re.M))
    assert len(got) == LINES, out
    return [got[str(i)].replace("|", "\n").encode() for i in range(LINES)]


def proc(m):
    """rtv_tty's counters per line: {line: {field: value}} and the doorbell irq count."""
    out = run(m, "cat /proc/tty/driver/rtv_tty; grep rtv_tty /proc/interrupts", "rtv_tty")
    lines = {}
    for n, rest in re.findall(r"^(\d+): (region=.*)$", out, re.M):
        lines[int(n)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", rest)}
    irq = re.search(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+GICv3\s+\d+ Edge\s+rtv_tty$", out, re.M)
    assert len(lines) == LINES and irq, out
    return lines, int(irq.group(1)) + int(irq.group(2))


def feed_in_background(lines, rate):
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            lines.feed(0.2, rate)
    t = threading.Thread(target=loop)
    t.start()

    def end():
        stop.set()
        t.join()
    return end


def check_reverse(m, lines, count):
    """Every line sends `seq` through Linux's tty; the host must see exactly that."""
    for b in lines.back:
        del b[:]
    run(m, "killall cat; for i in %s; do seq $((i*10000000+1)) $((i*10000000+%d)) "
        "> /dev/ttyRTV$i & done" % (ALL, count))
    want = [ttu_gen.seq_bytes(i, count) for i in range(LINES)]
    end = time.time() + 60 + 10 * SECONDS
    while time.time() < end and any(len(lines.back[i]) < len(want[i]) for i in range(LINES)):
        lines.collect(0.5)
    lines.collect(0.5)
    bad = [i for i in range(LINES) if bytes(lines.back[i]) != want[i]]
    assert not bad, "lines %s: got %s bytes, want %d" % (
        bad, [len(lines.back[i]) for i in bad], len(want[bad[0]]))
    return sum(len(w) for w in want)


def test_ttu_both_directions(machine, image, tmp_path):
    m, lines = boot(machine, image, "ttu-both", tmp_path)
    dmesg = run(m, "dmesg | grep rtv_tty; ls /dev/ttyRTV* | wc -l", "region")
    assert re.search(r"rtv_tty 60000000\.shmem: region 0: 32 lines, ttyRTV0\.\., ring %d bytes, "
                     r"peer vm1, irq \d+$" % RING, dmesg, re.M), dmesg
    assert re.search(r"^32$", dmesg, re.M), dmesg
    open_lines(m)
    stty = run(m, "stty -F /dev/ttyRTV5 -a", "speed")
    assert "-icanon" in stty and "-echo " in stty, stty

    took = lines.feed(SECONDS, RATE)
    total = sum(lines.sent)
    assert min(lines.sent) > 0.5 * RATE * SECONDS, lines.sent
    got = wait_sizes(m, lines.sent)
    assert got == lines.sent, (got, lines.sent)
    h = md5s(m)
    bad = [i for i in range(LINES) if h[i] != ttu_gen.stream_md5(i, 0, lines.sent[i])]
    assert not bad, "lines with other bytes than were sent: %s" % bad
    per_line, irqs = proc(m)
    assert all(per_line[i]["rx"] == lines.sent[i] for i in range(LINES)), per_line
    assert all(per_line[i]["rx_overrun"] == 0 for i in range(LINES)), per_line
    # one doorbell per threshold crossing, about: never one per byte (or per record)
    print("ttu: %d bytes in %.1f s, %d doorbell interrupts, bytes/threshold %d"
          % (total, took, irqs, total // THRESHOLD))
    assert total // THRESHOLD // 4 <= irqs <= 2 * total // THRESHOLD + 64, (irqs, total)

    back = check_reverse(m, lines, int(RATE * SECONDS / 9))
    per_line, _ = proc(m)
    assert sum(per_line[i]["tx"] for i in range(LINES)) == back, per_line

    # getty on a line: a login shell on ttyRTV7 that the host types into (cooked mode)
    run(m, "setsid getty -n -l /bin/sh 115200 ttyRTV7 &")
    time.sleep(2)
    del lines.back[7][:]
    lines.socks[7].setblocking(True)
    lines.socks[7].sendall(b"echo getty-ok-$((6*7))\r")
    lines.socks[7].setblocking(False)
    end = time.time() + 30
    while time.time() < end and b"getty-ok-42" not in lines.back[7]:
        lines.collect(0.5)
    assert b"getty-ok-42" in lines.back[7], bytes(lines.back[7])
    lines.close()


def test_ttu_linux_reboot_while_fed(machine, image, tmp_path):
    """Linux reboots while every line is fed: the collector keeps collecting, the
    receive rings fill and count what they drop; after the reboot each line delivers
    the ring's RING bytes and overrun + RING + where it stopped = what was sent,
    exactly; then the lines carry on."""
    m, lines = boot(machine, image, "ttu-reboot", tmp_path)
    open_lines(m)
    end_feed = feed_in_background(lines, RATE)
    time.sleep(SECONDS)
    per_line, _ = proc(m)
    assert all(p["rx_overrun"] == 0 and p["rx"] > 0 for p in per_line.values()), per_line
    m.send("reboot\r")
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)
    end_feed()
    lines.collect(3)   # the collector takes what QEMU still holds
    sent = list(lines.sent)
    per_line, _ = proc(m)
    overrun = [per_line[i]["rx_overrun"] for i in range(LINES)]
    assert all(o > 0 for o in overrun), overrun
    open_lines(m)
    assert wait_sizes(m, [RING] * LINES) == [RING] * LINES
    start = [ttu_gen.offset_of(i, hd) for i, hd in enumerate(heads(m))]
    bad = [i for i in range(LINES) if start[i] + RING + overrun[i] != sent[i]]
    assert not bad, [(i, start[i], overrun[i], sent[i]) for i in bad]
    h = md5s(m)
    assert all(h[i] == ttu_gen.stream_md5(i, start[i], start[i] + RING) for i in range(LINES))

    # the channels carry on: new bytes follow the ring's, nothing more dropped
    lines.feed(SECONDS, RATE)
    want = [RING + lines.sent[i] - sent[i] for i in range(LINES)]
    assert wait_sizes(m, want) == want
    h = md5s(m)
    assert all(h[i] == ttu_gen.stream_md5(i, start[i], lines.sent[i],
                                          skip=(start[i] + RING, sent[i])) for i in range(LINES))
    per_line, _ = proc(m)
    assert [per_line[i]["rx_overrun"] for i in range(LINES)] == overrun
    lines.close()


def test_ttu_collector_reset(machine, image, tmp_path):
    """The collector's reset does not hang Linux's ttys: a writer blocked on a full
    transmit ring goes on when the collector is back, and both directions work again."""
    m, lines = boot(machine, image, "ttu-collector-reset", tmp_path)
    m.open_shell()
    m.sh("vm stop collector", r"vm 'collector' stopped: stopped from the shell\r")
    m.focus(1)
    # 30000 numbers (~260 KB) cannot fit the 8 KiB ring while nobody reads it
    run(m, "seq 1 30000 > /dev/ttyRTV3 & echo started")
    time.sleep(2)
    jobs = run(m, "jobs", "seq")
    assert re.search(r"Running\s+seq 1 30000", jobs), jobs
    m.open_shell()
    m.p.send("vm start collector\r")
    m.expect(r"\[collector\] collector: vm1 cards=8 lines=32 .* restarts=1 mmu=on\r", timeout=60)
    want = b"".join(b"%d\n" % v for v in range(1, 30001))
    end = time.time() + 120
    while time.time() < end and len(lines.back[3]) < len(want):
        lines.collect(0.5)
    assert bytes(lines.back[3]) == want, (len(lines.back[3]), len(want))
    m.focus(1)
    # the finished writer may be listed once as Done; it must not be running
    assert not re.search(r"Running\s+seq 1 30000", run(m, "jobs; echo jobs-listed", "jobs-listed"))
    open_lines(m)
    lines.feed(SECONDS, RATE)
    assert wait_sizes(m, lines.sent) == lines.sent
    h = md5s(m)
    assert all(h[i] == ttu_gen.stream_md5(i, 0, lines.sent[i]) for i in range(LINES))
    lines.close()
