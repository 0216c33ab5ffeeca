#!/usr/bin/python3
"""rtvisor benchmark harness (`make bench`): the bench guest natively and under rtvisor.

Builds the guests and the bench scenarios, runs the bench guest (guests/bench)
under QEMU with -icount shift=0,sleep=off (one instruction = one virtual ns,
so every number is exact and repeats):

  native        bench.bin on bare QEMU, EL1, -smp 1   (UP_ITEMS)
  native-smp    bench.bin on bare QEMU, EL1, -smp 2   (SMP_ITEMS: WFI items, sgi_ipi)
  rtvisor       configs/bench.dts: 1 vCPU on pCPU 2    (UP_ITEMS)
  rtvisor-smp   configs/bench-smp.dts: 2 vCPUs         (SMP_ITEMS)
  exitless      configs/bench-exitless.dts: bench.dts in exit-less mode (UP_ITEMS;
                one vCPU only, so no SMP items)
  interference  configs/bench-interference.dts: bench + hammer VM on pCPU 3
                (INTERFERENCE_ITEMS: all but sgi_ipi)
  pool3, pool0  configs/bench-pool3.dts / bench-pool0.dts: bench on pCPU 2 beside a
                dynamic pool shared by a busy priority-14 VM and a priority-9 VM, on
                pCPU 3 or on pCPU 0 (POOL_ITEMS; issue 19)
  console       configs/bench-noisy.dts: bench + a VM on pCPU 3 that floods its
                console and loops on a forbidden access, while the harness types
                `log noisy` into the hypervisor shell in a loop (INTERFERENCE_ITEMS)
  xen, xen-rt   Xen 4.17 (Debian's xen-hypervisor-4.17-arm64, make xen-image), true dom0less:
                bench-xen.bin (the same guest for the domU's map) as the only domain, -smp 1
                (XEN_ITEMS); xen: Xen's default boot arguments, xen-rt: vwfi=native
  energy-perf,  configs/bench-energy.dts / bench-energy-ondemand.dts: bench on pCPU 1
  energy-ondemand  beside an idle and a busy Linux VM (pCPUs 2, 3) in a dynamic pool under
                `performance` / `ondemand`; the items start once Linux has booted; model
                energy per pCPU over the items, and the RT VM's timer latency, which
                must be identical in both (ENERGY_ITEMS; issue 16)

prints the tables, writes <out>/<YYYY-MM-DD>.md, .json and .png (gnuplot).
Python standard library only. Documentation: docs/benchmarks.md.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.join(ROOT, "build")
PLATFORM = "qemu-virt"
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
RUN_TIMEOUT = 300  # seconds of wall time for one QEMU run

# Same order as items[] in guests/bench/main.c: bit i of the item mask = ITEMS[i].
ITEMS = [
    "timer_lat_busy", "timer_lat_wfi", "timer_period_1k", "timer_period_10k",
    "isr_return", "isr_switch", "ctx_preempt", "ctx_coop",
    "sem_give_noswitch", "sem_take_noswitch", "sem_give_switch", "sem_take_switch",
    "heap_alloc", "heap_free", "hvc_rtv", "hvc_psci", "sysreg_sgi1r",
    "mmio_emul_read", "mmio_emul_write", "mmio_pt_read", "mmio_pt_write",
    "page_first_touch", "pci_bar_read", "pci_cfg_read", "pci_intx_lat", "sgi_ipi",
    "sgi_self", "pci_msi_lat", "sysreg_actlr",
]
# Run on a 2-CPU machine / 2-vCPU VM: the SGI item, and the items that wait in WFI for
# a timer (CPU 1 spins meanwhile so that QEMU's clock stays exact: guests/bench/items_smp.c).
WFI_ITEMS = ["timer_lat_wfi", "timer_period_1k", "timer_period_10k"]
SMP_ITEMS = WFI_ITEMS + ["sgi_ipi"]
# The edu's MSI through the ITS: natively in the native run; under rtvisor only in a VM
# with identity RAM and msi-events on its edu (configs/bench-msi.dts, run rtvisor-msi).
MSI_ITEMS = ["pci_msi_lat"]
UP_ITEMS = [i for i in ITEMS if i not in SMP_ITEMS and i not in MSI_ITEMS]
# With the hammer VM (always busy, so WFI items need no helper there).
INTERFERENCE_ITEMS = [i for i in ITEMS if i != "sgi_ipi" and i not in MSI_ITEMS]
# Beside a shared dynamic pool on pCPU 3 or pCPU 0 (bench-pool3/bench-pool0): the timer items.
POOL_ITEMS = ["timer_lat_busy", "timer_lat_wfi", "timer_period_1k", "timer_period_10k"]
POOL_RUNS = ("pool3", "pool0")
# Energy (issue 16, docs/power.md): configs/bench-energy.dts (dynamic pool under
# `performance`) and bench-energy-ondemand.dts: the RT bench VM (pCPU 1, these items), an idle
# Linux VM (pCPU 2) and a busy one (pCPU 3); the bench VM reads every pCPU's model energy
# before and after its items. The RT VM's numbers must be identical in both runs (main()
# fails otherwise). The items start at ENERGY_START_MS of counter time, when both Linux VMs
# have booted (run_qemu checks that they had).
ENERGY_RUNS = ("energy-perf", "energy-ondemand")
ENERGY_SCENARIOS = {"energy-perf": "bench-energy", "energy-ondemand": "bench-energy-ondemand"}
ENERGY_ITEMS = ["timer_lat_busy", "timer_lat_wfi"]
ENERGY_START_MS = 6000
# Printed by both Linux VMs before the first item, or the run does not measure the mix.
ENERGY_READY = (r"\[idle\] rtvisor-linux: init done", r"\[busy\] rtvisor-linux: busy loop started",
                r"\[busy\] rtvisor-linux: init done")

# Xen 4.17 on the same QEMU (docs/benchmarks.md "Xen 4.17 on the same QEMU"): Debian's
# hypervisor (build/xen/xen, `make xen-image`) boots the bench guest as the only domain of a
# true dom0less system; the guest is build/guests/bench-xen.bin (the same sources built with
# -DGUEST_XEN_DOMU for the domU's GIC and vpl011 addresses). Under -icount Xen hangs with
# -smp 2, so the items that need a second CPU have no Xen figure; neither have the items on
# devices a dom0less domU does not get here. The reasons go into the tables.
XEN_NA = {
    "timer_lat_wfi": "waits in WFI: needs a second, busy CPU under icount; Xen hangs with -smp 2 under -icount",
    "timer_period_1k": "waits in WFI (as timer_lat_wfi)",
    "timer_period_10k": "waits in WFI (as timer_lat_wfi)",
    "sgi_ipi": "needs 2 vCPUs (-smp 2: Xen hangs under -icount)",
    "mmio_pt_read": "no device passed through to the domU (dom0less passthrough needs a partial device tree; not set up)",
    "mmio_pt_write": "as mmio_pt_read",
    "pci_bar_read": "no PCI function in the domU (Xen 4.17's Arm PCI passthrough is experimental and goes through dom0)",
    "pci_cfg_read": "as pci_bar_read",
    "pci_intx_lat": "as pci_bar_read",
    "pci_msi_lat": "as pci_bar_read",
}
XEN_ITEMS = [i for i in ITEMS if i not in XEN_NA]
# What Xen's figure of an item holds beyond the trap itself.
XEN_NOTES = {
    "hvc_rtv": "an SMCCC function id Xen does not know: Xen's SMCCC handler answers "
               "NOT_SUPPORTED (a full round trip) after a gprintk(XENLOG_INFO, \"Unhandled "
               "SMC/HVC\") that the default guest log level drops; hvc_psci (PSCI_VERSION, "
               "answered by Xen's vPSCI) is its plain hypercall round trip",
}
XEN_RUNS = ("xen", "xen-rt")
XEN_DIR = os.path.join(BUILD, "xen")
XEN_GUEST = os.path.join(BUILD, "guests", "bench-xen.bin")
# Xen's console on the machine's PL011; xen-rt adds what Xen documents for real-time use
# that this build has: vwfi=native (a guest's WFI/WFE not trapped). sched=null, the other
# half of that advice, is not compiled into Debian's build (build/xen/config: only credit
# and credit2), so both runs use credit2, Xen's default.
XEN_BOOTARGS = {"xen": "console=dtuart dtuart=/pl011@9000000",
                "xen-rt": "console=dtuart dtuart=/pl011@9000000 vwfi=native"}
XEN_DOMU_KB = 65536          # the domU's RAM (16 MiB are the bench VMs' under rtvisor)
XEN_MODULE_ADDR = 0x50000000  # the guest image: above the DTB QEMU puts at RAM + 128 MiB
XEN_VERSION_RE = re.compile(r"Xen version (\S+) \(([^)]*)\)")

DEFAULT_N = 10000
DEFAULT_PERIODS = 1000
QUICK_N = 20
QUICK_PERIODS = 20

PARAMS_MAGIC = b"RTV-BENCH-PARAMS"
PARAMS_FMT = "<IIIII"  # n, n_periods, items mask, start_ms, slow_ns (struct bench_params)
SLOW_NS = 0  # --slow-ns: timer_lat_* list their samples above it (bench: slow ...)
# The energy runs count every sample's EL2 entries by kind (on time / late, "bench: kinds"):
# a slow_ns above any latency turns the counting on and lists no sample.
KINDS_ONLY_NS = 0xFFFFFFFF

ICOUNT = ["-icount", "shift=0,sleep=off"]
QEMU_COMMON = ["-cpu", "cortex-a72", "-display", "none", "-monitor", "none",
               "-serial", "stdio", "-no-reboot", "-nic", "none"] + ICOUNT
# QEMU's edu at 00:04.0 for the PCI items (the bench scenarios give it to the bench VM)
PCI_DEVICES = ["-device", "edu,addr=4.0"]
NATIVE_MACHINE = ["-M", "virt,gic-version=3", "-m", "256M"] + PCI_DEVICES
HYP_MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-smp", "4", "-m", "2G"] + PCI_DEVICES
# QEMU's GICv4.0 (docs/pci.md "GICv4 direct injection"): the MSI items as vLPIs
HYP_MACHINE_V4 = (["-M", "virt,virtualization=on,gic-version=4"] + HYP_MACHINE[2:])
# Xen: the hypervisor machine with one CPU (Xen hangs with -smp 2 under -icount)
XEN_MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-smp", "1", "-m", "2G"] + PCI_DEVICES

ITEM_RE = re.compile(r"bench: item=(\S+) n=(\d+) min=(\d+) avg=(\d+) max=(\d+) el2=(\S+)")
SKIP_RE = re.compile(r"bench: item=(\S+) skipped \((.*)\)")
START_RE = re.compile(r"bench: start .*")
ENERGY_RE = re.compile(r"bench: energy cpu=(\d+) khz=(\d+) uj=(\d+)")
ENERGY_TIME_RE = re.compile(r"bench: energy time_us=(\d+)")
KINDS_RE = re.compile(r"bench: kinds item=(\S+) ontime=(\d+) el2=(\S+) late=(\d+) el2=(\S+)")


class BenchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --- building -------------------------------------------------------------------------

def run_checked(cmd, what=None, tail=2000):
    """Run cmd in the tree; BenchError naming it (what, else the command) with the end of
    its output if it fails."""
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        raise BenchError("%s failed:\n%s" % (what or " ".join(cmd), r.stdout[-tail:]))


def make(*args):
    run_checked(["make", "-s", *args], "make " + " ".join(args), tail=6000)


def scenario_bin(name):
    return os.path.join(BUILD, PLATFORM, "scenarios", name, "rtvisor.bin")


def build():
    log("bench: Linux images for the energy runs (make linux-images)")
    make("linux-images")
    log("bench: Xen 4.17 and bench-xen.bin for the xen runs (make xen-image)")
    make("xen-image")
    make(os.path.relpath(XEN_GUEST, ROOT))
    for scn in ("bench", "bench-smp", "bench-msi", "bench-msi-v4", "bench-exitless", "bench-interference", "bench-noisy", "bench-pool3",
                "bench-pool0") + tuple(ENERGY_SCENARIOS.values()):
        log("bench: building scenario %s" % scn)
        make("scenario", "SCN=%s" % scn)


# --- images with patched parameters ----------------------------------------------------

def mask_of(items):
    m = 0
    for i in items:
        m |= 1 << ITEMS.index(i)
    return m


def read_params(path):
    data = open(path, "rb").read()
    off = data.find(PARAMS_MAGIC)
    if off < 0:
        raise BenchError("%s: no bench parameter block (magic %r)" % (path, PARAMS_MAGIC))
    return struct.unpack_from(PARAMS_FMT, data, off + len(PARAMS_MAGIC))


def patch_blocks(src, dst, magic, fmt, values):
    """Copy the image src to dst with every parameter block after `magic` set to values
    (packed with struct format fmt); ValueError if src has none. Also tests/soak."""
    data = bytearray(open(src, "rb").read())
    count, off = 0, data.find(magic)
    while off >= 0:
        struct.pack_into(fmt, data, off + len(magic), *values)
        count += 1
        off = data.find(magic, off + 1)
    if count == 0:
        raise ValueError("%s: no parameter block (magic %r)" % (src, magic))
    with open(dst, "wb") as f:
        f.write(data)
    return dst


def patched(src, dst, n, periods, items, start_ms=0, slow_ns=None):
    """Copy src to dst with every bench parameter block set to (n, periods, mask, start_ms,
    slow_ns: SLOW_NS unless given)."""
    try:
        return patch_blocks(src, dst, PARAMS_MAGIC, PARAMS_FMT,
                            (n, periods, mask_of(items), start_ms,
                             SLOW_NS if slow_ns is None else slow_ns))
    except ValueError as e:
        raise BenchError(str(e))


# --- running --------------------------------------------------------------------------

def vm_lines(text, vm):
    """Lines of VM `vm` from rtvisor's console, fragments re-joined.

    The console tags each line "[vm] "; when two VMs print at the same time a
    line may be cut into tagged fragments, or shown cut and then again whole.
    A bench line always starts with "bench: ", so a fragment that does not
    continues the VM's previous one; for a repeated line the last copy wins.
    """
    tag = "[%s] " % vm
    out, cur = [], None
    for raw in text.splitlines():
        if not raw.startswith(tag):
            continue
        frag = raw[len(tag):].rstrip("\r")
        # a new line, or a cut copy of one ("bench:", "ben"): the redraw repeats it whole
        if cur is None or frag.startswith("bench: ") or "bench: ".startswith(frag.strip()):
            if cur is not None:
                out.append(cur)
            cur = frag
        else:
            cur += frag
    if cur is not None:
        out.append(cur)
    return out


def parse(lines):
    start, items, skipped, done = None, {}, {}, False
    for line in lines:
        line = line.strip()
        m = ITEM_RE.search(line)
        if m:
            el2 = m.group(6)
            items[m.group(1)] = {
                "n": int(m.group(2)), "min": int(m.group(3)), "avg": int(m.group(4)),
                "max": int(m.group(5)), "el2": None if el2 == "-" else float(el2)}
            continue
        m = KINDS_RE.search(line)
        if m and m.group(1) in items:
            items[m.group(1)].update({
                "ontime": int(m.group(2)), "ontime_el2": float(m.group(3)),
                "late": int(m.group(4)), "late_el2": float(m.group(5))})
            continue
        m = SKIP_RE.search(line)
        if m:
            skipped[m.group(1)] = m.group(2)
            continue
        if START_RE.search(line):  # the last one: a cut line may be printed again whole
            start = line[line.index("bench: start"):]
        if "bench: done" in line:
            done = True
    return start, items, skipped, done


# Runs whose input is typed at host-timed moments: QEMU's round robin then shifts the
# other CPUs' turns, so their maxima (not the bench pCPU's own work) vary from run to run.
HOST_TIMED_RUNS = ("console",)
CONSOLE_UP = "switches input between VMs"  # rtvisor's boot message once input works
SHELL_ENTER = b"\x14s"          # Ctrl-T s: the hypervisor shell
SHELL_LOOP_CMD = b"log noisy\r"  # typed again and again during the console run
SHELL_LOOP_EVERY = 0.2           # seconds of wall time between two commands


def noise_counts(text):
    """What the console run's neighbours did: shell log dumps, flood lines, faults."""
    return {"log_dumps": text.count("--- console log of vm 'noisy'"),
            "noisy_lines": len(re.findall(r"\[noisy\] noisy: line=", text)),
            "fault_reports": len(re.findall(r"vm 'noisy' vcpu \d+: forbidden", text)),
            "fault_summaries": len(re.findall(r"vm 'noisy': \d+ more faults", text))}


