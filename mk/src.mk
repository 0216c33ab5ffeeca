# The source tree's layout, shared by the hypervisor build (mk/hyp.mk), the host
# tool (tools/tools.mk) and the host unit tests (tests/unit/unit.mk).
# Map of the tree and the rules for what goes where: docs/architecture.md.
#
#   src/lib        stateless helpers: strings, formatting, FDT reader/writer, msgq
#   src/config     the scenario (parse + check), platform and guest devicetrees
#   src/core       VMs, vCPUs, run loop, faults, hypercalls, memory, device registry
#   src/core/sched schedulers (bind, dynamic), pools, CPU utilisation
#   src/core/console  console queue and output, printk, shell, housekeeping pCPU
#   src/core/debug guest inspection: consistent snapshots, guest memory reads
#   src/vdev       emulated devices (units) that are not part of the architecture
#   src/arch/arm64 EL2 entry, traps, stage-2, vCPU context; gic/: GICv3 + vGIC
#   src/drivers    drivers for the hypervisor's own devices (PL011)
#   src/platform/<board>  limits, linker script, QEMU machine

PLATFORM ?= qemu-virt
SRC_INC_DIRS := src/lib/inc src/config/inc src/core/inc src/vdev/inc src/arch/arm64/inc \
	src/drivers/inc src/platform/$(PLATFORM)
SRC_INC := $(addprefix -I,$(SRC_INC_DIRS))
SRC_HDRS := $(foreach d,$(SRC_INC_DIRS),$(wildcard $(d)/*.h $(d)/*/*.h))

# What the host tool links: the scenario parser and checker with their helpers.
CONFIG_SRCS := src/config/config_parse.c src/config/config_check.c src/config/config_err.c \
	src/config/platform_dt.c src/config/pci_host.c src/config/config_pci.c src/config/config_virtio.c src/config/config_shm.c src/config/config_exitless.c src/config/config_wdog.c src/config/config_failover.c src/lib/fdt.c src/lib/strlcpy.c src/lib/err.c
