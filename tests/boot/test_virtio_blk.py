"""virtio-blk over disks in RAM (configs/linux-virtio.dts, docs/virtio.md): the stock Debian
cloud kernel's virtio_blk finds both disks with their size, serial (GET_ID) and read-only
flag; the first bytes of disk0 are the image the scenario names; a megabyte written with
dd reads back with the same checksum, also after the VM's reboot (the disk survives the
reset); the read-only disk refuses writes."""
import hashlib
import os
import re

import pytest

import rtv

PROMPT = r"\[linux\] ~ # "
DISK0_SECTORS = 0x01000000 // 512


@pytest.fixture(scope="module")
def image():
    rtv.make("linux-images")
    return rtv.scenario_image("linux-virtio")


def run(m, cmd, want=None, timeout=60):
    return rtv.shell_run(m, PROMPT, "linux", cmd, want, timeout)


def boot(m):
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
    m.expect(PROMPT, timeout=60)


def md5_of(out):
    sums = re.findall(r"^([0-9a-f]{32})\s", out, re.M)
    assert sums, out
    return sums[-1]


def disks(m):
    """{serial: vdX} from the serials virtio_blk reads with GET_ID."""
    out = run(m, "for d in /sys/block/vd*; do echo disk $(basename $d) $(cat $d/serial) "
                 "$(cat $d/size) $(cat $d/ro); done", "disk vd")
    found = {}
    for name, serial, size, ro in re.findall(r"^disk (vd[a-z]) (\S+) (\d+) (\d)$", out, re.M):
        found[serial] = (name, int(size), int(ro))
    return found


def test_virtio_blk_read_write_reset(machine, image):
    hello = open(os.path.join(rtv.BUILD, "guests", "hello.bin"), "rb").read()
    m = machine(image, "virtio-blk")
    boot(m)
    d = disks(m)
    assert d.get("disk0", (None,))[1:] == (DISK0_SECTORS, 0), d
    assert d.get("ro", (None,))[1:] == (2048, 1), d
    vda, vdro = "/dev/" + d["disk0"][0], "/dev/" + d["ro"][0]
    # host -> guest: the image the scenario names is at the start of both disks
    for dev in (vda, vdro):
        out = run(m, "head -c %d %s | md5sum" % (len(hello), dev), " -")
        assert md5_of(out) == hashlib.md5(hello).hexdigest(), (dev, out)
    # guest -> disk -> guest: 1 MiB at 1 MiB, read back past the page cache
    run(m, "dd if=/dev/urandom of=/tmp/r bs=64k count=16 2>/dev/null; md5sum /tmp/r", "/tmp/r")
    want = md5_of(run(m, "md5sum /tmp/r", "/tmp/r"))
    run(m, "dd if=/tmp/r of=%s bs=64k seek=16 conv=fsync 2>/dev/null; echo wrote-$?" % vda,
        "wrote-0")
    run(m, "sync; echo 3 > /proc/sys/vm/drop_caches; echo dropped", "dropped")
    got = md5_of(run(m, "dd if=%s bs=64k skip=16 count=16 2>/dev/null | md5sum" % vda, " -"))
    assert got == want
    # the read-only disk refuses writes, with no more than one hypervisor report
    out = run(m, "dd if=/dev/zero of=%s bs=512 count=1 conv=fsync 2>&1; echo rc=$?" % vdro,
              "rc=")
    assert re.search(r"rc=[1-9]", out), out
    m.send("reboot\r")
    m.expect(r"vm 'linux' restarted \(reset 1\)", timeout=120)
    boot(m)
    vda = "/dev/" + disks(m)["disk0"][0]
    got = md5_of(run(m, "dd if=%s bs=64k skip=16 count=16 2>/dev/null | md5sum" % vda, " -"))
    assert got == want, "the disk lost what was written before the reset"
    # the shell's vdev: disk0's queue is live and it counts what moved (never reset)
    m.open_shell()
    found = m.sh("vdev", r"disk0 blk @0xa001000 irq 49: status 0xf, [^\r\n]* from guest (\d+)(?=\D)")
    assert int(found.group(1)) >= 1 << 20, found.group(0)
    log = open(m.log.name).read()
    for bad in ("needs reset", "unhandled", "forbidden", "PANIC"):
        assert bad not in log, bad