def ready_before_items(text, vm, ready):
    """The regexes of `ready` that do not match the console text before VM vm's first item."""
    if not ready:
        return []
    first = re.search(r"\[%s\] bench: item=" % re.escape(vm), text)
    before = text[:first.start()] if first else text
    return [r for r in ready if not re.search(r, before)]


def run_qemu(name, args, vm, logdir, typing=False, ready=()):
    """Boot one QEMU; return its console text once the bench guest says done.

    typing: keep typing SHELL_LOOP_CMD into the hypervisor shell meanwhile.
    ready: regexes the console must show before the first item (else BenchError)."""
    cmd = [QEMU] + args
    logpath = os.path.join(logdir, name + ".log")
    t0 = time.monotonic()
    done_re = re.compile(r"bench: done")
    text = ""
    with open(logpath, "w") as logf:
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.PIPE if typing else subprocess.DEVNULL)
        try:
            buf = b""
            os.set_blocking(p.stdout.fileno(), False)
            next_type = 0.0
            done_at = None
            in_shell = False
            while True:
                # bytes typed before the hypervisor set up its UART are lost: wait for its
                # console to be up, then enter the shell once
                if typing and not in_shell and CONSOLE_UP in text:
                    p.stdin.write(SHELL_ENTER)
                    in_shell = True
                if in_shell and time.monotonic() >= next_type:
                    p.stdin.write(SHELL_LOOP_CMD)
                    p.stdin.flush()
                    next_type = time.monotonic() + SHELL_LOOP_EVERY
                if time.monotonic() - t0 > RUN_TIMEOUT:
                    raise BenchError("%s: no 'bench: done' after %d s (log: %s)"
                                     % (name, RUN_TIMEOUT, logpath))
                chunk = p.stdout.read()
                if chunk:
                    buf += chunk
                    logf.write(chunk.decode("utf-8", "replace"))
                    text = buf.decode("utf-8", "replace")
                    joined = vm_lines(text, vm) if vm else text.splitlines()
                    if done_at is None and any(done_re.search(l) for l in joined):
                        done_at = len(text)
                    # the console run goes on until the shell loop has shown it works
                    if done_at is not None and (not typing or "--- end ---" in text):
                        break
                elif p.poll() is not None:
                    break
                else:
                    time.sleep(0.05)
        finally:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
    lines = vm_lines(text, vm) if vm else text.splitlines()
    start, items, skipped, done = parse(lines)
    if not done:
        raise BenchError("%s: QEMU ended before 'bench: done' (log: %s)" % (name, logpath))
    log("bench: %-13s %5.1f s wall" % (name, time.monotonic() - t0))
    late = ready_before_items(text, vm, ready)
    if late:
        raise BenchError("%s: not seen before the first item: %s (log: %s)"
                         % (name, ", ".join(late), logpath))
    out = {"cmd": cmd, "start": start, "items": items, "skipped": skipped}
    xen = XEN_VERSION_RE.search(text)
    if xen:
        out["hypervisor"] = "Xen %s (%s)" % xen.groups()
    energy = parse_energy(lines)
    if energy:
        out["energy"] = energy
    if typing:
        # during the measurement (up to 'bench: done'), and in all
        out["noise"] = noise_counts(text[:done_at or len(text)])
        out["noise"]["log_dumps_in_all"] = noise_counts(text)["log_dumps"]
        log("bench: %-13s neighbours: %s" % (name, out["noise"]))
        if not out["noise"]["log_dumps_in_all"] or not out["noise"]["noisy_lines"]:
            raise BenchError("%s: the shell loop or the flood did not happen (log: %s)"
                             % (name, logpath))
    return out


