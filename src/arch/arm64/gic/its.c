/*
 * The physical ITS (see arch/its.h). Only this file touches it.
 *
 * Tables (IHI 0069 12.19.1 GITS_BASER<n>): a flat device table covering the host's PCI
 * buses (DeviceID = requester ID = bus << 8 | devfn), a one-page collection table; 4 KiB
 * pages, Normal Inner Write-Back, Inner Shareable. The command queue is one 4 KiB page
 * (128 commands): rtvisor issues a handful at boot and at VM creation, never at run time.
 * Collection n targets pCPU n (GITS_TYPER.PTA = 0: RDbase is the redistributor's
 * Processor_Number; PTA = 1: its physical address). LPIs use 14 INTID bits (one
 * property table for all redistributors, IHI 0069 5.1.1); physical LPI 8192 + k is the
 * k-th reserved event, looked up in `owner` when it arrives.
 */
#include <arch/gicv3.h>
#include <arch/its.h>
#include <arch/its_cmd.h>
#include <arch/sysregs.h>
#include <asm/spinlock.h>
#include <cpu.h>
#include <err.h>
#include <irq.h>
#include <lib.h>
#include <mm.h>
#include <platform_info.h>
#include <printk.h>
#include <vm.h>

#define PAGE 0x1000ULL
#define QUEUE_CMDS (PAGE / ITS_CMD_SIZE)
#define LPI_BITS 14u
#define LPI_BASE 8192u
#define PEND_ALIGN 0x10000ULL
#define ATTRS (7ULL << 59 | 1ULL << 10)  /* InnerCache RaWaWb [61:59], Inner Shareable [11:10] */
#define RD_ATTRS (7ULL << 7 | 1ULL << 10) /* GICR_{PROP,PEND}BASER: InnerCache [9:7], Shareability */
#define LPI_PROP_ON (0x2u | 0x1u)        /* RES1 [1], Enable [0] */
#define POLL_LIMIT 10000000u

/* Whose event it is: one word, so a failover that moves the function (its_set_owner)
 * is seen whole by a pCPU taking the LPI at that moment: (VM id + 1) << 8 | its
 * function's index in that VM's scenario; 0: nobody's (a moving function between its
 * fence and its promotion, or before its group's primary is created). */
#define WHO(vm, fn) (((vm)->id + 1U) << 8 | (fn))
struct lpi_owner {
	u32 who;
	u16 devid;
	u8 event;
	u8 pcpu;  /* the collection it was mapped to: where it is taken */
};

static volatile u8 *its;
static spinlock_t its_lock;
static struct its_cmd *queue;
static u32 queue_wr;
static u64 issued;
static bool pta;                 /* GITS_TYPER.PTA: collections target addresses */
static u32 ite_size;
static u8 *prop;                 /* property table of all physical LPIs */
static u64 pend_pa;              /* pending tables, PEND_ALIGN apart, one per pCPU */
static struct lpi_owner owner[LIM_ITS_LPIS];
static u32 nr_lpis;

static inline u64 its_rd64(u32 off) { return *(volatile u64 *)(its + off); }
static inline void its_wr64(u32 off, u64 v) { *(volatile u64 *)(its + off) = v; }
static inline u32 its_rd32(u32 off) { return *(volatile u32 *)(its + off); }
static inline void its_wr32(u32 off, u32 v) { *(volatile u32 *)(its + off) = v; }

bool its_present(void)
{
	return its != NULL;
}

u64 its_commands_issued(void)
{
	return issued;
}

/* Queue n commands and wait until the ITS consumed them (at most POLL_LIMIT reads of
 * CREADR). Boot CPU or VM creation; run time only for a gicv4 VM (its_v4.c). */
