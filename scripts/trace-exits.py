#!/usr/bin/python3
"""Where the instructions of one exit go (docs/benchmarks.md "How it was measured").

Boots a bench scenario image with one bench item selected (n iterations, default 20) under
the bench's QEMU command line plus `-singlestep -d exec,nochain -dfilter <hypervisor text>`
(one logged translation block per EL2 instruction), cuts each pCPU's PC stream at the
lower-EL vector entries (el2_vectors + 0x400 sync, 0x480 IRQ, 0x500 FIQ), and prints the
most frequent exits of the chosen pCPU with their length and their instructions grouped by
symbol (nm -n of the LTO-linked ELF). Under -icount shift=0 the length of the item's exit
is its "added" figure to within a few instructions.

  flock /tmp/rtv-qemu.lock scripts/trace-exits.py --scn bench --item hvc_rtv
  scripts/trace-exits.py --scn bench-smp --item sgi_ipi --cpu 2,3 --top 6

Needs the scenario built (make scenario SCN=...). Python standard library only.
"""

import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import run as bench  # noqa: E402  (the harness: command lines, parameter block)

TRACE_RE = re.compile(rb"^Trace (\d+): \S+ \[[0-9a-f]+/([0-9a-f]+)/")


# LTO's per-file marker symbols (e.g. "uart_line.c.d683c4d9", weak, at small addresses):
# not code; taken as symbols they stretched the traced range over the guest's own code.
LTO_MARKER_RE = re.compile(r"\.c\.[0-9a-f]+$")


def symbols(elf):
    out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    addrs, names, text_end = [], [], 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "tTwW" or LTO_MARKER_RE.search(parts[2]):
            continue
        addrs.append(int(parts[0], 16))
        names.append(parts[2])
        text_end = max(text_end, int(parts[0], 16))
    return addrs, names, text_end


def sym_of(addrs, names, pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return names[i] if i >= 0 else "?"


def run_traced(scn, item, n, log, timeout, lo, hi):
    img = os.path.join(tempfile.gettempdir(), "trace-%s-%d.bin" % (scn, os.getpid()))
    bench.patched(bench.scenario_bin(scn), img, n, 1, [item])
    cmd = [bench.QEMU] + bench.HYP_MACHINE + bench.QEMU_COMMON + [
        "-kernel", img, "-singlestep", "-d", "exec,nochain",
        "-dfilter", "0x%x..0x%x" % (lo, hi), "-D", log]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    text, t0 = b"", time.monotonic()
    os.set_blocking(p.stdout.fileno(), False)
    try:
        while b"bench: done" not in text:
            if p.poll() is not None or time.monotonic() - t0 > timeout:
                raise SystemExit("trace: QEMU ended or timed out before 'bench: done':\n%s"
                                 % text[-2000:].decode(errors="replace"))
            chunk = p.stdout.read()
            if chunk:
                text += chunk
            else:
                time.sleep(0.05)
    finally:
        p.kill()
        p.wait()
        os.unlink(img)
    return text.decode(errors="replace")


def exits(log, cpus, entries):
    """Per wanted CPU: the list of exits, each a tuple of PCs from a vector entry on."""
    cur = {c: None for c in cpus}
    out = {c: [] for c in cpus}
    with open(log, "rb") as f:
        for line in f:
            m = TRACE_RE.match(line)
            if not m:
                continue
            c = int(m.group(1))
            if c not in cur:
                continue
            pc = int(m.group(2), 16)
            if pc in entries:
                if cur[c] == [pc]:
                    # the vector's first block logged twice in a row (an IRQ taken at a
                    # block boundary under icount): one entry, not a one-instruction exit
                    continue
                if cur[c]:
                    out[c].append(tuple(cur[c]))
                cur[c] = [pc]
            elif cur[c] is not None:
                cur[c].append(pc)
    for c in cpus:
        if cur[c]:
            out[c].append(tuple(cur[c]))
    return out


def breakdown(seq, addrs, names):
    parts = []
    for pc in seq:
        s = sym_of(addrs, names, pc)
        if parts and parts[-1][0] == s:
            parts[-1][1] += 1
        else:
            parts.append([s, 1])
    return parts


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scn", default="bench", help="scenario (default bench)")
    ap.add_argument("--item", required=True, help="bench item, e.g. hvc_rtv")
    ap.add_argument("--n", type=int, default=20, help="iterations (default 20)")
    ap.add_argument("--cpu", default="2", help="pCPU(s) to show, comma-separated (default 2)")
    ap.add_argument("--top", type=int, default=3, help="exits shown (most frequent first)")
    ap.add_argument("--log", help="keep the trace here (default: a temporary file)")
    ap.add_argument("--reuse", action="store_true", help="parse --log, do not run QEMU")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--flat", action="store_true", help="per symbol totals, not the sequence")
    a = ap.parse_args()

    elf = os.path.join(bench.BUILD, bench.PLATFORM, "scenarios", a.scn, "rtvisor.elf")
    addrs, names, text_end = symbols(elf)
    vec = addrs[names.index("el2_vectors")]
    entries = {vec + 0x400, vec + 0x480, vec + 0x500}
    log = a.log or os.path.join(tempfile.gettempdir(), "trace-%d.log" % os.getpid())
    if not a.reuse:
        run_traced(a.scn, a.item, a.n, log, a.timeout, addrs[0], text_end + 0x1000)
    cpus = [int(x) for x in a.cpu.split(",")]
    per = exits(log, cpus, entries)
    if not a.log:
        os.unlink(log)
    for c in cpus:
        cnt = collections.Counter(per[c])
        print("cpu %d: %d exits, %d distinct" % (c, len(per[c]), len(cnt)))
        for seq, k in cnt.most_common(a.top):
            kind = {0x400: "sync", 0x480: "irq", 0x500: "fiq"}.get(seq[0] - vec, "?")
            print("  %s exit x%d: %d instructions" % (kind, k, len(seq)))
            parts = breakdown(seq, addrs, names)
            if a.flat:
                tot = collections.OrderedDict()
                for s, m in parts:
                    tot[s] = tot.get(s, 0) + m
                parts = list(tot.items())
            for s, m in parts:
                print("    %4d %s" % (m, s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