def parse_energy(lines):
    """The bench VM's energy lines: {"cpus": {pcpu: {"khz", "uj"}}, "time_us"}, or None."""
    cpus, time_us = {}, None
    for l in lines:
        m = ENERGY_RE.search(l)
        if m:
            cpus[int(m.group(1))] = {"khz": int(m.group(2)), "uj": int(m.group(3))}
        m = ENERGY_TIME_RE.search(l)
        if m:
            time_us = int(m.group(1))
    return {"cpus": cpus, "time_us": time_us} if cpus else None


def xen_dtb(workdir, name, bootargs, guest_size):
    """The device tree Xen boots with: QEMU's own for XEN_MACHINE (dumpdtb), its random
    seeds removed (the same inputs every run), and /chosen naming Xen's boot arguments
    and the one domU (Xen's docs/misc/arm/device-tree/booting.txt, "dom0less")."""
    raw, dts, dtb = (os.path.join(workdir, name + ext) for ext in ("-qemu.dtb", ".dts", ".dtb"))
    dump = (["-M", XEN_MACHINE[1] + ",dumpdtb=" + raw] + XEN_MACHINE[2:] + QEMU_COMMON)
    run_checked([QEMU] + dump)
    run_checked(["dtc", "-q", "-I", "dtb", "-O", "dts", "-o", dts, raw])
    with open(dts, "a") as f:
        f.write("""
/ {
	chosen {
		/delete-property/ rng-seed;
		/delete-property/ kaslr-seed;
		#address-cells = <1>;
		#size-cells = <1>;
		xen,xen-bootargs = "%s";
		domU-bench {
			compatible = "xen,domain";
			#address-cells = <1>;
			#size-cells = <1>;
			cpus = <1>;
			memory = <0 %d>;
			vpl011;
			module@%x {
				compatible = "multiboot,kernel", "multiboot,module";
				reg = <0x%x 0x%x>;
			};
		};
	};
};
""" % (bootargs, XEN_DOMU_KB, XEN_MODULE_ADDR, XEN_MODULE_ADDR, guest_size))
    run_checked(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, dts])
    return dtb


