/*
 * Physical GICv3. The hypervisor owns the distributor and all redistributors;
 * it runs with affinity routing (ARE_NS), all interrupts Group 1 non-secure (but the
 * hypervisor's own private ones on an exit-less pCPU: Group 0, exitless.c), and
 * EOImode = 1 so that priority drop and deactivation are separate: guest-owned
 * interrupts are priority-dropped at EL2 and deactivated by the guest through a
 * HW-mapped list register (IHI 0069 4.1.1, 12.2.x ICC_CTLR_EL1.EOImode).
 */
#include <arch/gicv3.h>
#include <arch/sysregs.h>
#include <cpu.h>
#include <err.h>
#include <irq.h>
#include <platform_info.h>
#include <printk.h>

static volatile u8 *gicd;
static u64 gicr_base, gicr_span;
static volatile u8 *gicr_of_cpu[MAX_CPUS];

static inline u32 gicd_rd(u32 off)
{
	return *(volatile u32 *)(gicd + off);
}

static inline void gicd_wr(u32 off, u32 v)
{
	*(volatile u32 *)(gicd + off) = v;
}

volatile u8 *gicv3_my_sgi_frame(void)
{
	return gicr_of_cpu[cpu()->id] + GICR_SGI_OFFSET;
}

static void gicd_wait_rwp(void)
{
	for (u32 i = 0; i < 1000000 && (gicd_rd(GICD_CTLR) & GICD_CTLR_RWP); i++)
		;
}

u32 gicv3_nr_spis(void)
{
	u32 lines = ((gicd_rd(GICD_TYPER) & 0x1f) + 1) * 32;

	return (lines > 1020 ? 1020 : lines) - 32;
}

int arch_irq_init(void)
{
	u32 nr;

	gicd = (volatile u8 *)(uintptr_t)plat.gicd_base;
	gicr_base = plat.gicr_base;
	gicr_span = plat.gicr_size;
	gicd_wr(GICD_CTLR, 0);
	gicd_wait_rwp();
	nr = gicv3_nr_spis();
	for (u32 i = 32; i < nr + 32; i += 32) {
		gicd_wr(GICD_ICENABLER + i / 8, 0xffffffff);
		gicd_wr(GICD_ICPENDR + i / 8, 0xffffffff);
		gicd_wr(GICD_ICACTIVER + i / 8, 0xffffffff);
		gicd_wr(GICD_IGROUPR + i / 8, 0xffffffff);
	}
	for (u32 i = 32; i < nr + 32; i += 4)
		gicd_wr(GICD_IPRIORITYR + i, 0xa0a0a0a0);
	/* Group 0 too: the hypervisor's own interrupts on an exit-less pCPU (exitless.c);
	 * with one Security state (DS = 1) bit 0 is EnableGrp0 (IHI 0069 12.9.4 GICD_CTLR) */
	gicd_wr(GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENGRP1A | GICD_CTLR_ENGRP0);
	gicd_wait_rwp();
	if (gicv3_has_vlpis())
		printk("rtvisor: GIC: GICv4 redistributors (VLPIS: 4 frames, 0x%x apart)\n",
		       GICR_FRAME_SIZE_V4);
	return 0;
}

static void gicv3_set_priority(u32 intid, u8 prio);

/*
 * Each redistributor is two 64 KiB frames (RD_base, SGI_base) or, with GICR_TYPER.VLPIS
 * (GICv4), four (+ VLPI_base and a reserved page): IHI 0069 9.1 / 12.10.1 (GICR_TYPER
 * bit 1) and the GICv4 frame map in 9.2. The frames of one region follow each other, so
 * the step to the next one is read from the frame itself.
 */
static u64 redist_stride(volatile u8 *f)
{
	return *(volatile u64 *)(f + GICR_TYPER) & GICR_TYPER_VLPIS ? GICR_FRAME_SIZE_V4 :
								       GICR_FRAME_SIZE;
}

static volatile u8 *find_redist(u64 mpidr)
{
	u64 aff = ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);
	u64 off = 0;

	while (off + GICR_FRAME_SIZE <= gicr_span) {
		volatile u8 *f = (volatile u8 *)(uintptr_t)(gicr_base + off);
		u64 typer = *(volatile u64 *)(f + GICR_TYPER);

		if ((typer >> 32) == aff)
			return f;
		if (typer & GICR_TYPER_LAST)
			break;
		off += redist_stride(f);
	}
	return NULL;
}

bool gicv3_has_vlpis(void)
{
	volatile u8 *f = (volatile u8 *)(uintptr_t)gicr_base;

	return gicr_span && redist_stride(f) == GICR_FRAME_SIZE_V4;
}

static void cpu_interface_init(void)
{
	write_sysreg(ICC_SRE_EL2, read_sysreg(ICC_SRE_EL2) | 0xf); /* SRE, DFB, DIB, Enable */
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, BIT(1)); /* EOImode: drop and deactivate separately */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

/* The redistributor frame of this pCPU (after arch_irq_cpu_init). */
volatile u8 *gicv3_my_redist(void)
{
	return gicr_of_cpu[cpu()->id];
}

/* GICR_TYPER.Processor_Number [23:8] of the pCPU with affinity mpidr, or -1. */
int gicv3_proc_number(u64 mpidr)
{
	volatile u8 *rd = find_redist(mpidr);

	return rd ? (int)((*(volatile u64 *)(rd + GICR_TYPER) >> 8) & 0xffff) : -1;
}

static u64 sgi_value(u32 sgi, u64 mpidr);

/* ICC_SGI1R/SGI0R value reaching each pCPU, without the INTID (arch_irq_send_ipi). */
static u64 kick_route[MAX_CPUS];

