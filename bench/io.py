#!/usr/bin/python3
"""rtvisor I/O measurements (the second half of `make bench`; docs/benchmarks.md "I/O").

Kept apart from bench/run.py: except `shm`, these are wall-clock Linux figures on a
shared host, noisy (10 % and more between runs), never compared with a previous run and
never a pass/fail criterion. The exit status is non-zero only if a part did not produce
its figures (it did not run), never because a target was missed.

  shm      configs/bench-shm.dts under -icount shift=0,sleep=off (exact, virtual time):
           doorbell latency ring -> peer's handler, channel throughput (issue 12)
  console  configs/linux-virtio.dts: console bytes per EL2 entry, PL011 vs virtio (issue 13)
  blk      configs/linux-virtio.dts: virtio-blk sequential read/write MB/s, O_DIRECT (13)
  net      iperf3 between the two Linux VMs of configs/linux-net.dts over the virtual
           network, then from the Linux VM of configs/pci-virtio-net.dts over its
           passthrough virtio-net-pci NIC to an iperf3 server on the host (QEMU user
           networking); target: virtual >= 2.4 x passthrough (issue 13)
  ttu      configs/ttu.dts: the collector's aggregate rate over 32 lines, every byte
           checked in Linux (issue 12; target 32 x 2 Mbit/s = 8 MB/s)
  failover configs/failover-bm.dts under -icount shift=0,sleep=off (exact, virtual time):
           switchover from the primary's WS1 deadline to the promoted backup's doorbell
           handler, both directions, and the detection time (issue 15; target <= 1 ms)

Run it under `flock /tmp/rtv-qemu.lock` (make bench is). Prints a table; writes
<out>/<YYYY-MM-DD>-io.md and -io.json.
"""
import argparse
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "boot"))
import rtv  # noqa: E402

PARTS = ("shm", "console", "blk", "net", "ttu", "failover")
FO_TARGET_NS = 1000000
TARGET_RATIO = 2.4
TTU_TARGET = 8e6               # 32 x 2 Mbit/s, in bytes/s


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def image(name):
    return os.path.join(rtv.BUILD, rtv.PLATFORM, "scenarios", name, "rtvisor.bin")


def linux_run(m, vm, cmd, timeout=180):
    return rtv.run_marked(m, vm, cmd, timeout=timeout)


# ---- shm: two bare-metal VMs under icount ------------------------------------------

def part_shm(a):
    m = rtv.Machine(image("bench-shm"), "io-shm", icount=True)
    try:
        m.expect_all([r"\[tx\] shmbench: tx vm0 waits", r"\[rx\] shmbench: rx vm1 ready"],
                     timeout=120)
        d = m.expect(r"\[tx\] shmbench: doorbell n=(\d+) min_ns=(\d+) avg_ns=(\d+) "
                     r"max_ns=(\d+)\r", timeout=300)
        n, lo, avg, hi = (int(x) for x in d.groups())
        c = m.expect(r"\[rx\] shmbench: channel bytes=(\d+) bad=(\d+) ns=(\d+) "
                     r"mbps=([\d.]+) doorbells=(\d+) room=(\d+)\r", timeout=600)
    finally:
        m.close()
    nbytes, bad, ns, mbps, bells, room = c.groups()
    if int(bad):
        raise RuntimeError("shmbench: %s bytes arrived wrong" % bad)
    return {"doorbell_ns": {"n": n, "min": lo, "avg": avg, "max": hi},
            "channel": {"bytes": int(nbytes), "ns": int(ns), "MB/s": float(mbps),
                        "doorbells": int(bells), "room_doorbells": int(room)}}


# ---- console and blk: configs/linux-virtio.dts -------------------------------------

LV_PROMPT = r"\[linux\] ~ # "
CONSOLE_BYTES = 5000


def dabt_exits(m):
    """Data-abort EL2 entries of Linux's pCPUs 0 and 1 (the shell's `stats`)."""
    m.open_shell()
    m.send("stats\r")
    m.expect(r"guest faults by VM")
    text = m.p.before
    m.expect(r"rtvisor> ")
    m.focus(1)
    m.expect("console focus -> linux")
    table = rtv.stats(text)
    return table[0]["dabt"] + table[1]["dabt"]


