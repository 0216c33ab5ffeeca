/*
 * Walks over the device units (vdev.h). The linker gathers every VDEV_UNIT() into
 * one array, sorted by stage (linker.ld: .rtv_units.<stage>.<name>).
 */
#include <err.h>
#include <lib.h>
#include <printk.h>
#include <vdev.h>

extern const struct vdev_unit __units_start[], __units_end[];

#define for_each_unit(u) for (const struct vdev_unit *u = __units_start; u < __units_end; u++)

int vdev_init(void)
{
	for_each_unit(u) {
		int r = u->init ? u->init() : 0;

		if (r) {
			printk("rtvisor: unit %s: init failed (%s)\n", u->name, err_name(r));
			return r;
		}
	}
	return 0;
}

void vdev_cpu_init(void)
{
	for_each_unit(u)
		if (u->cpu_init)
			u->cpu_init();
}

u32 vdev_mmio_windows(const struct cfg_vm *cfg)
{
	u32 n = 0;

	for_each_unit(u)
		if (u->mmio_windows)
			n += u->mmio_windows(cfg);
	return n;
}

int vdev_vm_create(struct vm *vm, char *msg, size_t len)
{
	for_each_unit(u) {
		int r = u->vm_create ? u->vm_create(vm, msg, len) : 0;

		if (r)
			return r;
	}
	return 0;
}

void vdev_vm_reset(struct vm *vm)
{
	for_each_unit(u)
		if (u->vm_reset)
			u->vm_reset(vm);
}

void vdev_vm_stop(struct vm *vm)
{
	for_each_unit(u)
		if (u->vm_stop)
			u->vm_stop(vm);
}

void vdev_guest_dt(struct vm *vm, struct guest_dt_platform *p)
{
	for_each_unit(u)
		if (u->guest_dt)
			u->guest_dt(vm, p);
}

void vdev_fo_fence(struct vm *vm, const struct cfg_failover *g)
{
	for_each_unit(u)
		if (u->fo_fence)
			u->fo_fence(vm, g);
}

void vdev_fo_promote(struct vm *vm, const struct cfg_failover *g)
{
	for_each_unit(u)
		if (u->fo_promote)
			u->fo_promote(vm, g);
}

const char *vdev_fo_moved_at(const struct vm *vm, const struct cfg_failover *g, u64 ipa,
			     const char **kind)
{
	const char *name = NULL;

	for_each_unit(u)
		if (!name && u->fo_moved_at) {
			name = u->fo_moved_at(vm, g, ipa, kind);
		}
	return name;
}