def xen_args(workdir, name, image):
    """QEMU arguments after the machine's for one Xen run: Xen as the kernel, its device
    tree, the bench guest at XEN_MODULE_ADDR (-device loader)."""
    dtb = xen_dtb(workdir, name, XEN_BOOTARGS[name], os.path.getsize(image))
    return ["-kernel", os.path.join(XEN_DIR, "xen"), "-dtb", dtb,
            "-device", "loader,file=%s,addr=0x%x" % (image, XEN_MODULE_ADDR)]


def run_all(n, periods, workdir, only=None):
    """Every run of the plan (only those named in `only`, if given); an image is patched
    when its run starts."""
    guest = os.path.join(BUILD, "guests", "bench.bin")

    def image(src, out, items, start_ms=0, slow_ns=None):
        return lambda: patched(src, os.path.join(workdir, out), n, periods, items, start_ms,
                               slow_ns)

    runs = {}
    plan = [
        ("native", image(guest, "native.bin", UP_ITEMS + MSI_ITEMS), NATIVE_MACHINE + ["-smp", "1"],
         None),
        ("native-smp", image(guest, "native-smp.bin", SMP_ITEMS), NATIVE_MACHINE + ["-smp", "2"],
         None),
        ("rtvisor", image(scenario_bin("bench"), "rtvisor.bin", UP_ITEMS), HYP_MACHINE, "bench"),
        ("rtvisor-smp", image(scenario_bin("bench-smp"), "rtvisor-smp.bin", SMP_ITEMS),
         HYP_MACHINE, "bench"),
        ("rtvisor-msi", image(scenario_bin("bench-msi"), "rtvisor-msi.bin", MSI_ITEMS),
         HYP_MACHINE, "bench"),
        ("rtvisor-msi-v4", image(scenario_bin("bench-msi-v4"), "rtvisor-msi-v4.bin", MSI_ITEMS),
         HYP_MACHINE_V4, "bench"),
        ("exitless", image(scenario_bin("bench-exitless"), "exitless.bin", UP_ITEMS),
         HYP_MACHINE, "bench"),
        ("interference", image(scenario_bin("bench-interference"), "interference.bin",
                               INTERFERENCE_ITEMS), HYP_MACHINE, "bench"),
        ("console", image(scenario_bin("bench-noisy"), "console.bin", INTERFERENCE_ITEMS),
         HYP_MACHINE, "bench"),
    ]
    for name in XEN_RUNS:
        xen_image = image(XEN_GUEST, name + ".bin", XEN_ITEMS)
        plan.append((name, lambda name=name, xen_image=xen_image:
                     xen_args(workdir, name, xen_image()), XEN_MACHINE, None))
    for name in POOL_RUNS:
        plan.append((name, image(scenario_bin("bench-" + name), name + ".bin", POOL_ITEMS),
                     HYP_MACHINE, "bench"))
    for name in ENERGY_RUNS:
        plan.append((name, image(scenario_bin(ENERGY_SCENARIOS[name]), name + ".bin",
                                 ENERGY_ITEMS, ENERGY_START_MS, SLOW_NS or KINDS_ONLY_NS),
                     HYP_MACHINE, "bench"))
    for name, kernel, machine, vm in plan:
        if only and name not in only:  # --runs: a placeholder, shown as '?'
            runs[name] = {"items": {}, "skipped": {}, "start": None}
            continue
        boot = kernel()  # an image for -kernel, or the whole boot arguments (Xen)
        boot = boot if isinstance(boot, list) else ["-kernel", boot]
        runs[name] = run_qemu(name, machine + QEMU_COMMON + boot, vm, workdir,
                              typing=(name == "console"),
                              ready=ENERGY_READY if name in ENERGY_RUNS else ())
    return runs


