"""A bare-metal VM on a virtual network (configs/net-bare.dts, docs/virtio.md): guests/netbm
drives its virtio-net port with the guest library's driver; Linux on the same network
("lan0") pings it and receives its UDP stream, checked byte for byte; the second netbm VM,
alone on "lan1", receives no frame of that traffic (its driver says so, and so do its port
counters in vdev)."""
import hashlib
import re

import pytest

import rtv

PROMPT = r"\[linux\] ~ # "
DGRAMS = 100
DGRAM = 1000


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("net-bare")


def run(m, cmd, want=None, timeout=60):
    return rtv.shell_run(m, PROMPT, "linux", cmd, want, timeout)


def wait_log(m, pattern, timeout=60):
    """Wait until pattern appears anywhere in the console log (a line may have passed by
    while the test waited for a prompt)."""
    for _ in range(int(timeout * 2)):
        m.read_for(0.5)
        m.log.flush()
        if re.search(pattern, open(m.log.name, newline="").read()):
            return
    raise AssertionError("no %r in the console log" % pattern)


def stream_md5(n):
    """What netbm sends (guests/netbm/main.c): datagram k holds 'a' + (7k + j) % 26, then '\\n'."""
    data = bytearray()
    for k in range(n):
        data += bytes(ord("a") + (7 * k + j) % 26 for j in range(DGRAM - 1)) + b"\n"
    return len(data), hashlib.md5(bytes(data)).hexdigest()


def test_linux_pings_bare_metal_and_receives_its_udp(machine, image):
    m = machine(image, "virtio-net-bare")
    m.expect_all([r"\[netbm\] netbm: up mac=02:52:54:56:01:00 ip=10\.0\.0\.101\r",
                  r"\[other\] netbm: up mac=02:52:54:56:02:00 ip=10\.0\.0\.102\r",
                  r"\[linux\] rtvisor-linux: init done"], timeout=300)
    m.focus(1)
    m.expect(r"console focus -> linux")
    m.send("\r")
    m.expect(PROMPT)
    run(m, "ip addr add 10.0.0.1/24 dev eth0; ip link set eth0 up; echo up", "up")
    out = run(m, "ping -c 3 -W 5 10.0.0.101", "packets", timeout=90)
    got = re.search(r"(\d+) packets transmitted, (\d+) packets received", out)
    assert got and got.group(1) == got.group(2) == "3", out
    # netbm streams to the sender's address and the port named in the request.
    run(m, "nc.openbsd -d -u -l 7001 < /dev/null > /tmp/u & echo ok-$((40+2))", "ok-42")
    run(m, "echo 'stream %d 7001' | nc.openbsd -u -w 1 10.0.0.101 7000; echo asked" % DGRAMS, "asked")
    wait_log(m, r"\[netbm\] netbm: stream sent %d udp_out=\d+\r" % DGRAMS)
    size, md5 = stream_md5(DGRAMS)
    out = ""
    for _ in range(20):  # Linux may still be reading the last datagrams
        out = run(m, "wc -c < /tmp/u")
        if str(size) in out:
            break
        m.read_for(0.5)
    out = run(m, "md5sum /tmp/u", "/tmp/u")
    assert md5 in out, (out, md5)
    m.open_shell()
    m.send("vdev\r")
    m.expect(r"vdev", timeout=30)
    m.expect(r"rtvisor> ", timeout=30)
    out = m.p.before
    bm = re.search(r"port of 'lan0': mac 02:52:54:56:01:00, frames sent (\d+), received (\d+)",
                   out)
    assert bm and int(bm.group(1)) >= DGRAMS + 3 and int(bm.group(2)) >= 4, out
    other = re.search(r"port of 'lan1': mac 02:52:54:56:02:00, frames sent (\d+), "
                      r"received (\d+), dropped on the way in (\d+)\r", out)
    # it announced itself (one gratuitous ARP) and got nothing of lan0's traffic
    assert other and other.groups() == ("1", "0", "0"), out
    log = open(m.log.name).read()
    assert "[netbm] netbm: first frame received" in log
    assert "[other] netbm: first frame received" not in log
    for bad in ("needs reset", "unhandled", "forbidden", "PANIC"):
        assert bad not in log, bad
