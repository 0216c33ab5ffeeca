#!/bin/sh
# The layering rules of CONTRIBUTING.md, checked mechanically (`make check-layers`,
# part of `make test`). Prints each violation; exits non-zero if there is one.
#
#  1. Only src/arch includes <arch/...> headers (arch-private); core, config, lib,
#     vdev and drivers use <asm/...>, the interface every architecture provides.
#  2. No architecture instruction (inline assembly, system-register access) outside
#     src/arch and src/drivers.
#  3. A device's functions are named only in its own files: the GIC driver and the
#     vGIC (arch/arm64/gic; the vCPU context switch, vcpu_arch.c, also saves and
#     restores the vGIC's list registers), the vPL011 (vdev/vpl011.c), passthrough
#     (core/passthrough.c; its interrupt helper also from vdev/vpci.c), the virtual
#     timer (arch/arm64/vtimer.c and the context switch), the physical PCI bus
#     (core/pci, drivers/pci_ecam.c; used by vdev/vpci*.c and the shell's `pci`), the
#     vPCI unit (vdev/vpci*.c), the SCMI server (vdev/scmi*.c: reached through its
#     registered hypercall, hypercall_register) and stolen time (vdev/pvtime.c: its
#     hypercalls and the scheduler's steal hook). Everyone else reaches them through
#     virq.h, irq.h, hypercall.h and the unit hooks. Comments may name them.
cd "$(dirname "$0")/.." || exit 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT

report() { # $1 = rule; stdin = "file:line:text" hits
	sed "s|^|check-layers: $1: |" >> "$out"
}

code() {
	find "$@" -name '*.[chS]' 2>/dev/null
}

uncommented() { # drop hits whose text starts a comment line
	grep -v '^[^:]*:[0-9]*:[[:space:]]*\(/\*\|\*\)'
}

NONARCH="src/lib src/config src/core src/vdev src/drivers src/platform"
NOASM="src/lib src/config src/core src/vdev"

grep -nH '#include <arch/' $(code $NONARCH) | report "arch header outside src/arch"
grep -nHE '__asm__|asm[[:space:]]+volatile|read_sysreg|write_sysreg' $(code $NOASM) \
	| uncommented | report "instruction outside src/arch"

# name pattern, then the files allowed to name it (shell patterns)
rule() {
	pat=$1
	shift
	for f in $(grep -rlE "$pat" src --include='*.[ch]'); do
		ok=0
		for a in "$@"; do
			case "$f" in $a) ok=1 ;; esac
		done
		[ $ok = 1 ] || grep -nHE "$pat" "$f" | uncommented \
			| report "device function outside its unit"
	done
}
CTXSW=src/arch/arm64/vcpu_arch.c
rule '\bvgic_[a-z_]+\(' 'src/arch/arm64/gic/*' 'src/arch/arm64/inc/arch/vgic*.h' "$CTXSW"
rule '\bgicv3_[a-z_]+\(' 'src/arch/arm64/gic/*' 'src/arch/arm64/inc/arch/gicv3.h'
rule '\bvuart_[a-z_]+\(' 'src/vdev/vpl011.c'
rule '\bvtimer_[a-z_]+\(' 'src/arch/arm64/vtimer.c' 'src/arch/arm64/inc/arch/vtimer.h' "$CTXSW"
rule '\b(pt_create|pt_stop|passthrough_irq)\(' 'src/core/passthrough.c'
rule '\bpassthrough_[a-z_]+\(' 'src/core/passthrough.c' 'src/core/inc/passthrough.h' \
	'src/vdev/vpci.c'
rule '\bvpci_[a-z_]+\(' 'src/vdev/vpci*.c' 'src/vdev/inc/vpci_cfg.h' 'src/vdev/inc/vpci_msix.h'
# The physical ITS and the virtual ITS (docs/pci.md "MSI through the ITS").
rule '\b(its|vits)_[a-z_]+\(' 'src/arch/arm64/gic/*' 'src/arch/arm64/inc/arch/its*.h' \
	'src/arch/arm64/inc/arch/vits*.h'
rule '\bpci_cfg_[a-z_]+\(' 'src/drivers/pci_ecam.c' 'src/core/inc/pci_cfg.h' 'src/core/pci/*' \
	'src/vdev/vpci*.c' 'src/core/debug/gdb_stub.c'
rule '\bpci_(init|find|show|bar_cpu|func_[a-z_]+|bars_[a-z_]+|bridge_[a-z_]+|caps_[a-z_]+|alloc_[a-z_]+)\(' \
	'src/core/pci/*' 'src/core/inc/pci*.h' 'src/vdev/vpci*.c' 'src/core/console/shell_cmds.c' \
	'src/core/debug/gdb_stub.c'
# The GDB line's UART is the stub's alone.
rule '\buart16550_[a-z_]+\(' 'src/drivers/uart16550.c' 'src/core/inc/uart16550.h' \
	'src/drivers/uart_line.c'
rule '\buart_line_[a-z_]+\(' 'src/drivers/uart_line.c' 'src/core/inc/uart_line.h' \
	'src/core/debug/gdb_stub.c'
rule '\bscmi_[a-z_]+\(' 'src/vdev/scmi.c' 'src/vdev/scmi_msg.c' 'src/vdev/inc/scmi_msg.h'
# Stolen time: the scheduler accounts it (steal.c) and calls the unit through its hook.
rule '\bpvtime_[a-z_]+\(' 'src/vdev/pvtime.c'
rule '\bwdog_[a-z_]+\(' 'src/vdev/sbsa_wdog.c'
# virtio: the transport, its backends and the ring walker (docs/virtio.md).
rule '\b(virtio_(used|batch_end|broken|queue_live|find|config_changed)|vio_[a-z_]+|vcons_[a-z_]+|vblk_[a-z_]+|vnet_[a-z_]+|vq_[a-z_]+)\(' 'src/vdev/virtio*.c' \
	'src/vdev/virtq.c' 'src/vdev/inc/virtio.h' 'src/vdev/inc/virtq.h' 'src/vdev/inc/virtio_net_cfg.h'
# Device units add their shell commands themselves (SHELL_CMD, core/inc/shell.h).
rule '\bvirtio_show\(' 'src/vdev/virtio_mmio.c'
rule '\bshmem_[a-z_]+\(' 'src/vdev/shmem.c'
# The platform's clock hook is the governor's alone.
rule '\bplat_freq_program\(' 'src/core/power/freq.c' 'src/core/inc/freq.h' 'src/platform/*'

if [ -s "$out" ]; then
	cat "$out"
	exit 1
fi
echo "check-layers: ok"
