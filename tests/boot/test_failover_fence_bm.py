"""A fenced primary that keeps running cannot reach a region that moved (configs/
failover-fence-bm.dts, guests/fochain, docs/failover.md): the group fences with
`fence = "isolate"`, so the switch unmaps region "buf" from the primary (stage 2, TLBs of
every pCPU invalidated) and maps it into the backup, but leaves the primary's vCPU
running. Its next write to "buf" is a stage-2 fault: refused (abort injected, fault-policy
"inject") and reported as fenced, naming the VM, the address and the group; the guest
sees each of its three tries refused and runs on. The backup is promoted with the
region's data. The isolated VM is not a backup the group switches back to: the promoted
VM's own WS1 (it stops feeding after its 100 rounds) finds no backup to switch to."""
import re

import rtv
from test_failover_bm import all_of

FENCED = (r"rtvisor: vm 'a' vcpu 0: write at IPA 0x50100000 refused: fenced by failover 'cell' "
          r"\(shmem 'buf' (?:moved|moving) to 'b'\) \(pc 0x[0-9a-f]+\): abort injected\r")


def test_fenced_primary_running_on_is_refused_and_reported(machine):
    m = machine(rtv.scenario_image("failover-fence-bm"), "failover-fence-bm")
    m.expect(r"rtvisor: failover 'cell': primary 'a', backup 'b'\r", timeout=30)
    all_of(m, r"\[a\] fochain: vm0 primary, counter 0\r", r"\[b\] fochain: vm1 backup, waiting\r")
    m.open_shell()
    m.send("failover cell\r")  # a counts 100 rounds of 10 ms: it is in its loop now
    _, _, got, _ = all_of(
        m, r"rtvisor: failover 'cell': shell: 'a' fenced \(isolated, running\), 'b' promoted "
        r"\(switch 1\)\r", r"\[a\] fochain: vm0 fenced: buf write refused at counter (\d+), "
        r"running on\r", r"\[b\] fochain: vm1 promoted, counter (\d+), buf (\d+)\r", FENCED)
    n = int(got.group(1))
    assert 0 < n < 100, got.group(0)
    # the data moved with the mapping: buf holds the primary's last value (one ahead if
    # the switch came between its two stores)
    assert n <= int(got.group(2)) <= n + 1, got.group(0)
    m.expect(r"\[a\] fochain: vm0 still running, 3 buf writes refused\r", timeout=10)
    m.expect(r"rtvisor: failover 'cell': backup 'a' is fenced \(isolated\): no switch\r",
             timeout=30)
    m.expect(r"rtvisor: vm 'b': watchdog WS1 \(timeout 100 ms\): resetting it\r", timeout=5)
    m.open_shell()
    m.sh("failover", r"failover 'cell': primary 'b' \(\w+\), backup 'a' \(running\), "
         r"switches 1, last \d+ ns \(shell\)\r")
    log = open(m.log.name).read()
    # every refusal of a's three tries is reported, each as fenced, none otherwise
    assert len(re.findall(FENCED.rstrip("\\r"), log)) == 3, log[-3000:]
    assert "unhandled write" not in log and "PANIC" not in log
