/*
 * MSI through the ITS, when the GIC has LPIs (GICD_TYPER.LPIS): a minimal ITS driver
 * (IHI 0069 5.3, 6.3: one collection for this CPU, the edu's DeviceID, one event to
 * EDUDMA_LPI), the edu's MSI capability pointed at GITS_TRANSLATER with EventID 0, and
 * a few edu interrupts counted as that LPI. Then the attacks a VM could try, each
 * followed by the line the test reads, and MSIs again:
 *  - MAPD + MAPTI of the other edu's DeviceID (another VM's function under rtvisor);
 *  - MAPTI of an EventID beyond the one reserved;
 *  - the MSI address pointed at RAM, then the data at an unreserved event;
 *  - a store to GITS_TRANSLATER (under rtvisor: refused, an abort).
 * Last, one MSI that arrives while the CPU waits in WFI: the edu's DMA engine signals the
 * end of a transfer (100 ms of QEMU's clock) with it. Under rtvisor's gicv4 the waiting
 * vCPU's vPE is not resident then, so the MSI rings the doorbell (docs/pci.md).
 * Tables are static arrays in the image (the MMU is off: word accesses only).
 */
#include "guest/console.h"
#include "guest/config.h"
#include "guest/cpu.h"
#include "guest/edu.h"
#include "guest/fault.h"
#include "guest/gic.h"
#include "guest/its.h"
#include "guest/irq.h"
#include "guest/mmio.h"
#include "guest/pci.h"
#include "guest/timer.h"
#include "edudma.h"

#define VALID (1UL << 63)
#define LPI_IDBITS 14U

static uint8_t prop[(1U << LPI_IDBITS) - 8192U] __attribute__((aligned(4096)));
static uint8_t pend[(1U << LPI_IDBITS) / 8U] __attribute__((aligned(65536)));
static uint64_t queue[4096 / 8] __attribute__((aligned(4096)));
static uint64_t devtab[4096 / 8] __attribute__((aligned(4096)));
static uint64_t itt[256 / 8] __attribute__((aligned(256)));
static unsigned queue_wr;
static volatile unsigned lpis;
static volatile unsigned lpis_cpu[GUEST_MAX_CPUS];
static volatile uint32_t last_lpi;
static uintptr_t edu_bar;

static void lpi_irq(uint32_t intid, void *arg)
{
	(void)arg;
	mmio_write32(edu_bar + EDU_IRQ_ACK, mmio_read32(edu_bar + EDU_IRQ_STATUS));
	last_lpi = intid;
	lpis_cpu[cpu_id() % GUEST_MAX_CPUS]++;
	lpis++;
}

unsigned edudma_lpis_on(unsigned cpu)
{
	return lpis_cpu[cpu % GUEST_MAX_CPUS];
}

void edudma_its_cmd(uint64_t d0, uint64_t d1, uint64_t d2)
{
	edudma_its_cmd4(d0, d1, d2, 0);
}

void edudma_its_cmd4(uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3)
{
	uint64_t *c = &queue[queue_wr / 8U];
	uint64_t end = timer_now() + timer_ms_to_ticks(100);

	c[0] = d0;
	c[1] = d1;
	c[2] = d2;
	c[3] = d3;
	queue_wr = (queue_wr + 32U) % sizeof(queue);
	__asm__ volatile("dsb sy" : : : "memory");
	mmio_write64(ITS_BASE + GITS_CWRITER, queue_wr);
	while (mmio_read64(ITS_BASE + GITS_CREADR) != queue_wr && timer_now() < end)
		;
}

static void its_mapd(unsigned devid)
{
	edudma_its_cmd(0x08UL | (uint64_t)devid << 32, 0 /* 1 EventID bit */, VALID | (uintptr_t)itt);
}

static void its_mapti(unsigned devid, unsigned event, unsigned lpi)
{
	edudma_its_cmd(0x0aUL | (uint64_t)devid << 32, event | (uint64_t)lpi << 32, 0);
	edudma_its_cmd(0x05UL, 0, 0); /* SYNC */
}

/* The calling CPU's redistributor: the shared property table, its own pending table
 * (IHI 0069 5.1.1, 5.1.2), EnableLPIs. */
void edudma_redist_lpis_on(void)
{
	static struct { uint8_t b[sizeof(pend)]; } __attribute__((aligned(65536)))
		pend1[GUEST_MAX_CPUS - 1];
	uintptr_t rd = gic_redist_base();
	unsigned c = cpu_id() % GUEST_MAX_CPUS;

	mmio_write64(rd + GICR_PROPBASER, (uintptr_t)prop | (LPI_IDBITS - 1U));
	mmio_write64(rd + GICR_PENDBASER, c ? (uintptr_t)pend1[c - 1].b : (uintptr_t)pend);
	mmio_write32(rd + GICR_CTLR, 1U);
}

static void lpis_on(void)
{
	for (unsigned i = 0; i < sizeof(prop); i++)
		prop[i] = 0;
	prop[EDUDMA_LPI - 8192U] = GIC_PRIO_DEFAULT | 0x2U | 0x1U; /* RES1, enabled */
	edudma_redist_lpis_on();
	mmio_write64(ITS_BASE + GITS_BASER(0), mmio_read64(ITS_BASE + GITS_BASER(0)) | VALID |
		     (uintptr_t)devtab);
	mmio_write64(ITS_BASE + GITS_CBASER, VALID | (uintptr_t)queue);
	mmio_write64(ITS_BASE + GITS_CWRITER, 0);
	mmio_write32(ITS_BASE + GITS_CTLR, 1U);
	edudma_its_cmd(0x09UL, 0, VALID | 0 /* ICID 0 -> processor 0 */);
}