/* This CPU's redistributor and CPU interface; the kick SGI (cpu_kick) enabled. */
int arch_irq_cpu_init(void)
{
	volatile u8 *rd = find_redist(cpu()->mpidr), *sgi;

	if (!rd)
		return ERR_NOENT;
	gicr_of_cpu[cpu()->id] = rd;
	*(volatile u32 *)(rd + GICR_WAKER) &= ~GICR_WAKER_PS;
	for (u32 i = 0; i < 1000000 && (*(volatile u32 *)(rd + GICR_WAKER) & GICR_WAKER_CA); i++)
		;
	sgi = rd + GICR_SGI_OFFSET;
	*(volatile u32 *)(sgi + GICR_ICENABLER0) = 0xffffffff;
	*(volatile u32 *)(sgi + GICR_ICPENDR0) = 0xffffffff;
	*(volatile u32 *)(sgi + GICR_ICACTIVER0) = 0xffffffff;
	*(volatile u32 *)(sgi + GICR_IGROUPR0) = 0xffffffff;
	for (u32 i = 0; i < 32; i += 4)
		*(volatile u32 *)(sgi + GICR_IPRIORITYR0 + i) = 0xa0a0a0a0;
	cpu_interface_init();
	kick_route[cpu()->id] = sgi_value(0, cpu()->mpidr); /* before cpu_kick may send here */
	gicv3_set_priority(GIC_SGI_KICK, GIC_PRIO_HYP);
	arch_irq_enable(GIC_SGI_KICK, true);
	return 0;
}

/*
 * Write intid's bit to a set/clear register pair: this pCPU's SGI frame for private
 * interrupts, the distributor for SPIs. GICR_I{S,C}{ENABLE,ACTIVE}R0 sit at the same
 * offsets as the distributor's first GICD_ registers (IHI 0069, the GICR_ SGI_base frame
 * register map and the GICD_ register map).
 */
static void write_bit(u32 intid, u32 set_reg, u32 clear_reg, bool set)
{
	u32 bit = 1u << (intid % 32), reg = set ? set_reg : clear_reg;

	if (intid < 32)
		*(volatile u32 *)(gicv3_my_sgi_frame() + reg) = bit;
	else
		gicd_wr(reg + (intid / 32) * 4, bit);
}

void arch_irq_enable(u32 intid, bool on)
{
	write_bit(intid, GICD_ISENABLER, GICD_ICENABLER, on);
}

void arch_irq_set_active(u32 intid, bool active)
{
	write_bit(intid, GICD_ISACTIVER, GICD_ICACTIVER, active);
}

bool arch_irq_is_active(u32 intid)
{
	u32 bit = 1u << (intid % 32);

	if (intid < 32)
		return (*(volatile u32 *)(gicv3_my_sgi_frame() + GICR_ISACTIVER0) & bit) != 0;
	return (gicd_rd(GICD_ISACTIVER + (intid / 32) * 4) & bit) != 0;
}

static void gicv3_set_priority(u32 intid, u8 prio)
{
	volatile u8 *p = intid < 32 ? gicv3_my_sgi_frame() + GICR_IPRIORITYR0 + intid
				    : gicd + GICD_IPRIORITYR + intid;
	*p = prio;
}

void arch_irq_set_priority(u32 intid, enum irq_prio prio)
{
	gicv3_set_priority(intid, prio == IRQ_PRIO_HYP ? GIC_PRIO_HYP : GIC_PRIO_GUEST);
}

void arch_irq_route(u32 intid, u32 pcpu)
{
	*(volatile u64 *)(gicd + GICD_IROUTER + intid * 8) = cpus[pcpu].mpidr & 0xff00ffffffULL;
}

/* ICC_SGI1R_EL1 / ICC_SGI0R_EL1 value for one target (IHI 0069 12.2.x, same layout). */
static u64 sgi_value(u32 sgi, u64 mpidr)
{
	return ((mpidr >> 8) & 0xff) << 16 | ((mpidr >> 16) & 0xff) << 32 |
	       ((mpidr >> 32) & 0xff) << 48 | (u64)(sgi & 0xf) << 24 | (1ULL << (mpidr & 0xf));
}

void gicv3_send_sgi(u32 sgi, u64 mpidr)
{
	dsb(ishst);
	write_sysreg(ICC_SGI1R_EL1, sgi_value(sgi, mpidr));
	isb();
}

u32 arch_irq_ack(void)
{
	u32 id = (u32)read_sysreg(ICC_IAR1_EL1) & 0xffffff;

	dsb(sy);
	return id;
}

void arch_irq_eoi(u32 intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
	isb();
}

void arch_irq_deactivate(u32 intid)
{
	write_sysreg(ICC_DIR_EL1, intid);
	isb();
}

/* An exit-less pCPU takes only Group 0 at EL2 while its guest runs (exitless.c): its kick
 * is a Group 0 SGI, forwarded only to a PE where that SGI is Group 0 (IHI 0069 table
 * "Forwarding an SGI to a target PE"; one Security state, GICD_CTLR.DS = 1). */
void arch_irq_send_ipi(u32 pcpu)
{
	u64 route = kick_route[pcpu];

	dsb(ishst);
	if (cpus[pcpu].exitless)
		write_sysreg(ICC_SGI0R_EL1, route | (u64)GIC_SGI_XL_KICK << 24);
	else
		write_sysreg(ICC_SGI1R_EL1, route | (u64)GIC_SGI_KICK << 24);
	isb();
}

u32 arch_irq_ack0(void)
{
	u32 id = (u32)read_sysreg(ICC_IAR0_EL1) & 0xffffff;

	dsb(sy);
	return id;
}

void arch_irq_eoi0(u32 intid)
{
	write_sysreg(ICC_EOIR0_EL1, intid);
	isb();
}
