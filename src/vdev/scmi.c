/*
 * SCMI server for a VM marked `scmi;` (docs/power.md): the transport of Arm DEN 0056
 * 5.1 "Shared memory based transport" with an SMC/HVC doorbell (Linux: "arm,scmi-smc").
 * The VM gets one page of normal memory at CFG_PV_IPA (its "arm,scmi-shmem" area); it
 * writes a message there and calls RTV_HC_SCMI (its "arm,smc-id"). The call copies the
 * message out once, answers it (scmi_msg.c) and writes the reply back before it
 * returns, so the reply is complete when the guest resumes (no completion interrupt).
 * A VM without `scmi` gets NOT_SUPPORTED from the call and has no page.
 */
#include <config.h>
#include <err.h>
#include <freq.h>
#include <hypercall.h>
#include <lib.h>
#include <mm.h>
#include <scmi_msg.h>
#include <vdev.h>
#include <vm.h>

/* Shared memory area layout (DEN 0056 5.1.2): offsets of its fields. */
#define SHM_CHANNEL_STATUS 0x04
#define SHM_LENGTH 0x14
#define SHM_HEADER 0x18
#define SHM_PAYLOAD 0x1c
#define SHM_USED (SHM_PAYLOAD + SCMI_PAYLOAD_MAX)
#define CHANNEL_FREE 0x1U     /* channel status bit 0: the agent may write a message */

struct scmi_vm {
	u8 *shm;              /* the page, through the hypervisor's map (NULL: no SCMI) */
	u64 pa;
	struct scmi_agent agent;
};

static struct scmi_vm state[CFG_MAX_VMS];

static u32 scmi_level_of(void *ctx, u32 clock)
{
	const struct vm *vm = ctx;

	return freq_level(vm->vcpus[clock].pcpu);
}

static void scmi_request(void *ctx, u32 clock, u32 level)
{
	const struct vm *vm = ctx;

	freq_request(&vm->vcpus[clock], level);
}

static u32 shm_read32(const u8 *shm, u32 off)
{
	u32 v;

	memcpy(&v, shm + off, sizeof(v));
	return v;
}

static void shm_write32(u8 *shm, u32 off, u32 v)
{
	memcpy(shm + off, &v, sizeof(v));
}

/* One copy of the guest's message: everything after this reads the copy only. */
static void copy_in(const u8 *shm, struct scmi_msg *in)
{
	in->len = shm_read32(shm, SHM_LENGTH);
	in->header = shm_read32(shm, SHM_HEADER);
	memcpy(in->payload, shm + SHM_PAYLOAD, SCMI_PAYLOAD_MAX);
}

static void copy_out(u8 *shm, const struct scmi_msg *out)
{
	shm_write32(shm, SHM_LENGTH, out->len);
	shm_write32(shm, SHM_HEADER, out->header);
	memcpy(shm + SHM_PAYLOAD, out->payload, out->len - 4);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* the reply before the channel is free */
	shm_write32(shm, SHM_CHANNEL_STATUS, CHANNEL_FREE);
}

/* The doorbell. x0 = 0 when a reply was written (its status is in the page). */
static void scmi_call(struct vcpu *v)
{
	struct scmi_vm *s = &state[v->vm->id];
	struct scmi_msg in, out;

	if (!s->shm) {
		vcpu_set_reg(v, 0, SMCCC_NOT_SUPPORTED);
		return;
	}
	/* The guest maps the page as Device memory (ioremap): it reads and writes RAM. */
	arch_dcache_clean_inval(s->pa, SHM_USED);
	copy_in(s->shm, &in);
	scmi_handle(&s->agent, &in, &out);
	copy_out(s->shm, &out);
	arch_dcache_clean_inval(s->pa, SHM_USED);
	vcpu_set_reg(v, 0, 0);
}

static int scmi_init(void)
{
	return hypercall_register(RTV_HC_SCMI, scmi_call);
}

static int scmi_vm_create(struct vm *vm, char *msg, size_t len)
{
	struct scmi_vm *s = &state[vm->id];
	u8 *page;

	if (!vm->cfg->scmi)
		return 0;
	page = mm_vm_page(vm, CFG_PV_IPA, CFG_PV_SIZE, false, "scmi: its shared memory", msg,
			  len);
	if (!page)
		return ERR_NOMEM;
	s->pa = (u64)(uintptr_t)page;
	s->agent = (struct scmi_agent){ .name = vm->cfg->name, .nr_clocks = vm->nr_vcpus,
					.ctx = vm, .level_of = scmi_level_of,
					.request = scmi_request };
	s->shm = page;
	return 0;
}

/* Power-on state: the channel free, no message, every clock enabled, no requests. */
static void scmi_vm_reset(struct vm *vm)
{
	struct scmi_vm *s = &state[vm->id];

	if (!s->shm)
		return;
	memset(s->shm, 0, CFG_PV_SIZE);
	shm_write32(s->shm, SHM_CHANNEL_STATUS, CHANNEL_FREE);
	arch_dcache_clean_inval(s->pa, CFG_PV_SIZE);
	s->agent.enabled = (1U << vm->nr_vcpus) - 1;
	for (u32 k = 0; k < vm->nr_vcpus; k++)
		freq_request(&vm->vcpus[k], FREQ_NO_REQUEST);
}

VDEV_UNIT(scmi, VDEV_STAGE_DEVICE) = {
	.name = "scmi",
	.init = scmi_init,
	.vm_create = scmi_vm_create,
	.vm_reset = scmi_vm_reset,
};