int its_send(const struct its_cmd *c, u32 n)
{
	u32 i;

	spin_lock(&its_lock);
	for (i = 0; i < n; i++) {
		queue[queue_wr] = c[i];
		arch_dcache_clean((u64)(uintptr_t)&queue[queue_wr], ITS_CMD_SIZE);
		queue_wr = (queue_wr + 1) % QUEUE_CMDS;
	}
	dsb(ish);
	its_wr64(GITS_CWRITER, (u64)queue_wr * ITS_CMD_SIZE);
	for (i = 0; i < POLL_LIMIT; i++) {
		u64 rd = its_rd64(GITS_CREADR);

		if (rd & GITS_CREADR_STALLED || (rd & ~31ULL) == (u64)queue_wr * ITS_CMD_SIZE)
			break;
	}
	issued += n;
	spin_unlock(&its_lock);
	return i < POLL_LIMIT && !(its_rd64(GITS_CREADR) & GITS_CREADR_STALLED) ? 0 : ERR_BUSY;
}

/* RDbase of pCPU c for MAPC/SYNC (IHI 0069 6.3 "RDbase"). */
u64 its_rdbase_of(u32 c)
{
	int pn = gicv3_proc_number(cpus[c].mpidr);

	return pn < 0 ? 0 : pta ? 0 /* unused: see its_init */ : (u64)pn;
}

/* GITS_BASER<n> fields (IHI 0069 12.19, GITS_BASER<n>): the table's Type, and its Entry_Size in bytes. */
static u32 baser_type(u64 b)
{
	return (u32)(b >> GITS_BASER_TYPE_SHIFT) & 7;
}

static u64 baser_entry_bytes(u64 b)
{
	return ((b >> GITS_BASER_ESZ_SHIFT) & 0x1f) + 1;
}

/* One table for GITS_BASER<n>: device entries for the host's buses, or one page. */
static int setup_baser(u32 n)
{
	u64 b = its_rd64(GITS_BASER0 + 8 * n), esz, size, pa;
	u32 type = baser_type(b);

	if (type != GITS_BASER_TYPE_DEVICE && type != GITS_BASER_TYPE_COLLECTION &&
	    type != GITS_BASER_TYPE_VPE)
		return 0;
	esz = baser_entry_bytes(b);
	/* vPEs (GICv4, its_v4.c) and collections: one page each, enough for every vCPU */
	size = type == GITS_BASER_TYPE_DEVICE ? ((u64)plat.pci.bus_end + 1) * 256 * esz : PAGE;
	size = ALIGN_UP(size, PAGE);
	if (size / PAGE > 256)
		return ERR_RANGE;
	pa = (u64)(uintptr_t)mm_alloc_hyp(size);
	if (!pa)
		return ERR_NOMEM;
	arch_dcache_clean(pa, size);
	b = GITS_BASER_VALID | ATTRS | (u64)type << GITS_BASER_TYPE_SHIFT |
	    (esz - 1) << GITS_BASER_ESZ_SHIFT | pa | (size / PAGE - 1);
	its_wr64(GITS_BASER0 + 8 * n, b);
	if ((its_rd64(GITS_BASER0 + 8 * n) & (GITS_BASER_VALID | 0x300ULL)) != GITS_BASER_VALID)
		return ERR_NOSYS; /* no 4 KiB pages */
	return 0;
}

/* Entries of the vPE table (GITS_BASER<n>.Type = 2, GICv4) set up, 0 if none. */
static u32 its_vpe_entries(void)
{
	for (u32 n = 0; n < 8; n++) {
		u64 b = its_rd64(GITS_BASER0 + 8 * n);

		if ((b & GITS_BASER_VALID) && baser_type(b) == GITS_BASER_TYPE_VPE)
			return (u32)(((b & 0xff) + 1) * PAGE / baser_entry_bytes(b));
	}
	return 0;
}