def console_exits(m):
    res = {}
    for dev in ("ttyAMA0", "hvc0"):
        m.read_for(1)
        before = dabt_exits(m)
        m.read_for(1)
        m.send("head -c %d /dev/zero | tr '\\0' 'x' > /dev/%s; echo; echo se''nt\r"
               % (CONSOLE_BYTES, dev))
        m.expect(r"\bsent\r", timeout=300)
        m.expect(LV_PROMPT)
        m.read_for(1)
        exits = dabt_exits(m) - before
        res[dev] = {"bytes": CONSOLE_BYTES, "exits": exits,
                    "bytes_per_exit": round(CONSOLE_BYTES / max(1, exits), 2)}
    return res


def uptime_of(out):
    t = re.findall(r"^T ([\d.]+)$", out, re.M)
    if len(t) != 2:
        raise RuntimeError("no timestamps in %r" % out)
    return float(t[1]) - float(t[0])


def blk_rates(m, passes):
    """Sequential 1 MiB writes (conv=fsync: through to the device) then reads (page cache
    dropped before each pass) over the whole 16 MiB disk0 (/dev/vda), `passes` times; MB/s
    from the guest's /proc/uptime (10 ms steps). busybox dd has no O_DIRECT."""
    res = {}
    size = int(linux_run(m, "linux", "cat /sys/block/vda/size").split()[-1]) * 512
    mib = size >> 20
    drop = "sync; echo 3 > /proc/sys/vm/drop_caches; "
    for what, dd in (("write", "dd if=/dev/zero of=/dev/vda bs=1M count=%d conv=fsync" % mib),
                     ("read", drop + "dd if=/dev/vda of=/dev/null bs=1M count=%d" % mib)):
        out = linux_run(m, "linux", "echo T $(cut -d' ' -f1 /proc/uptime); for p in $(seq %d); "
                        "do %s 2>/dev/null || echo DDFAIL; done; echo T $(cut -d' ' -f1 "
                        "/proc/uptime)" % (passes, dd), timeout=600)
        if re.search(r"^DDFAIL$", out, re.M):   # the echoed command has the word too
            raise RuntimeError("dd failed: %s" % out)
        secs = uptime_of(out)
        res[what] = {"bytes": passes * (mib << 20), "seconds": secs,
                     "MB/s": round(passes * (mib << 20) / secs / 1e6, 1) if secs else None}
    return res


def part_console_blk(a, want_console, want_blk):
    m = rtv.Machine(image("linux-virtio"), "io-linux-virtio")
    try:
        m.expect(r"\[linux\] rtvisor-linux: init done", timeout=300)
        m.expect(LV_PROMPT, timeout=60)
        out = {}
        if want_console:
            out["console"] = console_exits(m)
        if want_blk:
            out["blk"] = blk_rates(m, a.blk_passes)
        return out
    finally:
        m.close()


# ---- net ------------------------------------------------------------------------------

def iperf_mbits(out):
    got = re.search(r"([\d.]+) Mbits/sec\s+(\d+\s+)?receiver", out)
    if not got:
        raise RuntimeError("no iperf3 result in %r" % out)
    return float(got.group(1))