# --- results --------------------------------------------------------------------------

def pick(runs, item, col):
    """Result of `item` for column native / rtvisor / interference."""
    smp = item in SMP_ITEMS
    name = {"native": "native-smp" if smp else "native",
            "rtvisor": ("rtvisor-smp" if smp else
                        "rtvisor-msi" if item in MSI_ITEMS else "rtvisor"),
            "interference": "interference" if item in INTERFERENCE_ITEMS else None,
            "console": "console" if item in INTERFERENCE_ITEMS else None,
            "pool3": "pool3" if item in POOL_ITEMS else None,
            "pool0": "pool0" if item in POOL_ITEMS else None,
            "gicv4": "rtvisor-msi-v4" if item in MSI_ITEMS else None,
            "exitless": "exitless" if item in UP_ITEMS else None,
            "xen": "xen" if item in XEN_ITEMS else None,
            "xen-rt": "xen-rt" if item in XEN_ITEMS else None}[col]
    if name is None or name not in runs:
        return None
    return runs[name]["items"].get(item)


def fmt_el2(v):
    return "-" if v is None else "%.2f" % v


def rows(runs):
    out = []
    for item in ITEMS:
        nat, hyp, itf, con = (pick(runs, item, c)
                              for c in ("native", "rtvisor", "interference", "console"))
        row = {"item": item, "native": nat, "rtvisor": hyp, "interference": itf, "console": con}
        for c in POOL_RUNS + ("exitless", "gicv4") + XEN_RUNS:
            row[c] = pick(runs, item, c)
        if nat and hyp:
            row["added"] = hyp["avg"] - nat["avg"]
            row["loss_pct"] = (round(100.0 * row["added"] / nat["avg"], 1)
                               if nat["avg"] else None)
        out.append(row)
    return out


def cell(r, key="avg"):
    return str(r[key]) if r else "?"


def beside_native(table, items, col, base_name, col_name):
    """Table rows: the items' native, rtvisor and `col` averages, col's added to native and
    the EL2 entries per iteration of both."""
    t = ["| item | native | %s | %s | added | EL2 entries (%s) | EL2 entries (%s) |"
         % (base_name, col_name, base_name.split(" ", 1)[-1].strip("()"),
            col_name.split(" ", 1)[-1].strip("()")),
         "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in table:
        if r["item"] not in items:
            continue
        nat, b, x = r["native"], r["rtvisor"], r.get(col)
        t.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            r["item"], cell(nat), cell(b), cell(x),
            str(x["avg"] - nat["avg"]) if nat and x else "?",
            fmt_el2(b["el2"]) if b else "?", fmt_el2(x["el2"]) if x else "?"))
    return t


# Issue 17's quarter is judged where Xen's path added at least this much (a trap or an
# injection); below it the item runs at the guest's own speed under both.
PEER_MIN_ADDED = 50


def added(r, col):
    """Mean of column col minus native's, or None."""
    nat, x = r["native"], r.get(col)
    return x["avg"] - nat["avg"] if nat and x else None


def peers_table(table):
    """rtvisor next to Xen 4.17 on the same QEMU (issue 17's peers), and the verdict."""
    t = ["Peers (issue 17): the same bench guest natively, under rtvisor (bind pool, GICv3), in "
         "exit-less mode and under Xen 4.17 (dom0less, the guest the only domain; xen: Xen's "
         "default boot arguments, xen-rt: vwfi=native), mean ns = instructions; added = column "
         "- native; ratio = added rtvisor / added Xen (default); quarter = rtvisor's added at "
         "or below a quarter of Xen's (judged where Xen adds >= %d):" % PEER_MIN_ADDED, "",
         "| item | native | rtvisor bind | exit-less | Xen 4.17 | Xen 4.17 vwfi=native "
         "| added rtvisor | added exit-less | added Xen | added Xen vwfi=native | ratio | quarter |",
         "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    met, over = [], []
    for r in table:
        item = r["item"]
        na = item in XEN_NA
        a_rtv, a_xen = added(r, "rtvisor"), added(r, "xen")
        ratio = quarter = "-"
        if a_rtv is not None and a_xen is not None and a_xen >= PEER_MIN_ADDED:
            ratio = "%.2f" % (a_rtv / a_xen)
            ok = 4 * a_rtv <= a_xen
            quarter = "yes" if ok else "no (+%d)" % (a_rtv - a_xen // 4)
            (met if ok else over).append("%s %d vs %d/4" % (item, a_rtv, a_xen))

        def num(v):
            return "-" if na else ("?" if v is None else str(v))
        t.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            item, cell(r["native"]), cell(r["rtvisor"]),
            cell(r["exitless"]) if item in UP_ITEMS else "-",
            "-" if na else cell(r["xen"]), "-" if na else cell(r["xen-rt"]),
            "?" if a_rtv is None else str(a_rtv),
            str(added(r, "exitless")) if added(r, "exitless") is not None else "-",
            num(a_xen), num(added(r, "xen-rt")), ratio, quarter))
    t.append("")
    t.append("No Xen figure ('-' above):")
    for item, why in XEN_NA.items():
        t.append("- %s: %s" % (item, why))
    t.append("")
    t.append("Notes on Xen's figures:")
    for item, why in XEN_NOTES.items():
        t.append("- %s: %s" % (item, why))
    t.append("")
    t.append("rtvisor (bind) at or below a quarter of Xen's added instructions: %s" %
             ("; ".join(met) if met else "none"))
    t.append("rtvisor (bind) above a quarter of Xen's: %s" % ("; ".join(over) if over else "none"))
    return "\n".join(t)


