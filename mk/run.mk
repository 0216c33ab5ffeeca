# `make run`: boot the demo scenario (configs/$(SCENARIO).dts) under QEMU (exit QEMU with Ctrl-A x).
# `make test`: layering check, host unit tests, scenario checks, then QEMU boot tests.

QEMU_FLAGS = -M $(PLATFORM_QEMU_MACHINE) -cpu $(PLATFORM_QEMU_CPU) -smp $(PLATFORM_QEMU_SMP) \
	-m $(PLATFORM_QEMU_MEM) -nographic -no-reboot -nic none

.PHONY: run run-only test boot-tests
run: all
	@echo "rtvisor demo: Linux on pCPUs 0-1, RT VM on pCPU 2. Ctrl-T 1/2 focus a VM, Ctrl-T s shell, Ctrl-A x quits."
	$(MAKE) run-only

# Scenario-specific QEMU devices. configs/ttu.dts: the collector's eight pci-serial-4x
# cards, their 32 UARTs on Unix sockets in build/ttu/ (scripts/ttu_gen.py feeds them).
QEMU_EXTRA_ttu = $(shell $(PYTHON) scripts/ttu_gen.py qemu-args $(abspath $(BUILD))/ttu)

run-only:
	$(QEMU) $(QEMU_FLAGS) $(QEMU_EXTRA_$(SCENARIO)) -kernel $(HV_BUILD)/rtvisor.bin

PYTEST_ARGS ?=
boot-tests:
	$(PYTHON) -m pytest -v -p no:cacheprovider tests/boot $(PYTEST_ARGS)

# The hypervisor objects and the guests must also build with clang (strict flags, -Werror).
.PHONY: clang-build
clang-build:
	$(MAKE) -s CC=clang BUILD=$(BUILD)/clang hv-objs guests

# Layering rules (CONTRIBUTING.md): core/config/lib/vdev name no arch header, issue no
# instruction, and no file names another device's functions.
.PHONY: check-layers
check-layers:
	@scripts/check-layers.sh

test: deps
	$(MAKE) check-layers
	$(MAKE) clang-build
	$(MAKE) unit
	$(MAKE) linux-images
	$(MAKE) check-configs
	$(MAKE) hypervisor
	$(MAKE) boot-tests
