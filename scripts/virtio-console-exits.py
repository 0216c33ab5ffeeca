#!/usr/bin/env python3
"""Console bytes per EL2 entry, PL011 against virtio-console (docs/virtio.md "Measured").

Boots configs/linux-virtio.dts (build it first: make scenario SCN=linux-virtio), writes N
bytes to /dev/ttyAMA0 and then to /dev/hvc0, and reads the data-abort exits of pCPUs 0
and 1 (Linux's) from the shell's `stats` before and after each write. Run it under
flock /tmp/rtv-qemu.lock. Prints RESULT {device: (exits, bytes per exit)}."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "boot"))
import rtv  # noqa: E402
PROMPT = r"\[linux\] ~ # "
N = 5000
def dabt(m):
    m.open_shell()
    m.send("stats\r")
    m.expect(r"guest faults by VM")
    text = m.p.before
    hdr = re.search(r"EL2 entries by cause:\s*\r+\n\s*(.*?)\r", text).group(1).split()
    col = hdr.index("dabt")
    tot = 0
    for row in re.findall(r"^\s*cpu(\d)\s+([\d ]+)\r", text, re.M):
        if row[0] in ("0", "1"):
            tot += int(row[1].split()[col])
    m.expect(r"rtvisor> ")
    m.focus(1)
    m.expect("console focus -> linux")
    return tot
m = rtv.Machine(os.path.join(rtv.BUILD, "qemu-virt/scenarios/linux-virtio/rtvisor.bin"), "virtio-measure")
try:
    m.expect(r"\[linux\] rtvisor-linux: init done", timeout=300)
    m.expect(PROMPT, timeout=60)
    res = {}
    for dev in ("ttyAMA0", "hvc0"):
        m.read_for(1)
        a = dabt(m)
        m.read_for(1)
        m.send("head -c %d /dev/zero | tr '\\0' 'x' > /dev/%s; echo; echo se''nt\r" % (N, dev))
        m.expect(r"\bsent\b", timeout=300)
        m.expect(PROMPT)
        m.read_for(1)
        b = dabt(m)
        res[dev] = (b - a, N / max(1, b - a))
    print("RESULT", res)
finally:
    m.close()
