# rtvisor top-level build.  `make` installs missing tools (scripts/deps.sh), fetches the
# Debian kernel if the scenario embeds it and builds the hypervisor for PLATFORM with the
# default SCENARIO; `make run` boots the demo under QEMU; `make test` runs every test.

PLATFORM ?= qemu-virt
SCENARIO ?= linux
CROSS_COMPILE ?= aarch64-linux-gnu-
# CC=clang builds the hypervisor and guests with clang (--target=aarch64-linux-gnu).
CC := $(if $(filter clang,$(CC)),clang,$(CROSS_COMPILE)gcc)
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
DTC ?= dtc
PYTHON ?= /usr/bin/python3
QEMU ?= qemu-system-aarch64

BUILD := build
HV_BUILD := $(BUILD)/$(PLATFORM)

.PHONY: all
all: deps
	$(if $(SCENARIO_USES_LINUX),$(MAKE) linux-images)
	$(MAKE) hypervisor

include mk/toolchain.mk
include mk/src.mk
include guests/guests.mk
include tools/tools.mk
include mk/hyp.mk
include tests/unit/unit.mk
include mk/run.mk
include mk/bench.mk
include mk/linux.mk
include mk/fresh.mk
include mk/soak.mk

.PHONY: deps
deps:
	@scripts/deps.sh

.PHONY: clean
clean:
	rm -rf $(BUILD)
