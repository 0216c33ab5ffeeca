# `make run`: boot the demo scenario under QEMU (exit QEMU with Ctrl-A x).
# `make test`: host unit tests, scenario checks, then QEMU boot tests.

QEMU_FLAGS = -M $(PLATFORM_QEMU_MACHINE) -cpu $(PLATFORM_QEMU_CPU) -smp $(PLATFORM_QEMU_SMP) \
	-m $(PLATFORM_QEMU_MEM) -nographic -no-reboot

.PHONY: run run-only test boot-tests
run: deps
	$(MAKE) hypervisor
	$(MAKE) run-only

run-only:
	$(QEMU) $(QEMU_FLAGS) -kernel $(HV_BUILD)/rtvisor.bin

PYTEST_ARGS ?=
boot-tests:
	$(PYTHON) -m pytest -v -p no:cacheprovider tests/boot $(PYTEST_ARGS)

test: deps
	$(MAKE) unit
	$(MAKE) check-configs
	$(MAKE) hypervisor
	$(MAKE) boot-tests
