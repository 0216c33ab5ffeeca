"""The adversary guest's parameter block and console lines (guests/README.md, adversary)."""
import re
import struct

PARAMS_MAGIC = b"RTV-ADVERSARY-PB"
PARAMS_FMT = "<QQQ"   # seed, ops, report_every
DONE_RE = (r"\[adversary\] adversary: done seed=(\d+) ops=(\d+) faults=(\d+) aborts=(\d+) "
           r"undefs=(\d+) leaks=(\d+) unrefused=(\d+)")


def patched(src, dst, seed, ops, report_every):
    """Copy the image src to dst with every adversary parameter block set."""
    data = bytearray(open(src, "rb").read())
    count, off = 0, data.find(PARAMS_MAGIC)
    while off >= 0:
        struct.pack_into(PARAMS_FMT, data, off + len(PARAMS_MAGIC), seed, ops, report_every)
        count += 1
        off = data.find(PARAMS_MAGIC, off + 1)
    if count == 0:
        raise RuntimeError("%s: no adversary parameter block (magic %r)" % (src, PARAMS_MAGIC))
    with open(dst, "wb") as f:
        f.write(data)
    return dst


def done_fields(match):
    """dict of the numbers of a `done` line match."""
    keys = ("seed", "ops", "faults", "aborts", "undefs", "leaks", "unrefused")
    return dict(zip(keys, (int(x) for x in match.groups())))


def findings(text):
    """Lines that must never appear: leaks, unrefused accesses, hypervisor panics."""
    return [l.strip() for l in text.splitlines()
            if re.search(r"adversary: (LEAK|UNREFUSED)|PANIC|exception: ", l)]
