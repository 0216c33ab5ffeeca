#!/usr/bin/python3
"""make soak: the adversary guest (guests/adversary) for SOAK_OPS operations on each of three
seeds, then SOAK_RESETS resets of the adversary VM in all (shell `vm reset adversary`, split
between the seeds), beside the hello VM 'rt' whose timer periods are watched
(configs/adversary.dts). One QEMU run per seed; logs in build/soak/. Exit status 1 if any
seed leaked, went unrefused, panicked, stopped the other VM or did not finish. The
--v4-seeds (SOAK_V4_SEEDS, default 4004) run configs/adversary-v4.dts on gic-version=4.

Then --failovers (SOAK_FAILOVERS, default 50) failovers in a row by the primary's watchdog
WS1, roles alternating, under icount (configs/failover-soak.dts, tests/boot/fosoak.py):
no leak (`mm` identical before and after), every switch continuing the counter, and the RT
VM beside them missing no tick. Exit status 1 if any of that fails."""
import argparse
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import rtv  # noqa: E402
import adversary  # noqa: E402
import fosoak  # noqa: E402

OUT = os.path.join(rtv.BUILD, "soak")
QEMU_EXTRA = ["-accel", "tcg,thread=multi"]   # MTTCG, no icount: rt and adversary on own pCPUs


def shell(m, cmd, want, timeout=30):
    m.send(cmd + "\r")
    m.expect(want, timeout=timeout)