/* 64-bit MSI capability (the edu's): address at +4/+8, data at +0xc. */
static void msi_set(unsigned bdf, unsigned cap, uint64_t addr, uint16_t data)
{
	pci_cfg_write16(bdf, cap + 2U, 0);
	pci_cfg_write32(bdf, cap + 4U, (uint32_t)addr);
	pci_cfg_write32(bdf, cap + 8U, (uint32_t)(addr >> 32));
	pci_cfg_write16(bdf, cap + 0xcU, data);
	pci_cfg_write16(bdf, cap + 2U, 1U);
}

/* Raise the edu's interrupt n times; how many arrived as the LPI. */
unsigned edudma_msi_raise(unsigned n)
{
	unsigned before = lpis;

	for (unsigned i = 0; i < n; i++) {
		uint64_t end = timer_now() + timer_ms_to_ticks(200);
		unsigned seen = lpis;

		mmio_write32(edu_bar + EDU_IRQ_RAISE, 1U);
		while (lpis == seen && timer_now() < end)
			__asm__ volatile("yield");
		mmio_write32(edu_bar + EDU_IRQ_ACK, 1U); /* the INTx one, if it came as that */
	}
	return lpis - before;
}

static void attack_translater(void)
{
	struct fault_info f;

	fault_expect_begin(FAULT_RESUME_NEXT);
	mmio_write32(GITS_TRANSLATER, 0);
	if (fault_expect_end(&f))
		printf("edudma: attack translater refused esr=0x%lx\n", (unsigned long)f.esr);
	else
		printf("edudma: attack translater stored\n");
}

static void attacks(unsigned bdf, unsigned cap, unsigned other)
{
	unsigned n;

	its_mapd(other);
	its_mapti(other, 0, EDUDMA_LPI + 1U);
	printf("edudma: attack mapd devid=0x%x done\n", other);
	its_mapti(bdf, 1U, EDUDMA_LPI + 2U);
	printf("edudma: attack event=1 done\n");
	msi_set(bdf, cap, 0x40000000UL, 0);
	n = edudma_msi_raise(MSI_RAISES);
	printf("edudma: attack msi-address lpis=%u\n", n);
	msi_set(bdf, cap, GITS_TRANSLATER, 1U);
	n = edudma_msi_raise(MSI_RAISES);
	printf("edudma: attack msi-data lpis=%u\n", n);
	attack_translater();
}

static volatile unsigned wfi_ticks;

static void wfi_timeout(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	timer_disable();
	wfi_ticks++;
}

/* A DMA whose end is signalled by the MSI; wait for it in WFI (at most 1 s: the timer). */
static void msi_wfi(void)
{
	static uint32_t src[EDUDMA_DMA_BYTES / 4U] __attribute__((aligned(64)));
	unsigned before = lpis;

	irq_register(TIMER_VIRT_INTID, wfi_timeout, 0);
	wfi_ticks = 0;
	timer_set_cval(timer_now() + timer_ms_to_ticks(1000));
	timer_enable();
	gic_irq_enable(TIMER_VIRT_INTID, GIC_PRIO_DEFAULT);
	mmio_write64(edu_bar + EDU_DMA_SRC, (uintptr_t)src);
	mmio_write64(edu_bar + EDU_DMA_DST, EDU_DMA_BUF);
	mmio_write64(edu_bar + EDU_DMA_COUNT, sizeof(src));
	mmio_write64(edu_bar + EDU_DMA_CMD, EDU_DMA_RUN | EDU_DMA_IRQ);
	while (lpis == before && !wfi_ticks) {
		irq_mask(); /* no interrupt lost between the look and the WFI */
		if (lpis == before && !wfi_ticks)
			cpu_wfi();
		irq_unmask();
	}
	timer_disable();
	printf("edudma: msi wfi lpis=%u last=%u timeout=%u\n", lpis - before, last_lpi, wfi_ticks);
}

void edudma_msi(unsigned bdf, uintptr_t bar)
{
	unsigned cap = pci_find_cap(bdf, PCI_CAP_MSI), other;
	static const unsigned slots[] = EDUDMA_SLOTS;

	if (!(mmio_read32(GICD_BASE + GICD_TYPER) & GICD_TYPER_LPIS) || !cap) {
		printf("edudma: msi none\n");
		return;
	}
	edu_bar = bar;
	other = PCI_BDF(0U, slots[0], 0U) == bdf ? PCI_BDF(0U, slots[1], 0U)
						 : PCI_BDF(0U, slots[0], 0U);
	irq_register(IRQ_ANY_LPI, lpi_irq, 0);
	lpis_on();
	its_mapd(bdf);
	its_mapti(bdf, 0, EDUDMA_LPI);
	edudma_its_cmd(0x0dUL, 0, 0); /* INVALL collection 0 */
	msi_set(bdf, cap, GITS_TRANSLATER, 0);
	printf("edudma: msi its typer=0x%lx lpis=%u last=%u\n",
	       (unsigned long)mmio_read64(ITS_BASE + GITS_TYPER), edudma_msi_raise(MSI_RAISES), last_lpi);
	attacks(bdf, cap, other);
	msi_set(bdf, cap, GITS_TRANSLATER, 0);
	printf("edudma: msi after lpis=%u last=%u\n", edudma_msi_raise(MSI_RAISES), last_lpi);
	msi_wfi();
	edudma_affinity(bdf);
}