def net_virtual(a):
    m = rtv.Machine(image("linux-net"), "io-vnet")
    try:
        m.expect_all([r"\[linux-a\] rtvisor-linux: init done",
                      r"\[linux-b\] rtvisor-linux: init done"], timeout=300)
        rtv.focus_linux(m, 2, "linux-b")
        linux_run(m, "linux-b", "ip addr add 10.0.0.2/24 dev eth0; ip link set eth0 up; "
                  "iperf3 -s -D")
        rtv.focus_linux(m, 1, "linux-a")
        linux_run(m, "linux-a", "ip addr add 10.0.0.1/24 dev eth0; ip link set eth0 up; sleep 2")
        res = {}
        for name, flag in (("send", ""), ("receive", " -R")):
            out = linux_run(m, "linux-a", "iperf3 -c 10.0.0.2 -t %d -f m%s" % (a.seconds, flag),
                            timeout=a.seconds * 20 + 120)
            res[name] = iperf_mbits(out)
        return res
    finally:
        m.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def net_passthrough(a):
    """The Linux VM's passthrough virtio-net-pci on QEMU user networking; the server is
    iperf3 on the host (slirp's 10.0.2.2 is the host's loopback)."""
    port = free_port()
    server = subprocess.Popen(["iperf3", "-s", "-B", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nic = ["-netdev", "user,id=n0", "-device",
           "virtio-net-pci,netdev=n0,disable-legacy=on,romfile=,addr=3.0"]
    m = rtv.Machine(image("pci-virtio-net"), "io-pnet", extra=nic)
    try:
        m.expect(r"\[linux\] rtvisor-linux: init done", timeout=300)
        m.expect(LV_PROMPT, timeout=60)
        out = linux_run(m, "linux", "ip link set eth0 up && udhcpc -i eth0 -n -q -t 5 -T 2")
        if "obtained" not in out:
            raise RuntimeError("no DHCP lease: %s" % out)
        res = {}
        for name, flag in (("send", ""), ("receive", " -R")):
            out = linux_run(m, "linux", "iperf3 -c 10.0.2.2 -p %d -t %d -f m%s"
                            % (port, a.seconds, flag), timeout=a.seconds * 20 + 120)
            res[name] = iperf_mbits(out)
        return res
    finally:
        m.close()
        server.terminate()
        server.wait()


def part_net(a):
    v = net_virtual(a)
    p = net_passthrough(a)
    ratio = {k: round(v[k] / p[k], 2) if p[k] else None for k in v}
    return {"virtual_Mbit/s": v, "passthrough_Mbit/s": p, "ratio": ratio,
            "target_ratio": TARGET_RATIO,
            "target_met": all(r is not None and r >= TARGET_RATIO for r in ratio.values())}


# ---- ttu: the collector ---------------------------------------------------------------

def part_ttu(a):
    import tempfile
    import test_ttu as t
    import ttu_gen
    with tempfile.TemporaryDirectory() as d:
        m = rtv.Machine(image(a.ttu_scenario), "io-ttu", extra=ttu_gen.qemu_args(d))
        try:
            m.expect(r"\[collector\] collector: vm1 cards=8 lines=32 ", timeout=120)
            m.expect(r"\[linux\] rtvisor-linux: init done", timeout=240)
            m.expect(t.PROMPT, timeout=60)
            lines = ttu_gen.Lines(d)
            t.open_lines(m)
            took = lines.feed(a.ttu_seconds, a.ttu_rate)
            got = t.wait_sizes(m, lines.sent)
            h = t.md5s(m)
            right = got == lines.sent and all(
                h[i] == ttu_gen.stream_md5(i, 0, lines.sent[i]) for i in range(t.LINES))
            per_line, irqs = t.proc(m)
            overrun = sum(p["rx_overrun"] for p in per_line.values())
            lines.close()
        finally:
            m.close()
    total = sum(lines.sent)
    return {"offered_per_line_B/s": a.ttu_rate, "seconds": round(took, 2), "bytes": total,
            "MB/s": round(total / took / 1e6, 3), "every_byte_right": right,
            "rx_overrun": overrun, "doorbell_irqs": irqs, "target_MB/s": TTU_TARGET / 1e6}


# ---- failover: two bare-metal VMs under icount ------------------------------------------

def part_failover(a):
    """Each WS1 switch of guests/fochain: the promoted VM prints how long after the WS1
    deadline its doorbell handler ran, and the detection time (last refresh to WS1)."""
    m = rtv.Machine(image("failover-bm"), "io-failover", icount=True)
    by_vm = {"0": [], "1": []}
    detect = []
    try:
        for _ in range(a.fo_switches):
            g = m.expect(r"\[\w+\] fochain: vm(\d) switchover ns=(\d+) detect_ns=(\d+)\r",
                         timeout=300)
            by_vm[g.group(1)].append(int(g.group(2)))
            detect.append(int(g.group(3)))
    finally:
        m.close()
    every = by_vm["0"] + by_vm["1"]
    return {"switches": len(every), "switchover_ns": {"min": min(every), "max": max(every),
            "to_vm0": by_vm["0"], "to_vm1": by_vm["1"]},
            "detect_ns": {"min": min(detect), "max": max(detect)},
            "target_ns": FO_TARGET_NS}


# ---- output -----------------------------------------------------------------------------

def table(r):
    out = ["| item | figure | note |", "| --- | --- | --- |"]
    if "shm" in r:
        d, c = r["shm"]["doorbell_ns"], r["shm"]["channel"]
        out.append("| doorbell latency (icount) | min %d / avg %d / max %d ns | n=%d, ring -> peer's "
                   "handler, 16 ns counter steps |" % (d["min"], d["avg"], d["max"], d["n"]))
        out.append("| channel throughput (icount) | %.2f MB/s of virtual time | %d bytes, %d "
                   "doorbells, %d room wake-ups |" % (c["MB/s"], c["bytes"], c["doorbells"],
                                                     c["room_doorbells"]))
    if "console" in r:
        for dev, x in r["console"].items():
            out.append("| console %s | %.2f bytes per EL2 entry | %d exits for %d bytes "
                       "(wall clock run, counts) |" % (dev, x["bytes_per_exit"], x["exits"],
                                                        x["bytes"]))
    if "blk" in r:
        for what, x in r["blk"].items():
            out.append("| virtio-blk sequential %s | %s MB/s | %d bytes, 1 MiB blocks, wall "
                       "clock, noisy |" % (what, x["MB/s"], x["bytes"]))
    if "net" in r:
        n = r["net"]
        for k in ("send", "receive"):
            out.append("| iperf3 %s: virtual network / passthrough NIC | %.0f / %.0f Mbit/s = "
                       "%.2fx | target >= %.1fx, wall clock, noisy |"
                       % (k, n["virtual_Mbit/s"][k], n["passthrough_Mbit/s"][k], n["ratio"][k]
                          or 0, TARGET_RATIO))
    if "ttu" in r:
        x = r["ttu"]
        out.append("| collector, 32 lines | %.3f MB/s | every byte right: %s, overrun %d, "
                   "target 8 MB/s, wall clock, noisy |" % (x["MB/s"], x["every_byte_right"],
                                                          x["rx_overrun"]))
    if "failover" in r:
        x = r["failover"]
        sw, d = x["switchover_ns"], x["detect_ns"]
        out.append("| failover switchover, WS1 deadline -> backup's handler (icount) | min %d / "
                   "max %d ns | %d switches: to vm1 (its pCPU waits for the housekeeper's "
                   "round-robin turn) %s, to vm0 (on the housekeeper's pCPU) %s; target <= "
                   "%d ns |" % (sw["min"], sw["max"], x["switches"],
                                "/".join(map(str, sw["to_vm1"])),
                                "/".join(map(str, sw["to_vm0"])), x["target_ns"]))
        out.append("| failover detection, last refresh -> WS1 (icount) | %d..%d ns | the "
                   "configured timeout: 2 x WOR (100 ms) |" % (d["min"], d["max"]))
    return "\n".join(out)


def git_rev():
    r = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=rtv.ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(PARTS), help="parts, comma-separated")
    ap.add_argument("--seconds", type=int, default=10, help="iperf3 -t")
    ap.add_argument("--blk-passes", type=int, default=8)
    ap.add_argument("--ttu-seconds", type=float, default=5)
    ap.add_argument("--ttu-rate", type=int, default=250000, help="bytes/s offered per line")
    ap.add_argument("--ttu-scenario", default="ttu",
                    help="the collector's image: build/qemu-virt/scenarios/<this>/rtvisor.bin "
                    "(to compare another build of it)")
    ap.add_argument("--fo-switches", type=int, default=4, help="WS1 failovers measured")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    parts = [p for p in a.only.split(",") if p]
    bad = [p for p in parts if p not in PARTS]
    if bad:
        ap.error("unknown parts %s" % bad)
    if not a.no_build:
        rtv.make("guests", "linux-images")
        for scn in ("bench-shm", "linux-virtio", "linux-net", "pci-virtio-net", "ttu",
                    "failover-bm"):
            rtv.make("scenario", "SCN=%s" % scn)
    res, failed = {}, []
    runners = {"shm": lambda: part_shm(a), "net": lambda: part_net(a),
               "ttu": lambda: part_ttu(a), "failover": lambda: part_failover(a)}
    if "console" in parts or "blk" in parts:
        runners["console+blk"] = lambda: part_console_blk(a, "console" in parts, "blk" in parts)
    for name, fn in runners.items():
        if name != "console+blk" and name not in parts:
            continue
        t0 = time.time()
        log("io: %s ..." % name)
        try:
            got = fn()
            res.update(got if name == "console+blk" else {name: got})
        except Exception as e:  # a part that did not run: reported, exit status 1
            failed.append(name)
            log("io: %s did not run: %s" % (name, e))
        log("io: %s %.0f s" % (name, time.time() - t0))
    text = table(res)
    print(text)
    os.makedirs(a.out, exist_ok=True)
    stem = os.path.join(a.out, datetime.date.today().isoformat() + "-io")
    meta = {"git": git_rev(), "parts": parts, "failed": failed, "results": res}
    with open(stem + ".json", "w") as f:
        json.dump(meta, f, indent=1)
    with open(stem + ".md", "w") as f:
        f.write("# I/O measurements, %s (git %s)\n\n%s\n" % (datetime.date.today(), meta["git"],
                                                             text))
    if failed:
        log("io: parts that did not run: %s" % ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