def run_seed(image, seed, ops, resets, report_every, gic=None):
    """One QEMU run of the adversary with `seed`; gic=4: the adversary-v4 scenario on QEMU's
    gic-version=4 (its vITS translated to GICv4 commands, direct injection)."""
    name = "soak-seed-%d%s" % (seed, "-v4" if gic == 4 else "")
    img = adversary.patched(image, os.path.join(OUT, name + ".bin"), seed, ops, report_every)
    t0 = time.time()
    m = rtv.Machine(img, name, smp=4, extra=QEMU_EXTRA + adversary.QEMU_DEVICES, gic=gic)
    r = {"seed": seed, "gic": gic or 3, "ok": True, "why": []}
    try:
        m.expect(r"\[adversary\] adversary: start seed=%d ops=%d" % (seed, ops))
        d = adversary.done_fields(m.expect(adversary.DONE_RE, timeout=max(300, ops // 500)))
        r.update(d)
        r["run_s"] = time.time() - t0
        m.send(rtv.ESCAPE + "s")
        m.expect(r"rtvisor> ")
        # the its class's commands that the vITS refused (the queue never stalls: the
        # adversary reports UNREFUSED if CREADR lags)
        shell(m, "its adversary", r"commands refused (\d+),")
        r["its_refused"] = int(m.p.match.group(1))
        m.expect(r"rtvisor> ")
        done = 0
        for k in range(1, resets + 1):
            # VM 2 = adversary; the restart line and the prompt come in either order
            m.send("vm reset 2\r")
            m.expect_all([r"vm 'adversary' restarted \(reset %d\)" % k, r"rtvisor> "],
                         timeout=30)
            done = k
        r["resets"] = done
        shell(m, "vm list", r"adversary\s+running")
        m.send(rtv.ESCAPE + "1")
        # after the last reset the adversary runs again and reports progress
        m.expect(r"\[adversary\] adversary: seed=%d ops=\d+ " % seed, timeout=120)
        m.read_for(3)
    except Exception as e:  # pexpect timeout/EOF: recorded, the log says the rest
        r["ok"] = False
        r["why"].append("%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else ""))
    finally:
        m.close()
    r["wall_s"] = time.time() - t0
    with open(m.log.name, errors="replace") as f:
        log = f.read()
    ticks = rtv.ticks_reports(log, "rt")
    r["reports"] = len(ticks)
    r["worst_period_ns"] = max((t[3] for t in ticks), default=0)
    r["worst_jitter_ns"] = max((t[4] for t in ticks), default=0)
    cls = re.search(r"\[adversary\] adversary: classes .* its=(\d+)", log)
    r["its_ops"] = int(cls.group(1)) if cls else 0
    r["starts"] = len(re.findall(r"\[adversary\] adversary: start seed=", log))
    bad = adversary.findings(log)
    if bad:
        r["ok"] = False
        r["why"] += bad[:5]
    if r.get("leaks") or r.get("unrefused"):
        r["ok"] = False
        r["why"].append("leaks=%s unrefused=%s" % (r.get("leaks"), r.get("unrefused")))
    # the other VM ticked throughout: about one report per second of the run
    if r["reports"] < max(1, int(r["wall_s"] * 0.5)):
        r["ok"] = False
        r["why"].append("rt reported %d times in %.0f s" % (r["reports"], r["wall_s"]))
    if r.get("resets", 0) < resets:
        r["ok"] = False
        r["why"].append("only %d of %d resets" % (r.get("resets", 0), resets))
    return r


def run_failovers(n):
    rtv.make("scenario", "SCN=failover-soak")
    image = os.path.join(rtv.BUILD, rtv.PLATFORM, "scenarios", "failover-soak", "rtvisor.bin")
    t0 = time.time()
    m = rtv.Machine(image, "soak-failover", smp=4, icount=True)
    try:
        c = fosoak.check(fosoak.run(m, n), n)
    except Exception as e:  # pexpect timeout/EOF: the log says the rest
        c = {"bad": ["%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")]}
    finally:
        m.close()
    c["wall_s"] = time.time() - t0
    print("\nfailover soak (log: build/soak/soak-failover.log)")
    print("switches %s between the mm readings (%s in the log), promotions %s, reborn %s; "
          "mm before %s after %s; tick: %s ticks, %s missed, worst period %.3f ms, worst "
          "jitter %.3f ms; %.0f s wall; %s" % (
              c.get("count_after", 0) - c.get("count_before", 0), c.get("switches"),
              c.get("promotions"), c.get("reborn"), c.get("mm_before"), c.get("mm_after"),
              c.get("ticks"), c.get("missed"), c.get("worst_period_ns", 0) / 1e6,
              c.get("worst_jitter_ns", 0) / 1e6, c["wall_s"],
              "PASS" if not c["bad"] else "FAIL: " + "; ".join(c["bad"])))
    return not c["bad"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ops", type=int, default=int(os.environ.get("SOAK_OPS", 1000000)))
    ap.add_argument("--resets", type=int, default=int(os.environ.get("SOAK_RESETS", 1002)),
                    help="total over all seeds")
    ap.add_argument("--seeds", default=os.environ.get("SOAK_SEEDS", "1001,2002,3003"))
    ap.add_argument("--v4-seeds", default=os.environ.get("SOAK_V4_SEEDS", "4004"),
                    help="seeds run on GICv4 (configs/adversary-v4.dts), each with the "
                         "resets of one ordinary seed; empty: none")
    ap.add_argument("--report-every", type=int, default=50000)
    ap.add_argument("--failovers", type=int,
                    default=int(os.environ.get("SOAK_FAILOVERS", 50)),
                    help="WS1 failovers in a row after the seeds (0: none)")
    a = ap.parse_args()
    seeds = [int(s, 0) for s in a.seeds.split(",")]
    os.makedirs(OUT, exist_ok=True)
    rtv.LOG_DIR = OUT
    images = {}
    for scn, gic in (("adversary", None), ("adversary-v4", 4)):
        rtv.make("scenario", "SCN=%s" % scn)
        images[gic] = os.path.join(rtv.BUILD, rtv.PLATFORM, "scenarios", scn, "rtvisor.bin")
    per_seed = [a.resets // len(seeds) + (i < a.resets % len(seeds)) for i in range(len(seeds))]
    runs = list(zip(seeds, per_seed, [None] * len(seeds)))
    runs += [(int(s, 0), per_seed[0], 4) for s in a.v4_seeds.split(",") if s]
    results = []
    for seed, resets, gic in runs:
        print("soak: seed %d%s: %d operations, then %d resets ..." % (
            seed, " (GICv4)" if gic else "", a.ops, resets), flush=True)
        r = run_seed(images[gic], seed, a.ops, resets, a.report_every, gic)
        results.append(r)
        print("soak: seed %d %s %s" % (seed, "ok" if r["ok"] else "FAIL", "; ".join(r["why"])),
              flush=True)
    hdr = "%-8s %9s %8s %8s %8s %6s %6s %8s %8s %8s %15s %15s %8s %8s" % (
        "seed", "ops", "faults", "aborts", "undefs", "leaks", "unref", "its_ops", "its_ref",
        "resets",
        "rt_max_period", "rt_max_jitter", "run_s", "wall_s")
    print("\nsoak summary (logs: build/soak/)\n" + hdr)
    for r in results:
        print("%-8s %9d %8d %8d %8d %6d %6d %8d %8d %8d %12.3f ms %12.3f ms %8.1f %8.1f%s" % (
            "%d%s" % (r["seed"], "/v4" if r["gic"] == 4 else ""), r.get("ops", 0), r.get("faults", 0), r.get("aborts", 0),
            r.get("undefs", 0), r.get("leaks", 0), r.get("unrefused", 0), r.get("its_ops", 0),
            r.get("its_refused", 0), r.get("resets", 0),
            r["worst_period_ns"] / 1e6, r["worst_jitter_ns"] / 1e6, r.get("run_s", 0),
            r["wall_s"], "" if r["ok"] else "  FAIL"))
    tot = lambda k: sum(r.get(k, 0) for r in results)  # noqa: E731
    print("total: %d operations, %d faults injected, %d resets, %.0f s wall; %s" % (
        tot("ops"), tot("faults"), tot("resets"), tot("wall_s"),
        "PASS" if all(r["ok"] for r in results) else "FAIL"))
    fo_ok = run_failovers(a.failovers) if a.failovers else True
    return 0 if all(r["ok"] for r in results) and fo_ok else 1


if __name__ == "__main__":
    sys.exit(main())
