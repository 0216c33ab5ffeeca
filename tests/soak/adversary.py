"""The adversary guest's parameter block and console lines (guests/README.md, adversary)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import run as bench_run  # noqa: E402  (bench/run.py: the parameter-block patcher)

# The PCI functions configs/adversary.dts gives the adversary (its pci and its classes)
QEMU_DEVICES = ["-device", "edu,addr=4.0",
                "-device", "virtio-rng-pci,addr=5.0,disable-legacy=on"]
PARAMS_MAGIC = b"RTV-ADVERSARY-PB"
PARAMS_FMT = "<QQQ"   # seed, ops, report_every
DONE_RE = (r"\[adversary\] adversary: done seed=(\d+) ops=(\d+) faults=(\d+) aborts=(\d+) "
           r"undefs=(\d+) leaks=(\d+) unrefused=(\d+)")


def patched(src, dst, seed, ops, report_every):
    """Copy the image src to dst with every adversary parameter block set."""
    return bench_run.patch_blocks(src, dst, PARAMS_MAGIC, PARAMS_FMT, (seed, ops, report_every))


def done_fields(match):
    """dict of the numbers of a `done` line match."""
    keys = ("seed", "ops", "faults", "aborts", "undefs", "leaks", "unrefused")
    return dict(zip(keys, (int(x) for x in match.groups())))


def findings(text):
    """Lines that must never appear: leaks, unrefused accesses, hypervisor panics."""
    return [l.strip() for l in text.splitlines()
            if re.search(r"adversary: (LEAK|UNREFUSED)|PANIC|exception: ", l)]
