"""Every configs/invalid/*.dts is refused at boot by the hypervisor itself (host check skipped),
with the message its first line announces, and no VM starts. A firmware DTB the hypervisor
cannot use is refused the same way, without a crash."""
import glob
import os
import re
import subprocess

import pytest

import rtv

INVALID = sorted(glob.glob(os.path.join(rtv.ROOT, "configs", "invalid", "*.dts")))


def expected_message(path):
    with open(path) as f:
        first = f.readline()
    assert first.startswith("// expect: "), "%s: first line must be '// expect: ...'" % path
    return first[len("// expect: "):].strip()


@pytest.mark.parametrize("path", INVALID, ids=[os.path.basename(p)[:-4] for p in INVALID])
def test_invalid_scenario_refused_at_boot(machine, path):
    name = "invalid/" + os.path.basename(path)[:-4]
    image = rtv.scenario_image(name, skip_check=True)
    m = machine(image, name)
    m.expect(r"rtvisor: scenario refused: ([^\r\n]*)\r+\n", timeout=30)
    assert expected_message(path) in m.p.match.group(1)
    m.expect(r"no VM started", timeout=10)
    text = m.read_for(1)
    assert "hello:" not in text and "PANIC" not in text


def test_host_tool_refuses_the_same_scenarios():
    out = rtv.make("check-configs")
    for path in INVALID:
        assert "%s: refused as expected" % os.path.relpath(path, rtv.ROOT) in out


def test_non_gicv3_firmware_dtb_refused(machine, tmp_path):
    dtb = str(tmp_path / "gicv2.dtb")
    subprocess.run([rtv.QEMU_BASE[0], "-M", "virt,virtualization=on,gic-version=2,dumpdtb=" + dtb,
                                        "-cpu", "cortex-a72", "-smp", "4", "-m", "2G",
                                        "-display", "none", "-nic", "none"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    m = machine(rtv.scenario_image("demo"), "fw-dtb-gicv2", extra=("-dtb", dtb))
    m.expect(r"firmware devicetree at 0x[0-9a-f]+ refused: .*GICv3", timeout=30)
    m.expect(r"no VM started")
    assert "PANIC" not in m.read_for(1)
