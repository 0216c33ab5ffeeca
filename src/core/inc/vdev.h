/*
 * Device units. Every emulated device (and everything else that gives a VM a
 * resource at creation: the vGIC, the virtual timer, passthrough devices) is a
 * unit: one `VDEV_UNIT()` in its own file says what it needs and which life-cycle
 * hooks it has. Core walks the units; the trap decoder, vm.c and irq.c name no
 * device. A unit registers, from its own hooks:
 *   - MMIO windows:      mmio_register() in vm_create (mmio_windows() says how many,
 *                        so the VM's table is sized before any registers);
 *   - physical irqs:     irq_register() in init (private ones) or vm_create;
 *   - system registers:  arch-specific (arm64: SYSREG_TRAP() in arch/sysreg_trap.h);
 *   - its per-VM state:  in its own file, indexed by vm->id.
 * Walk-through for a new device: docs/architecture.md "Where does a new device go".
 */
#ifndef RTV_VDEV_H
#define RTV_VDEV_H

#include <types.h>

struct vm;
struct cfg_vm;
struct cfg_failover;
struct guest_dt_platform;

/* Units run in order of their stage: an interrupt controller exists before devices
 * claim its interrupts. (Plain numbers: they name linker sections.) */
#define VDEV_STAGE_IRQCHIP 0
#define VDEV_STAGE_CPU 1      /* per-vCPU architecture devices (the virtual timer) */
#define VDEV_STAGE_DEVICE 2   /* emulated and passthrough devices */

struct vdev_unit {
	const char *name;
	/* Boot CPU, once, before the other pCPUs start: private irqs, global state. */
	int (*init)(void);
	/* Every pCPU as it comes online (after its interrupt controller). */
	void (*cpu_init)(void);
	/* MMIO windows it will register for this VM (0 if none). */
	u32 (*mmio_windows)(const struct cfg_vm *cfg);
	/* The VM is being created: register windows and interrupts. 0 or an ERR_* code;
	 * on failure msg (len bytes) says why. */
	int (*vm_create)(struct vm *vm, char *msg, size_t len);
	/* Before every (re)start of the VM, its vCPUs not running. */
	void (*vm_reset)(struct vm *vm);
	/* The VM stopped running: stopped for good, a reset requested (vm_reset follows
	 * before it runs again) or its creation failed. Quiesce what it owns at once, so
	 * nothing it set going (DMA, interrupts) goes on; its vCPUs may still be on their
	 * way out on other pCPUs, so refuse what they would set going again. */
	void (*vm_stop)(struct vm *vm);
	/* Its guest devicetree is being built: add what the VM's devicetree must describe
	 * that the scenario alone does not say (a PCI bus as found at boot). */
	void (*guest_dt)(struct vm *vm, struct guest_dt_platform *p);
	/* Failover (core/failover.c, docs/failover.md): group g fences vm, its primary
	 * (and at boot its backup, which owns nothing yet): take from it at once what the
	 * group moves, before anything is given to the other VM; vm may still run (shmem:
	 * moving regions unmapped; virtio-mmio: ports on the group's networks unplugged).
	 * Then fo_promote gives the promoted backup vm what moved (regions mapped, ports
	 * plugged). Both run on the switching pCPU under the failover lock: bounded, never
	 * waiting for another pCPU's work. */
	void (*fo_fence)(struct vm *vm, const struct cfg_failover *g);
	void (*fo_promote)(struct vm *vm, const struct cfg_failover *g);
	/* The name of what group g moves that vm has at ipa (a region, a function's BAR),
	 * and in *kind what it is ("shmem", "pci"), or NULL: fault.c's report of a fenced
	 * or backup VM's refused access. Lock-free, any pCPU. */
	const char *(*fo_moved_at)(const struct vm *vm, const struct cfg_failover *g, u64 ipa,
				   const char **kind);
};

#define VDEV_STR_(x) #x
#define VDEV_STR(x) VDEV_STR_(x)
#define VDEV_UNIT(id, stage)                                                              \
	static const struct vdev_unit vdev_unit_##id __attribute__((                      \
		used, aligned(8), section(".rtv_units." VDEV_STR(stage) "." #id)))

/* Core's walks (vdev.c). */
int vdev_init(void);
void vdev_cpu_init(void);
u32 vdev_mmio_windows(const struct cfg_vm *cfg);
int vdev_vm_create(struct vm *vm, char *msg, size_t len);
void vdev_vm_reset(struct vm *vm);
void vdev_vm_stop(struct vm *vm);
void vdev_guest_dt(struct vm *vm, struct guest_dt_platform *p);
void vdev_fo_fence(struct vm *vm, const struct cfg_failover *g);
void vdev_fo_promote(struct vm *vm, const struct cfg_failover *g);
/* The first unit's fo_moved_at answer. */
const char *vdev_fo_moved_at(const struct vm *vm, const struct cfg_failover *g, u64 ipa,
			     const char **kind);

#endif
