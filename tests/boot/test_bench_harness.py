"""The benchmark harness (bench/run.py, `make bench`) in quick mode.

Runs every benchmark configuration (native, native -smp 2, rtvisor, rtvisor
with two vCPUs, rtvisor with the hammer VM, rtvisor with a console-flooding,
faulting VM and a shell `log` loop) with a tiny N and checks that the
output is well-formed: every item present for native and hypervisor, every
number parses. It does not judge the numbers (docs/benchmarks.md does).

Run: /usr/bin/python3 -m pytest tests/boot/test_bench_harness.py -v
"""

import json
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import run as bench  # noqa: E402

ROW = re.compile(r"^\| (\S+) \| (.*) \|$")


def table_rows(text, header):
    """Rows {item: [cells]} of the markdown table whose header line is `header`."""
    lines = text.splitlines()
    start = lines.index(header)
    assert re.match(r"^\| ---( \| -+:)+ \|$", lines[start + 1]), lines[start + 1]
    rows = {}
    for line in lines[start + 2:]:
        m = ROW.match(line)
        if not m:
            break
        rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "run.py"), "--quick",
                        "--out", str(out), "--no-chart"],
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=1200)
    assert r.returncode == 0, "bench/run.py --quick failed:\n%s\n%s" % (r.stdout[-4000:],
                                                                        r.stderr[-4000:])
    return r.stdout, out


def test_main_table_has_every_item(quick):
    stdout, _ = quick
    rows = table_rows(stdout, "| item | native | rtvisor | added | loss % |")
    assert list(rows) == bench.ITEMS
    for item, (native, hyp, added, loss) in rows.items():
        assert int(native) >= 0, item
        assert int(hyp) >= 0, item
        assert int(added) == int(hyp) - int(native), item
        if loss != "n/a":
            float(loss)


def test_minmax_table(quick):
    stdout, _ = quick
    rows = table_rows(stdout, "| item | native min | native max | rtvisor min | rtvisor max "
                              "| rtvisor jitter | EL2 entries |")
    assert list(rows) == bench.ITEMS
    for item, cells in rows.items():
        nmin, nmax, hmin, hmax, jitter = (int(c) for c in cells[:5])
        assert nmin <= nmax and hmin <= hmax, item
        assert jitter == hmax - hmin, item
        assert float(cells[5]) >= 0, item  # rtvisor reports EL2 entry counts


def test_interference_table(quick):
    stdout, _ = quick
    rows = table_rows(stdout, "| item | alone avg | hammer avg | alone max | hammer max "
                              "| EL2 entries (hammer) |")
    assert list(rows) == bench.INTERFERENCE_ITEMS
    for item, cells in rows.items():
        for c in cells[:4]:
            assert int(c) >= 0, item
        float(cells[4])


def test_console_table(quick):
    stdout, _ = quick
    rows = table_rows(stdout, "| item | alone avg | hammer avg | console avg | added avg "
                              "| alone max | console max | added max | EL2 alone | EL2 console |")
    assert list(rows) == bench.INTERFERENCE_ITEMS
    for item, cells in rows.items():
        alone, hammer, con, added, amax, cmax, added_max = (int(c) for c in cells[:7])
        assert min(alone, hammer, con, amax, cmax) >= 0, item
        assert added == con - alone and added_max == cmax - amax, item
        assert float(cells[7]) >= 0 and float(cells[8]) >= 0, item


def test_console_run_had_its_neighbours(quick):
    _, out = quick
    js = [f for f in os.listdir(out) if f.endswith(".json")]
    data = json.load(open(os.path.join(out, js[0])))
    noise = data["runs"]["console"]["noise"]
    assert noise["log_dumps_in_all"] >= 1 and noise["noisy_lines"] >= 1, noise
    assert noise["fault_reports"] == 16, noise


def test_json_and_markdown_written(quick):
    _, out = quick
    files = sorted(os.listdir(out))
    md = [f for f in files if f.endswith(".md")]
    js = [f for f in files if f.endswith(".json")]
    assert len(md) == 1 and len(js) == 1, files
    data = json.load(open(os.path.join(out, js[0])))
    assert data["meta"]["n"] == bench.QUICK_N
    for item in bench.ITEMS:
        smp = "-smp" if item in bench.SMP_ITEMS else ""
        native = data["runs"]["native" + smp]["items"]
        hyp = data["runs"]["rtvisor" + ("-msi" if item in bench.MSI_ITEMS else smp)]["items"]
        assert native[item]["el2"] is None, item      # natively: "-"
        assert hyp[item]["el2"] is not None, item     # under rtvisor: a count
        assert native[item]["n"] > 0 and hyp[item]["n"] > 0, item
    assert "hyp=none" in data["runs"]["native"]["start"]
    assert "hyp=rtvisor" in data["runs"]["rtvisor"]["start"]
    assert "| item | native | rtvisor | added | loss % |" in open(os.path.join(out, md[0])).read()


PEERS_HEADER = ("| item | native | rtvisor bind | exit-less | Xen 4.17 | Xen 4.17 vwfi=native "
                "| added rtvisor | added exit-less | added Xen | added Xen vwfi=native | ratio "
                "| quarter |")


def test_xen_runs_booted_xen_and_the_guest(quick):
    """Both Xen runs booted Debian's Xen 4.17 and the bench guest ran every Xen item as a
    domU (no rtvisor under it, no EL2 counts: Xen gives none)."""
    _, out = quick
    js = [f for f in os.listdir(out) if f.endswith(".json")]
    data = json.load(open(os.path.join(out, js[0])))
    for name in bench.XEN_RUNS:
        run = data["runs"][name]
        assert run["hypervisor"].startswith("Xen 4.17."), run.get("hypervisor")
        assert "hyp=none el=1" in run["start"], run["start"]
        assert sorted(run["items"]) == sorted(bench.XEN_ITEMS), name
        for item, r in run["items"].items():
            assert r["n"] > 0 and r["el2"] is None, (name, item)
        assert bench.XEN_BOOTARGS[name] in open(
            os.path.join(bench.BUILD, "bench", name + ".dts")).read()


def test_peers_table(quick):
    """Every item; Xen's cells numbers where Xen has a figure, '-' where not; added = the
    column minus native; the verdict lines name only items of the table."""
    stdout, _ = quick
    rows = table_rows(stdout, PEERS_HEADER)
    assert list(rows) == bench.ITEMS
    for item, cells in rows.items():
        native, _, _, xen, xen_rt, _, _, a_xen, a_xen_rt, _, _ = cells
        if item in bench.XEN_NA:
            assert (xen, xen_rt, a_xen, a_xen_rt) == ("-", "-", "-", "-"), item
            continue
        assert int(a_xen) == int(xen) - int(native), item
        assert int(a_xen_rt) == int(xen_rt) - int(native), item
    verdict = [l for l in stdout.splitlines() if l.startswith("rtvisor (bind) a")]
    assert len(verdict) == 2, verdict