def tables(table):
    t = []
    t.append("Mean per iteration, ns (one instruction = 1 ns under -icount shift=0):")
    t.append("")
    t.append("| item | native | rtvisor | added | loss % |")
    t.append("| --- | ---: | ---: | ---: | ---: |")
    for r in table:
        loss = "n/a" if r.get("loss_pct") is None else "%.1f" % r["loss_pct"]
        added = str(r["added"]) if "added" in r else "?"
        t.append("| %s | %s | %s | %s | %s |" % (r["item"], cell(r["native"]),
                                                  cell(r["rtvisor"]), added, loss))
    t.append("")
    t.append("Min / max per iteration, ns; jitter = max - min; EL2 entries per iteration:")
    t.append("")
    t.append("| item | native min | native max | rtvisor min | rtvisor max | rtvisor jitter "
             "| EL2 entries |")
    t.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in table:
        h = r["rtvisor"]
        t.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            r["item"], cell(r["native"], "min"), cell(r["native"], "max"), cell(h, "min"),
            cell(h, "max"), str(h["max"] - h["min"]) if h else "?",
            fmt_el2(h["el2"]) if h else "?"))
    t.append("")
    t.append("Interference: bench VM alone vs with the hammer VM on pCPU 3, ns:")
    t.append("")
    t.append("| item | alone avg | hammer avg | alone max | hammer max | EL2 entries (hammer) |")
    t.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in table:
        if r["item"] not in INTERFERENCE_ITEMS:
            continue
        a, b = r["rtvisor"], r["interference"]
        t.append("| %s | %s | %s | %s | %s | %s |" % (
            r["item"], cell(a), cell(b), cell(a, "max"), cell(b, "max"),
            fmt_el2(b["el2"]) if b else "?"))
    t.append("")
    t.append("Console interference: bench VM alone, beside the hammer VM, and beside a VM that "
             "floods its console and loops on a forbidden access while `log` is typed into the "
             "shell in a loop, ns (added = console - alone; EL2 entries per iteration on the "
             "bench pCPU):")
    t.append("")
    t.append("| item | alone avg | hammer avg | console avg | added avg | alone max | console max "
             "| added max | EL2 alone | EL2 console |")
    t.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in table:
        if r["item"] not in INTERFERENCE_ITEMS:
            continue
        a, h, c = r["rtvisor"], r["interference"], r["console"]
        t.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["item"], cell(a), cell(h), cell(c), str(c["avg"] - a["avg"]) if a and c else "?",
            cell(a, "max"), cell(c, "max"), str(c["max"] - a["max"]) if a and c else "?",
            fmt_el2(a["el2"]) if a else "?", fmt_el2(c["el2"]) if c else "?"))
    t.append("")
    t.append("Exit-less mode (configs/bench-exitless.dts, docs/architecture.md \"Exit-less "
             "mode\"): the bench VM's interrupts taken at its EL1 straight from the GIC, next to "
             "the GICv3 bind column, ns (added = exit-less - native; EL2 entries per iteration):")
    t.append("")
    t += beside_native(table, UP_ITEMS, "exitless", "rtvisor (bind)", "exit-less")
    t.append("")
    t.append("GICv4 direct injection (configs/bench-msi-v4.dts on gic-version=4, docs/pci.md "
             "\"GICv4 direct injection\"): the MSI as a vLPI of the resident vCPU, next to the "
             "GICv3 path, ns (added = GICv4 - native; EL2 entries per iteration):")
    t.append("")
    t += beside_native(table, MSI_ITEMS, "gicv4", "rtvisor (GICv3)", "rtvisor (GICv4)")
    t.append("")
    t.append("Shared dynamic pool: bench VM on pCPU 2 beside a pool shared by a busy priority-14 "
             "VM and a priority-9 VM on pCPU 3 or on pCPU 0 (the housekeeping pCPU), ns:")
    t.append("")
    t.append("| item | alone max | pool on 3 avg | pool on 3 max | pool on 0 avg | pool on 0 max |")
    t.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in table:
        if r["item"] not in POOL_ITEMS:
            continue
        p3, p0 = r["pool3"], r["pool0"]
        t.append("| %s | %s | %s | %s | %s | %s |" % (
            r["item"], cell(r["rtvisor"], "max"), cell(p3), cell(p3, "max"), cell(p0),
            cell(p0, "max")))
    t.append("")
    t.append(peers_table(table))
    return "\n".join(t)


# What the RT pCPU's own path decides, and so must not depend on the other pool's policy:
# the shortest sample (the RT path with nothing of QEMU's other vCPUs in it) and the EL2
# entries per sample of each kind ("bench: kinds": a sample is late when its deadline
# passed before the RT guest reached its WFI). The average and maximum also hold the Linux
# VMs' and the housekeeper's instructions that QEMU's icount round robin runs between an
# RT deadline and the RT vCPU's turn, and how many samples are late is that same
# interleaving; with Linux VMs a few instructions anywhere (the governor's work) move
# those, so they are reported, not compared (docs/power.md, "With Linux VMs: what is
# rtvisor's and what is QEMU's").
ENERGY_RT_KEYS = ("n", "min", "ontime_el2")


def rt_keys(item):
    """The RT path's own numbers of one item's result (ENERGY_RT_KEYS and the late kind's)."""
    return {k: item.get(k) for k in ENERGY_RT_KEYS + ("late_el2",)}


def rt_same(x, y):
    """One item's RT path under both policies: the ENERGY_RT_KEYS equal, and a late sample's
    EL2 entries too where both runs had late samples."""
    if any(x.get(k) is None or x.get(k) != y.get(k) for k in ENERGY_RT_KEYS):
        return False
    return not (x.get("late") and y.get("late")) or x["late_el2"] == y["late_el2"]


