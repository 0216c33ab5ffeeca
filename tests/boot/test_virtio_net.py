"""virtio-net between two Linux VMs on the virtual network "lan0" (configs/linux-net.dts,
docs/virtio.md): the stock cloud kernel's virtio_net finds its port with the MAC the
hypervisor gives it, the two VMs ping each other both ways, and the shell's vdev counts
the frames both ports moved."""
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


def on(m, idx, vm):
    m.focus(idx)
    m.expect(r"console focus -> %s" % vm)
    m.send("\r")
    m.expect(prompt(vm))


def test_two_linux_vms_ping_over_lan0(machine, image):
    m = machine(image, "virtio-net")
    m.expect_all([r"\[linux-a\] rtvisor-linux: init done", r"\[linux-b\] rtvisor-linux: init done"],
                 timeout=300)
    for idx, vm in ((1, "linux-a"), (2, "linux-b")):
        on(m, idx, vm)
        out = run(m, vm, "cat /sys/class/net/eth0/address", "02:52:54:56")
        assert "02:52:54:56:%02x:00" % (idx - 1) in out, out
        run(m, vm, "ip addr add 10.0.0.%d/24 dev eth0; ip link set eth0 up; echo up" % idx, "up")
    for idx, vm, peer in ((2, "linux-b", 1), (1, "linux-a", 2)):
        on(m, idx, vm)
        out = run(m, vm, "ping -c 3 -W 5 10.0.0.%d" % peer, "packets", timeout=90)
        got = re.search(r"(\d+) packets transmitted, (\d+) (packets )?received", out)
        assert got and int(got.group(2)) >= 2, out
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
    log = open(m.log.name).read()
    for bad in ("needs reset", "unhandled", "forbidden", "PANIC"):
        assert bad not in log, bad
