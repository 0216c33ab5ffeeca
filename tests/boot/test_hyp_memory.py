"""The hypervisor's own memory is W^X (issue 19): text R+X, rodata R, data/bss/stacks/page
tables R+W and execute-never, and an unmapped guard page below every EL2 stack."""
import os
import re
import subprocess

import rtv


def test_image_segments_are_wx():
    elf = os.path.join(os.path.dirname(rtv.scenario_image("demo")), "rtvisor.elf")
    out = subprocess.run(["aarch64-linux-gnu-readelf", "-lW", elf], capture_output=True,
                         text=True, check=True).stdout
    flags = re.findall(r"^\s*LOAD\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+([RWE ]+?)\s+0x", out, re.M)
    assert flags, out
    assert not [f for f in flags if "W" in f and "E" in f], "RWX LOAD segment:\n" + out
    assert sorted(f.replace(" ", "") for f in flags) == ["R", "RE", "RW"], out


def test_el2_map_read_back_is_wx(machine):
    m = machine(rtv.scenario_image("demo"), "hyp-memory-wx")
    m.expect(r"rtvisor: mm: EL2 map (\S+): text 0x([0-9a-f]+) RX, rodata 0x([0-9a-f]+) R, "
             r"data 0x([0-9a-f]+) RW XN, (\d+) stack guard pages")
    assert m.p.match.group(1) == "W^X", m.p.match.group(0)
    m.expect_all([r"\[alpha\] hello: ticks=1000 ", r"\[beta\] hello: ticks=1000 "], timeout=90)