def energy_rt_identical(runs):
    """The RT VM's own numbers of every item under both policies: equal?"""
    a, b = (runs[r]["items"] for r in ENERGY_RUNS)
    return all(a.get(i) and b.get(i) and rt_same(a[i], b[i]) for i in ENERGY_ITEMS)


def kinds_cell(item):
    """EL2 entries per on-time sample, and the late samples' count and entries."""
    if not item or item.get("ontime_el2") is None:
        return "?"
    late = (", late %d: %s" % (item["late"], fmt_el2(item["late_el2"]))) if item["late"] else ""
    return fmt_el2(item["ontime_el2"]) + late


def energy_table(runs):
    """Model energy per pCPU (mJ) under each policy, and the RT VM's timer latency."""
    t = ["Energy (model, docs/power.md) of the RT bench VM (pCPU 1, bind, RT level), an idle "
         "Linux VM (pCPU 2) and a busy Linux VM (pCPU 3); pCPU 0 is the housekeeper. mJ over "
         "the bench items (after both Linux VMs booted); RT timer latency in ns:", "",
         "| dynamic pool policy | items ms | cpu0 (hk) mJ | cpu1 (RT) mJ | cpu2 (idle Linux) mJ "
         "| cpu3 (busy Linux) mJ | total mJ "
         "| mean mW | RT timer_lat_busy min/avg/max | RT timer_lat_wfi min/avg/max |",
         "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in ENERGY_RUNS:
        e, items = runs[name].get("energy"), runs[name]["items"]
        if not e:
            t.append("| %s | ? |" % name)
            continue
        mj = [e["cpus"][c]["uj"] / 1000.0 for c in sorted(e["cpus"])]
        ms = (e["time_us"] or 0) / 1000.0
        lat = ["%s/%s/%s el2=%s" % (cell(items.get(i), "min"), cell(items.get(i)),
                                    cell(items.get(i), "max"), kinds_cell(items.get(i)))
               for i in ENERGY_ITEMS]
        t.append("| %s | %.0f | %s | %.1f | %s | %s | %s |" % (
            name.split("-", 1)[1], ms, " | ".join("%.1f" % x for x in mj), sum(mj),
            "%.0f" % (sum(mj) / ms * 1000) if ms else "?", lat[0], lat[1]))
    t.append("")
    t.append("RT VM's own path identical under both policies (minimum latency and EL2 entries "
             "per sample of each kind, on time and late, of both items; el2 above: per on-time "
             "sample, then the late samples, whose deadline passed before the RT guest reached "
             "its WFI): %s" % ("yes" if energy_rt_identical(runs) else "NO"))
    return "\n".join(t)


def check_complete(runs, table):
    missing = []
    for r in table:
        for col in ("native", "rtvisor", "interference", "console", "exitless") + POOL_RUNS:
            if col in ("interference", "console") and r["item"] not in INTERFERENCE_ITEMS:
                continue
            if col == "exitless" and r["item"] not in UP_ITEMS:
                continue
            if col in POOL_RUNS and r["item"] not in POOL_ITEMS:
                continue
            if not r[col]:
                missing.append("%s/%s" % (r["item"], col))
    for name in XEN_RUNS:
        missing += ["%s/%s" % (i, name) for i in XEN_ITEMS if not runs[name]["items"].get(i)]
    for name in ENERGY_RUNS:
        missing += ["%s/%s" % (i, name) for i in ENERGY_ITEMS if not runs[name]["items"].get(i)]
        if not runs[name].get("energy"):
            missing.append("energy/%s" % name)
    skipped = {name: run["skipped"] for name, run in runs.items() if run["skipped"]}
    return missing, skipped


def git_describe():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                             capture_output=True).stdout.strip()
        if not rev:
            return "unknown"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, text=True, capture_output=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except OSError:
        return "unknown"


def qemu_version():
    try:
        out = subprocess.run([QEMU, "--version"], text=True, capture_output=True).stdout
        return out.splitlines()[0].strip()
    except (OSError, IndexError):
        return "unknown"


# --- chart ----------------------------------------------------------------------------

def have_gnuplot(install):
    if shutil.which("gnuplot"):
        return True
    if not install:
        return False
    if os.geteuid() != 0:
        log("bench: gnuplot missing (apt-get install gnuplot-nox); no chart")
        return False
    log("bench: installing gnuplot-nox for the chart")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "gnuplot-nox"]):
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            log("bench: could not install gnuplot-nox; no chart")
            return False
    return shutil.which("gnuplot") is not None


def chart(table, png, title):
    """Clustered bars of the mean per item (the period items, ~1e5..1e6 ns, are left out)."""
    with tempfile.TemporaryDirectory() as d:
        dat = os.path.join(d, "bench.dat")
        with open(dat, "w") as f:
            for r in table:
                if r["item"].startswith("timer_period"):
                    continue
                vals = [r[c]["avg"] if r[c] else None
                        for c in ("native", "rtvisor", "interference", "console")]
                f.write("%s %s\n" % (r["item"], " ".join(
                    "?" if v is None else str(max(v, 1)) for v in vals)))
        script = """
set terminal pngcairo size 1500,700 noenhanced font "DejaVu Sans,10"
set output '%s'
set title '%s'
set datafile missing '?'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [1:*]
set ylabel 'mean ns per iteration (log scale; 0 and 1 at the axis)'
set xtics rotate by -40 scale 0
set grid ytics
set key outside top center horizontal
set bmargin 9
plot '%s' using 2:xtic(1) title 'native', '' using 3 title 'rtvisor', \
     '' using 4 title 'rtvisor + hammer VM', '' using 5 title 'rtvisor + console flood'
""" % (png, title, dat)
        r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
        if r.returncode != 0:
            log("bench: gnuplot failed: %s" % r.stderr.strip())
            return False
    return True


# --- main -----------------------------------------------------------------------------

