# `make soak`: the adversary guest for SOAK_OPS random hostile operations on each of three
# seeds (SOAK_SEEDS) and SOAK_RESETS resets of its VM in all, beside a watched hello VM;
# prints a summary table (tests/soak/soak.py, docs/testing.md). About 2 minutes on 2 cores.
# Then SOAK_FAILOVERS failovers in a row under icount beside an RT VM (tests/boot/fosoak.py,
# configs/failover-soak.dts): a few seconds.
# Then SOAK_LINUX_FAILOVERS failovers of the Linux demo (tests/boot/test_failover_linux.py,
# configs/failover.dts; the kill, panic and hang failures in turn): about 10 s each.
# Then the serial collector's 30 s run (tests/boot/test_ttu.py, docs/ttu.md), about 3 minutes.
# Shares the machine politely: QEMU runs under flock /tmp/rtv-qemu.lock.

SOAK_OPS ?= 1000000
SOAK_RESETS ?= 1002
SOAK_SEEDS ?= 1001,2002,3003
SOAK_V4_SEEDS ?= 4004
SOAK_FAILOVERS ?= 50
SOAK_LINUX_FAILOVERS ?= 21

.PHONY: soak
soak: guests $(HV_OBJS)
	flock /tmp/rtv-qemu.lock $(PYTHON) tests/soak/soak.py --ops $(SOAK_OPS) \
		--resets $(SOAK_RESETS) --seeds $(SOAK_SEEDS) --v4-seeds "$(SOAK_V4_SEEDS)" \
		--failovers $(SOAK_FAILOVERS)
	flock /tmp/rtv-qemu.lock env FO_LINUX_SWITCHES=$(SOAK_LINUX_FAILOVERS) $(PYTHON) -m pytest \
		-q -p no:cacheprovider tests/boot/test_failover_linux.py
	flock /tmp/rtv-qemu.lock env TTU_SECONDS=30 $(PYTHON) -m pytest -q -p no:cacheprovider \
		tests/boot/test_ttu.py -k both_directions
