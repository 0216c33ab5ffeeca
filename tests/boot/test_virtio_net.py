"""virtio-net between two Linux VMs on the virtual network "lan0" (configs/linux-net.dts,
docs/virtio.md): the stock cloud kernel's virtio_net finds its port with the MAC the
hypervisor gives it, the two VMs ping each other both ways, 4 MiB cross over TCP with the
same md5 (TSO: linux-a's frames average more than 1518 bytes, so 64 KiB frames crossed
whole), and the shell's vdev counts the frames both ports moved."""
import re

import pytest

import rtv


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("linux-net")


def prompt(vm):
    return r"\[%s\] ~ # " % vm


def run(m, vm, cmd, want=None, timeout=60):
    return rtv.shell_run(m, prompt(vm), vm, cmd, want, timeout)


def test_two_linux_vms_ping_over_lan0(machine, image):
    m = machine(image, "virtio-net")
    m.expect_all([r"\[linux-a\] rtvisor-linux: init done", r"\[linux-b\] rtvisor-linux: init done"],
                 timeout=300)
    for idx, vm in ((1, "linux-a"), (2, "linux-b")):
        rtv.focus_linux(m, idx, vm)
        out = run(m, vm, "cat /sys/class/net/eth0/address", "02:52:54:56")
        assert "02:52:54:56:%02x:00" % (idx - 1) in out, out
        # the md5 server of the transfer below (its input is the connection, not the tty)
        run(m, vm, "ip addr add 10.0.0.%d/24 dev eth0; ip link set eth0 up; "
            "(nc -l -p 5001 -e md5sum < /dev/null &); echo up" % idx, "up")
    for idx, vm, peer in ((2, "linux-b", 1), (1, "linux-a", 2)):
        rtv.focus_linux(m, idx, vm)
        out = run(m, vm, "ping -c 3 -W 5 10.0.0.%d" % peer, "packets", timeout=90)
        got = re.search(r"(\d+) packets transmitted, (\d+) (packets )?received", out)
        assert got and int(got.group(2)) >= 2, out
    # 4 MiB over TCP from linux-a to linux-b, whose busybox nc (started with its address)
    # answers with the md5 of what it received. With TSO the frames cross as up to 64 KiB.
    out = rtv.run_marked(m, "linux-a", "dd if=/dev/urandom of=/tmp/s bs=1M count=4 2>/dev/null; "
                   "md5sum /tmp/s")
    sent = re.search(r"([0-9a-f]{32})  /tmp/s", out).group(1)
    out = rtv.run_marked(m, "linux-a", "nc.openbsd -N 10.0.0.2 5001 < /tmp/s")
    got = re.search(r"([0-9a-f]{32})  -", out)
    assert got and got.group(1) == sent, (sent, out)
    m.open_shell()
    m.send("vdev\r")
    m.expect(r"vdev", timeout=30)
    m.expect(r"rtvisor> ", timeout=30)  # the first prompt after the command ends its output
    out = m.p.before
    for idx, vm in ((1, "linux-a"), (2, "linux-b")):
        port = re.search(r"vm '%s':\s+eth0 net @0xa000000 irq 48: status 0xf, [^\r\n]*"
                         r"bytes to guest (\d+), from guest (\d+)" % vm, out)
        assert port and int(port.group(1)) > 0 and int(port.group(2)) > 0, out
        frames = re.search(r"port of 'lan0': mac 02:52:54:56:%02x:00, frames sent (\d+), "
                           r"received (\d+)" % (idx - 1), out)
        assert frames and int(frames.group(1)) >= 4 and int(frames.group(2)) >= 4, out
        if vm == "linux-a":  # TSO: more bytes per frame than an Ethernet frame holds
            assert int(port.group(2)) / int(frames.group(1)) > 1518, out
    log = open(m.log.name).read()
    for bad in ("needs reset", "unhandled", "forbidden", "PANIC"):
        assert bad not in log, bad
