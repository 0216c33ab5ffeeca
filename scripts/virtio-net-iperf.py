#!/usr/bin/env python3
"""iperf3 between the two Linux VMs of configs/linux-net.dts over the virtual network
"lan0" (docs/virtio.md "Measured"). Build first: make linux-images scenario SCN=linux-net.
Run it under flock /tmp/rtv-qemu.lock. linux-b runs `iperf3 -s -D`; linux-a runs
`iperf3 -c` for SECONDS each way (-R: linux-b sends). Prints
RESULT {'a->b': Mbit/s, 'b->a': Mbit/s} (the receiver's figure of each run)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "boot"))
import rtv  # noqa: E402

SECONDS = int(os.environ.get("IPERF_SECONDS", "10"))
EXTRA = os.environ.get("IPERF_QEMU", "").split()

m = rtv.Machine(os.path.join(rtv.BUILD, "qemu-virt/scenarios/linux-net/rtvisor.bin"),
                "virtio-iperf", extra=EXTRA)
try:
    m.expect_all([r"\[linux-a\] rtvisor-linux: init done", r"\[linux-b\] rtvisor-linux: init done"],
                 timeout=300)
    rtv.focus_linux(m, 2, "linux-b")
    rtv.run_marked(m, "linux-b", "ip addr add 10.0.0.2/24 dev eth0; ip link set eth0 up; iperf3 -s -D")
    rtv.focus_linux(m, 1, "linux-a")
    rtv.run_marked(m, "linux-a", "ip addr add 10.0.0.1/24 dev eth0; ip link set eth0 up; sleep 2")
    res = {}
    for name, flag in (("a->b", ""), ("b->a", " -R")):
        out = rtv.run_marked(m, "linux-a", "iperf3 -c 10.0.0.2 -t %d -f m%s" % (SECONDS, flag),
                             timeout=SECONDS * 20 + 120)
        print(out)
        got = re.search(r"([\d.]+) Mbits/sec\s+(\d+\s+)?receiver", out)
        res[name] = float(got.group(1)) if got else None
    print("RESULT", res)
finally:
    m.close()
