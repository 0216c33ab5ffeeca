"""RTOS start-up probes (issue 18): the rtprobe guest natively and under rtvisor.

The guest makes the early-boot probes an unmodified RTOS makes - including "am I
the highest EL? then program CNTFRQ_EL0" with VBAR_EL1 still 0 - and prints one
line per probe (guests/README.md). Both runs must finish and agree, except where
docs/architecture.md ("The virtual CPU") says the VM's CPU differs from bare QEMU.

Run: flock /tmp/rtv-qemu.lock /usr/bin/python3 -m pytest tests/boot/test_rtos_probe.py -v
"""
import os
import re
import subprocess

import pexpect
import pytest

import rtv

LINE = re.compile(r"^(?:\[rtprobe\] )?rtprobe: (\S+)(?: (.*?))?\r*$", re.M)


def field(v, shift):
    return (v >> shift) & 0xf


def mask(*shifts):
    return sum(0xf << s for s in shifts)


# ID register fields the VM sees differently from bare QEMU (architecture.md table).
ID_DIFFER = {
    "id_aa64pfr0": mask(0, 4, 8, 12, 28, 32, 40, 44),  # EL0/EL1 AArch64-only, EL2, EL3,
                                                       # RAS, SVE, MPAM, AMU
    "id_aa64pfr1": ~mask(0, 4),                   # only BT and SSBS kept
    "id_pfr1": mask(12, 24),                      # Virtualization, Virt_frac
    "id_aa64dfr0": mask(4, 8, 32),                # TraceVer, PMUVer, PMSVer
    "id_aa64mmfr0": mask(0),                      # PARange
    "id_aa64mmfr1": mask(8),                      # VH
}

# Probes whose result differs by design, with the result the VM must get.
RTV_EXPECTED = {
    "highest": "el3",
    "cntfrq_write": "skipped vbar=0x0",
    "pmu": "absent",
    "conduit": "smc",
    "psci": "1.0",
}


def parse(text):
    found = [(m.group(1), (m.group(2) or "").strip()) for m in LINE.finditer(text)]
    return dict(found), [k for k, _ in found]


@pytest.fixture(scope="module")
def probe_image():
    r = subprocess.run(["make", "-s", "guests"], cwd=rtv.ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return rtv.scenario_image("rtprobe")


def run_bare():
    args = ["-M", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "1", "-m", "256M",
            "-nographic", "-nic", "none", "-kernel", os.path.join(rtv.BUILD, "guests",
                                                                      "rtprobe.bin")]
    child = pexpect.spawn("qemu-system-aarch64", args, encoding="utf-8",
                          codec_errors="replace", timeout=60)
    try:
        child.expect(r"rtprobe: done")
        return child.before + "rtprobe: done\n"
    finally:
        child.close(force=True)


def run_rtvisor(machine, image):
    m = machine(image, "rtprobe", smp=2)
    i = m.p.expect([r"\[rtprobe\] rtprobe: done", r"vm 'rtprobe'.*VM stopped.*"], timeout=60)
    assert i == 0, "the probe guest did not finish under rtvisor: " + m.p.after
    return m.p.before + "[rtprobe] rtprobe: done\n"


@pytest.fixture(scope="module")
def runs(probe_image):
    return run_bare(), probe_image


def test_probe_guest_bare_programs_cntfrq(runs):
    """Natively EL1 is the highest level: the guest writes CNTFRQ_EL0 before vectors."""
    bare, order = parse(runs[0])
    assert "exception:" not in runs[0]
    assert bare["currentel"] == "1" and bare["highest"] == "el1"
    assert bare["cntfrq_write"] == "done vbar=0x0"
    assert order[0] == "start" and order[-1] == "done"


def test_probe_guest_same_under_rtvisor(machine, runs):
    bare, bare_order = parse(runs[0])
    text = run_rtvisor(machine, runs[1])
    assert "exception:" not in text and "VM stopped" not in text, text
    vm, vm_order = parse(text)
    assert vm_order == bare_order
    for key in bare_order:
        b, v = bare[key], vm[key]
        if key in ID_DIFFER:
            diff = (int(b, 16) ^ int(v, 16)) & ~ID_DIFFER[key]
            assert diff == 0, "%s: bare %s, VM %s differ outside the documented fields" % (
                key, b, v)
        elif key in RTV_EXPECTED:
            assert v == RTV_EXPECTED[key], (key, b, v)
        elif key == "gicd_typer":
            vf = dict(x.split("=") for x in v.split())
            bf = dict(x.split("=") for x in b.split())
            assert vf["securityextn"] == bf["securityextn"] == "0"
            assert vf["lpis"] == "0", "the vGIC has no LPIs"
        else:
            assert v == b, "%s: bare %r, VM %r" % (key, b, v)
    pfr0 = int(vm["id_aa64pfr0"], 16)
    assert field(pfr0, 8) == 0, "EL2 visible"
    assert field(pfr0, 12) == 1, "EL3 not shown as implemented (AArch64)"
    assert field(pfr0, 0) == 1 and field(pfr0, 4) == 1, "EL0/EL1 not AArch64-only"
    assert field(int(vm["id_aa64dfr0"], 16), 8) == 0, "PMU advertised"
    assert field(int(vm["id_pfr1"], 16), 12) == 0, "EL2 visible in ID_PFR1"
