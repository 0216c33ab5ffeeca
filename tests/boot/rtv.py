"""Helpers for QEMU boot tests: build a scenario image, boot it, read the console."""
import os
import re
import subprocess
import time

import pexpect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build")
PLATFORM = "qemu-virt"
LOG_DIR = os.path.join(BUILD, "test-logs")
ESCAPE = "\x14"  # Ctrl-T: console focus escape

QEMU_BASE = ["qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3",
             "-cpu", "cortex-a72", "-nographic", "-no-reboot", "-nic", "none"]
# gic-version of Machine() when a test does not choose: RTV_GIC=4 runs any boot test on
# QEMU's GICv4.0 (redistributors of four 64 KiB frames, an ITS with virtual LPIs)
DEFAULT_GIC = int(os.environ.get("RTV_GIC", "3"))


def qemu_base(gic=None):
    """QEMU_BASE with gic-version=gic (3 or 4; None: DEFAULT_GIC)."""
    gic = DEFAULT_GIC if gic is None else gic
    if gic not in (3, 4):
        raise ValueError("gic-version %r: 3 or 4" % (gic,))
    return [QEMU_BASE[0], "-M", "virt,virtualization=on,gic-version=%d" % gic] + QEMU_BASE[3:]


def make(*targets, env=None):
    """Run make in the repository; raise with its output on failure."""
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run(["make", "-s", *targets], cwd=ROOT, env=e,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError("make %s failed:\n%s" % (" ".join(targets), r.stdout))
    return r.stdout


def scenario_image(name, skip_check=False):
    """Build configs/<name>.dts into a hypervisor image and return its path."""
    env = {"SKIP_CHECK": "1"} if skip_check else {}
    make("scenario", "SCN=%s" % name, env=env)
    return os.path.join(BUILD, PLATFORM, "scenarios", name, "rtvisor.bin")


class Machine:
    """One QEMU run with its console behind pexpect."""

    def __init__(self, kernel, name, smp=4, mem="2G", extra=(), icount=False, gic=None):
        os.makedirs(LOG_DIR, exist_ok=True)
        args = qemu_base(gic) + ["-smp", str(smp), "-m", mem, "-kernel", kernel, *extra]
        if icount:
            args += ["-icount", "shift=0,sleep=off"]
        self.log = open(os.path.join(LOG_DIR, name.replace("/", "_") + ".log"), "w")
        self.p = pexpect.spawn(args[0], args[1:], encoding="utf-8", codec_errors="replace",
                               timeout=60, logfile=self.log)

    def expect(self, pattern, timeout=60):
        """Wait for a regex; return its match object."""
        self.p.expect(pattern, timeout=timeout)
        return self.p.match

    def expect_all(self, patterns, timeout=60):
        """Wait until every regex in patterns has appeared (any order)."""
        todo = list(patterns)
        while todo:
            i = self.p.expect(todo, timeout=timeout)
            todo.pop(i)

    def read_for(self, seconds):
        """Everything printed during the next `seconds` of wall time."""
        try:
            self.p.expect(pexpect.TIMEOUT, timeout=seconds)
        except pexpect.EOF:
            pass
        text = self.p.before
        # a timeout consumes nothing: drop what was read so the next read starts after it
        self.p.buffer = ""
        self.p._before = self.p.buffer_type()
        return text

    def send(self, s):
        self.p.send(s)

    def open_shell(self):
        """Give the input focus to the hypervisor shell and wait for its prompt."""
        self.p.send(ESCAPE + "s")
        self.p.expect(r"rtvisor> ", timeout=60)

    def sh(self, cmd, want, timeout=60):
        """Run one shell command: wait for `want`, then for the next prompt; the match."""
        self.p.send(cmd + "\r")
        self.p.expect(want, timeout=timeout)
        found = self.p.match
        self.p.expect(r"rtvisor> ", timeout=timeout)
        return found

    def focus(self, vm_index):
        """Switch console input to VM number vm_index (1-based)."""
        self.p.send(ESCAPE + str(vm_index))

    def alive(self):
        return self.p.isalive()

    def close(self):
        if self.p.isalive():
            self.p.terminate(force=True)
        self.log.close()


def shell_run(m, prompt, vm, cmd, want=None, timeout=60):
    """Type a command into VM vm's shell (prompt: a regex); what it printed, tags removed.

    Like a person, wait for the shell to settle after its prompt before typing
    (busybox switches the terminal to raw mode after printing it). If `want` is
    given and missing from the output, type the command once more: a line typed
    during that switch was seen to be lost on a heavily loaded host.
    """
    out = ""
    for attempt in range(2):
        m.read_for(0.3)
        m.send(cmd + "\r")
        m.expect(prompt, timeout=timeout)
        out = "\n".join(lines_of(m.p.before, vm))
        if want is None or want in out:
            break
        print("retrying %r: got %r" % (cmd, out))
    return out


def run_marked(m, vm, cmd, timeout=180):
    """A command that takes a while in VM vm's Linux shell: wait for a marker it prints
    when done, not for a prompt (the focused VM's prompt line is redrawn whenever another
    line cuts it); what it printed, tags removed."""
    m.read_for(0.3)
    m.send(cmd + "; echo end-$((6*7))\r")
    m.expect(r"\[%s\] end-42\r" % vm, timeout=timeout)
    return "\n".join(lines_of(m.p.before, vm))


def focus_linux(m, idx, vm):
    """Give VM number idx (named vm, a Linux with the initramfs shell) the console input
    and wait for its prompt."""
    m.focus(idx)
    m.expect(r"console focus -> %s" % vm)
    m.send("\r")
    m.expect(r"\[%s\] ~ # " % vm)


def lines_of(text, vm):
    """Console lines tagged by VM `vm`, without the tag."""
    tag = "[%s] " % vm
    return [l.split(tag, 1)[1].strip() for l in text.splitlines() if tag in l]


def assert_edudma_msi(out):
    """guests/edudma's console lines `out` (lines_of): the edu's MSI (event 0) arrived as
    the LPI the guest mapped (8292), every time, and the MSIs it pointed elsewhere or at an
    unreserved event never reached it."""
    assert any(re.fullmatch(r"edudma: msi its typer=0x[0-9a-f]+ lpis=3 last=8292", l)
               for l in out), out
    assert "edudma: msi after lpis=3 last=8292" in out, out
    assert "edudma: attack msi-address lpis=0" in out, out
    assert "edudma: attack msi-data lpis=0" in out, out


def stats(text):
    """The shell's `stats` table in text: {pCPU: {cause: EL2 entries}}."""
    head = next(l for l in text.splitlines() if "irq-timer" in l).split()
    rows = re.findall(r"^\s*cpu(\d+)((?:[ \t]+\d+)+)\s*$", text, re.M)
    return {int(c): dict(zip(head, (int(x) for x in v.split()))) for c, v in rows}


def ticks_reports(text, vm):
    """(ticks, min, avg, max, jitter) tuples from hello's timer reports of one VM."""
    out = []
    for l in lines_of(text, vm):
        m = re.search(r"ticks=(\d+) period_ns min=(\d+) avg=(\d+) max=(\d+) jitter_ns=(\d+)", l)
        if m:
            out.append(tuple(int(x) for x in m.groups()))
    return out


FREQ_CPU = re.compile(r"cpu(\d+) pool=(\S+) policy=(\S+) load=(\S+) req=(\S+) level=(\d+)MHz "
                      r"ms=([\d/]+) mJ=(\d+)")


def freq(m):
    """The shell's `freq` view (the shell must have the focus): {pCPU: dict}."""
    m.send("freq\r")
    # up to the line's end: pexpect matches as soon as the regex does, and "[^\r\n]*" alone
    # matched a line still arriving ("requests: linu": a fresh-check run failed on it)
    m.expect(r"requests:[^\r\n]*[\r\n]")
    text = m.p.before + m.p.after
    m.expect(r"rtvisor> ")
    out = {}
    for c, pool, pol, load, req, mhz, ms, mj in FREQ_CPU.findall(text):
        out[int(c)] = {"pool": pool, "policy": pol, "load": load, "req": req, "mhz": int(mhz),
                       "ms": [int(x) for x in ms.split("/")], "mj": int(mj), "text": text}
    return out


def wait_freq(m, pcpu, want, timeout=20):
    """Poll `freq` until pCPU pcpu satisfies want(row); return that view (or fail)."""
    end = time.time() + timeout
    while True:
        view = freq(m)
        if want(view[pcpu]):
            return view
        assert time.time() < end, "pCPU %d never got there: %s" % (pcpu, view[pcpu]["text"])
        time.sleep(0.5)
