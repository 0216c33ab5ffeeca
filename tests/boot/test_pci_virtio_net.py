"""A passthrough virtio-net-pci NIC on MSI-X (docs/pci.md, configs/pci-virtio-net.dts):
QEMU's `virtio-net-pci,disable-legacy=on` at 00:03.0 on user networking with
`restrict=on` (the guest reaches nothing outside QEMU's slirp) and one host-forwarded TCP
port. A stock Debian Linux drives it with virtio_pci: its config and queue vectors show
as ITS-MSI lines in /proc/interrupts, `udhcpc` gets the slirp lease, and a line served by
`nc` in the guest arrives at the host through the forwarded port while the bare-metal VM
'rt' keeps ticking."""
import random
import re
import socket
import time

import pytest

import rtv

PROMPT = r"\[linux\] ~ # "
SLOT = 3
NIC_LINE = 35 + (SLOT + 1 - 1) % 4      # QEMU virt: INTID = 35 + (slot + pin - 1) mod 4
GUEST_PORT = 8080


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("pci-virtio-net")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu_nic(port, restrict="on"):
    """QEMU's options: the modern-only NIC at 00:03.0 on user networking, host port
    `port` forwarded to the guest's GUEST_PORT (no option ROM: a fresh machine has none)."""
    return ["-netdev", "user,id=n0,restrict=%s,hostfwd=tcp:127.0.0.1:%d-:%d"
            % (restrict, port, GUEST_PORT),
            "-device", "virtio-net-pci,netdev=n0,disable-legacy=on,romfile=,addr=%d.0" % SLOT]


def run(m, cmd, want=None, timeout=120):
    return rtv.shell_run(m, PROMPT, "linux", cmd, want, timeout)


def msix_counts(m):
    """{vector name: count} of the NIC's ITS-MSI lines (hwirq RID << 11 | vector); no INTx."""
    out = run(m, "cat /proc/interrupts", "ITS-MSI")
    assert "GICv3  %d Level" % NIC_LINE not in out, out
    rid = SLOT << 3
    lines = re.findall(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+ITS-MSI\s+(\d+) Edge\s+(virtio\d+-\S+)\s*$",
                       out, re.M)
    assert lines, out
    assert all(int(h) >> 11 == rid for _, _, h, _ in lines), out
    assert len({int(h) for _, _, h, _ in lines}) == len(lines), out  # a vector each
    return {name: int(a) + int(b) for a, b, _, name in lines}


def fetch(port, timeout=30):
    """What the guest's server sends to a connection on the forwarded host port."""
    end = time.time() + timeout
    while True:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        # slirp accepts on the host side before the guest answers: an empty reply means
        # the guest's listener was not up yet
        if data or time.time() > end:
            return data
        time.sleep(1)


def test_virtio_net_pci_msix_dhcp_hostfwd(machine, image):
    port = free_port()
    m = machine(image, "pci-virtio-net", extra=qemu_nic(port))
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)
    dmesg = run(m, "dmesg | grep -e virtio -e 0000:00:03", "virtio")
    assert "virtio-pci 0000:00:%02x.0" % SLOT in dmesg, dmesg
    before = msix_counts(m)
    names = sorted(before)
    dev = names[0].split("-")[0]
    # the configuration vector and one per queue (rx, tx): virtio_pci's per-vq MSI-X
    assert {"%s-config" % dev, "%s-input.0" % dev, "%s-output.0" % dev} <= set(names), names
    out = run(m, "ip link set eth0 up && udhcpc -i eth0 -n -q -t 5 -T 2", "obtained")
    assert re.search(r"lease of 10\.0\.2\.15 obtained", out), out
    addr = run(m, "ip -4 addr show dev eth0", "inet")
    assert "inet 10.0.2.15/24" in addr, addr
    token = "rtv-hostfwd-%08x" % random.getrandbits(32)
    run(m, "echo %s > /tmp/msg && (nc.openbsd -N -l %d < /tmp/msg &)" % (token, GUEST_PORT))
    got = fetch(port)
    assert got.decode(errors="replace").strip() == token, got
    after = msix_counts(m)
    assert after["%s-input.0" % dev] > before["%s-input.0" % dev], (before, after)
    log = open(m.log.name, errors="replace").read()
    assert rtv.ticks_reports(log, "rt"), "the other VM must keep running"