static int its_tables(void)
{
	u64 q = (u64)(uintptr_t)mm_alloc_hyp(PAGE);
	int r = 0;

	for (u32 n = 0; n < 8 && !r; n++)
		r = setup_baser(n);
	prop = mm_alloc_hyp((1u << LPI_BITS) - LPI_BASE);
	pend_pa = (u64)(uintptr_t)mm_alloc_hyp((u64)(plat.nr_cpus + 1) * PEND_ALIGN);
	if (r || !q || !prop || !pend_pa)
		return r ? r : ERR_NOMEM;
	pend_pa = ALIGN_UP(pend_pa, PEND_ALIGN);
	arch_dcache_clean((u64)(uintptr_t)prop, (1u << LPI_BITS) - LPI_BASE);
	arch_dcache_clean(pend_pa, (u64)plat.nr_cpus * PEND_ALIGN);
	queue = (struct its_cmd *)(uintptr_t)q;
	its_wr64(GITS_CBASER, GITS_BASER_VALID | ATTRS | q); /* Size 0: one page */
	its_wr64(GITS_CWRITER, 0);
	return 0;
}

/* Every pCPU's collection (ICID = pCPU number). */
static int its_map_collections(void)
{
	struct its_cmd c[LIM_PCPUS + 1];
	u32 n = 0;

	for (u32 i = 0; i < plat.nr_cpus && i < LIM_PCPUS; i++)
		its_cmd_mapc(&c[n++], i, its_rdbase_of(i), true);
	its_cmd_sync(&c[n++], its_rdbase_of(0));
	return its_send(c, n);
}

int its_init(void)
{
	u64 typer;
	u32 gicd_typer = *(volatile u32 *)(uintptr_t)(plat.gicd_base + GICD_TYPER);
	int r;

	if (!plat.its_size)
		return 0;
	if (!(gicd_typer & GICD_TYPER_LPIS) || ((gicd_typer >> 19) & 0x1f) + 1 < LPI_BITS ||
	    plat.its_base + plat.its_size > plat.ram_base) {
		printk("rtvisor: ITS: LPIs unsupported or ITS outside the device window; no MSIs\n");
		return 0;
	}
	its = (volatile u8 *)(uintptr_t)plat.its_base;
	its_wr32(GITS_CTLR, 0);
	for (u32 i = 0; i < POLL_LIMIT && !(its_rd32(GITS_CTLR) & GITS_CTLR_QUIESCENT); i++)
		;
	typer = its_rd64(GITS_TYPER);
	pta = (typer >> 19) & 1;
	ite_size = (u32)((typer >> 4) & 0xf) + 1;
	r = pta ? ERR_NOSYS : its_tables(); /* PTA = 1 (addresses as RDbase): not yet */
	if (!r) {
		its_wr32(GITS_CTLR, GITS_CTLR_ENABLED);
		r = its_map_collections();
	}
	if (!r)
		its_v4_init(typer, its_vpe_entries());
	if (r) {
		printk("rtvisor: ITS: set-up failed (%s); no MSIs\n", err_name(r));
		its = NULL;
	}
	return 0;
}

/* This pCPU's redistributor: LPI property and pending tables, then EnableLPIs. */
void its_cpu_init(void)
{
	volatile u8 *rd = gicv3_my_redist();

	if (!its || !rd)
		return;
	*(volatile u64 *)(rd + GICR_PROPBASER) = (u64)(uintptr_t)prop | RD_ATTRS | (LPI_BITS - 1);
	*(volatile u64 *)(rd + GICR_PENDBASER) = (pend_pa + cpu()->id * PEND_ALIGN) | RD_ATTRS;
	dsb(sy);
	*(volatile u32 *)(rd + GICR_CTLR) |= GICR_CTLR_ENABLE_LPIS;
	dsb(sy);
}

/* Reserve nr physical LPIs for fn's events; their property bytes enabled. */
static int reserve_lpis(struct vm *vm, u32 fn, u32 devid, u32 nr, u32 pcpu, u32 *first)
{
	if (nr > LIM_ITS_LPIS - nr_lpis)
		return ERR_FULL;
	*first = LPI_BASE + nr_lpis;
	for (u32 e = 0; e < nr; e++) {
		owner[nr_lpis] = (struct lpi_owner){ .who = vm ? WHO(vm, fn) : 0,
						     .devid = (u16)devid, .event = (u8)e,
						     .pcpu = (u8)pcpu };
		prop[nr_lpis++] = GIC_PRIO_GUEST | LPI_PROP_ON;
	}
	arch_dcache_clean((u64)(uintptr_t)prop, nr_lpis);
	return 0;
}