def measure(args, workdir):
    if not args.no_build:
        build()
    defaults = read_params(os.path.join(BUILD, "guests", "bench.bin"))
    n = args.n or (QUICK_N if args.quick else DEFAULT_N)
    periods = args.periods or (QUICK_PERIODS if args.quick else DEFAULT_PERIODS)
    log("bench: n=%d periods=%d (image defaults n=%d periods=%d)"
        % (n, periods, defaults[0], defaults[1]))
    only = set(args.runs.split(",")) if args.runs else None
    return n, periods, run_all(n, periods, workdir, only)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="tiny N (%d iterations, %d periods): checks the plumbing, not numbers"
                    % (QUICK_N, QUICK_PERIODS))
    ap.add_argument("--n", type=int, help="iterations per item (default %d)" % DEFAULT_N)
    ap.add_argument("--periods", type=int,
                    help="timer periods per jitter item (default %d)" % DEFAULT_PERIODS)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"),
                    help="directory for <date>.md/.json/.png (default bench/results)")
    ap.add_argument("--runs", help="comma-separated runs to make (default: all), e.g. "
                    "native,rtvisor,exitless; the tables show '?' for the others")
    ap.add_argument("--no-build", action="store_true", help="use the images already built")
    ap.add_argument("--no-chart", action="store_true", help="skip the PNG chart")
    ap.add_argument("--no-install", action="store_true",
                    help="do not apt-get install gnuplot-nox when it is missing")
    ap.add_argument("--repeat", action="store_true",
                    help="measure twice and fail unless both runs give identical numbers")
    ap.add_argument("--slow-ns", type=int, default=0,
                    help="timer_lat_* print up to 64 samples above this latency "
                         "('bench: slow ...' in the run's log; a diagnostic)")
    args = ap.parse_args()
    global SLOW_NS
    SLOW_NS = args.slow_ns

    t_start = time.monotonic()
    os.makedirs(args.out, exist_ok=True)
    logdir = os.path.join(BUILD, "bench")
    os.makedirs(logdir, exist_ok=True)
    try:
        n, periods, runs = measure(args, logdir)
        if args.repeat:
            args.no_build = True
            log("bench: second run for the repeatability check")
            _, _, runs2 = measure(args, logdir)
            a = {k: v["items"] for k, v in runs.items() if k not in HOST_TIMED_RUNS + ENERGY_RUNS}
            b = {k: v["items"] for k, v in runs2.items() if k not in HOST_TIMED_RUNS + ENERGY_RUNS}
            for r in ENERGY_RUNS:
                # with Linux VMs only the RT path's own numbers repeat (energy_rt_identical)
                a[r] = {i: rt_keys(v) for i, v in runs[r]["items"].items()}
                b[r] = {i: rt_keys(v) for i, v in runs2[r]["items"].items()}
                log("bench: %s energy (not compared): %s vs %s"
                    % (r, runs[r].get("energy"), runs2[r].get("energy")))
            for r in HOST_TIMED_RUNS:
                same = sorted(i for i in runs[r]["items"]
                              if runs[r]["items"][i] == runs2[r]["items"].get(i))
                log("bench: %s run (host-timed input, not compared): %d of %d items identical"
                    % (r, len(same), len(runs[r]["items"])))
            if a != b:
                diffs = ["%s/%s: %s vs %s" % (r, i, a[r].get(i), b[r].get(i))
                         for r in a for i in sorted(set(a[r]) | set(b.get(r, {})))
                         if a[r].get(i) != b.get(r, {}).get(i)]
                raise BenchError("runs differ:\n  " + "\n  ".join(diffs[:40]))
    except BenchError as e:
        log("bench: error: %s" % e)
        return 1

    table = rows(runs)
    text = tables(table) + "\n\n" + energy_table(runs)
    print(text)
    if args.repeat:
        print("\nrepeat: both runs gave identical numbers")
    missing, skipped = check_complete(runs, table)

    date = datetime.date.today().isoformat()
    meta = {"date": date, "git": git_describe(), "qemu": qemu_version(), "n": n,
            "periods": periods, "icount": ICOUNT[1],
            "guest": {name: run["start"] for name, run in runs.items()}}
    base = os.path.join(args.out, date)
    with open(base + ".json", "w") as f:
        json.dump({"meta": meta, "items": ITEMS, "runs": runs, "table": table}, f, indent=1,
                  sort_keys=True)
        f.write("\n")
    png_ok = False
    if not args.no_chart and have_gnuplot(not args.no_install):
        png_ok = chart(table, base + ".png", "rtvisor benchmark %s (%s, QEMU -icount shift=0)"
                       % (date, meta["git"]))
    with open(base + ".md", "w") as f:
        f.write("# rtvisor benchmark, %s\n\n" % date)
        f.write("rtvisor %s, %s, `-icount %s`, N = %d iterations per item, %d timer periods "
                "per jitter item. Produced by `make bench` (bench/run.py); see "
                "docs/benchmarks.md.\n\n" % (meta["git"], meta["qemu"], ICOUNT[1], n, periods))
        for name, run in runs.items():
            f.write("- %s: `%s`\n" % (name, run["start"]))
            if name in XEN_RUNS and run.get("cmd"):
                f.write("  - %s, boot arguments `%s`; QEMU: `%s`\n"
                        % (run.get("hypervisor", "Xen (version not seen)"), XEN_BOOTARGS[name],
                           " ".join(run["cmd"]).replace(ROOT + "/", "")))
            if "noise" in run:
                f.write("  - neighbours during the %s run: %s\n" % (name, run["noise"]))
        f.write("\n" + text + "\n")
        if png_ok:
            f.write("\n![chart](%s.png)\n" % date)
    log("bench: wrote %s.md, .json%s" % (base, ", .png" if png_ok else ""))
    log("bench: total %.1f s wall" % (time.monotonic() - t_start))
    if missing or skipped:
        log("bench: incomplete: missing %s skipped %s" % (missing, skipped))
        return 1
    if not energy_rt_identical(runs) and args.quick:
        # --quick checks the plumbing, not the numbers: 20 samples may or may not meet one
        # of the housekeeper's or the Linux VMs' moments (docs/power.md)
        log("bench: warning (--quick): the RT VM's minimum latency or EL2 entries differ "
            "between the energy runs")
    elif not energy_rt_identical(runs):
        # Issue 16: the RT pCPU keeps its level whatever the dynamic pool's policy does, and
        # under icount the level changes no instruction, so the RT path's own numbers must
        # match (ENERGY_RT_KEYS of every ENERGY_ITEMS item).
        log("bench: error: the RT VM's minimum latency or EL2 entries differ between the energy "
            "runs: %s"
            % "; ".join("%s %s vs %s" % (i, runs[ENERGY_RUNS[0]]["items"].get(i),
                                         runs[ENERGY_RUNS[1]]["items"].get(i))
                        for i in ENERGY_ITEMS))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