static bool its_devid_mapped(u32 devid)
{
	for (u32 k = 0; k < nr_lpis; k++)
		if (owner[k].devid == devid)
			return true;
	return false;
}

/* Failover (docs/failover.md "Moving PCI functions"): a table write per event, no
 * command: the device keeps its ITT and LPIs, only whose vITS receives them changes. */
void its_set_owner(u32 devid, struct vm *vm, u32 fn, const struct vm *from)
{
	for (u32 k = 0; k < nr_lpis; k++) {
		u32 who = __atomic_load_n(&owner[k].who, __ATOMIC_RELAXED);

		if (owner[k].devid != devid || (from && who >> 8 != from->id + 1U))
			continue;
		__atomic_store_n(&owner[k].who, vm ? WHO(vm, fn) : 0, __ATOMIC_RELEASE);
	}
}

int its_map_device(struct vm *vm, u32 fn, u32 devid, u32 nr, u32 pcpu)
{
	struct its_cmd c[LIM_MSI_EVENTS_PER_FN + 3];
	u32 bits = its_event_bits(nr), first, n = 0;
	u64 itt;
	int r;

	if (!its)
		return ERR_NOENT;
	if (nr > LIM_MSI_EVENTS_PER_FN || pcpu >= plat.nr_cpus)
		return ERR_RANGE;
	if (its_devid_mapped(devid)) { /* the other VM of its failover group mapped it */
		if (vm)
			its_set_owner(devid, vm, fn, NULL);
		return 0;
	}
	itt = (u64)(uintptr_t)mm_alloc_hyp((1ULL << bits) * ite_size);
	if (!itt)
		return ERR_NOMEM;
	arch_dcache_clean(itt, ALIGN_UP((1ULL << bits) * ite_size, PAGE));
	r = reserve_lpis(vm, fn, devid, nr, pcpu, &first);
	if (r)
		return r;
	its_cmd_mapd(&c[n++], devid, bits, itt, true);
	for (u32 e = 0; e < nr; e++)
		its_cmd_mapti(&c[n++], devid, e, first + e, pcpu);
	its_cmd_invall(&c[n++], pcpu);
	its_cmd_sync(&c[n++], its_rdbase_of(pcpu));
	return its_send(c, n);
}

int its_lpi_of(const struct vm *vm, u32 fn, u32 event, u32 *pcpu)
{
	for (u32 k = 0; k < nr_lpis; k++)
		if (__atomic_load_n(&owner[k].who, __ATOMIC_RELAXED) == WHO(vm, fn) &&
		    owner[k].event == event) {
			*pcpu = owner[k].pcpu;
			return (int)(LPI_BASE + k);
		}
	return -1;
}

/*
 * A message-signalled interrupt acknowledged at EL2 (core irq.c): an LPI has no active
 * state, so the priority drop completes it (IHI 0069 4.1.1); its event goes to the VM
 * whose function raised it: the DeviceID came from the hardware, the mapping from here.
 */
bool arch_irq_msi(u32 intid)
{
	const struct lpi_owner *o;
	u32 who;

	if (intid < LPI_BASE)
		return false;
	arch_irq_eoi(intid);
	if (intid - LPI_BASE >= nr_lpis)
		return true; /* not one of ours: nothing maps it */
	o = &owner[intid - LPI_BASE];
	who = __atomic_load_n(&o->who, __ATOMIC_ACQUIRE);
	if (who) /* else a function between its fence and its promotion: dropped */
		vits_msi(&vms[(who >> 8) - 1], who & 0xffU, o->event);
	return true;
}
