/*
 * Drive the edu: place and size BAR 0, enable memory decoding and bus mastering, check
 * the identification and liveness registers, then DMA a pattern from RAM into the
 * device's buffer and back into other RAM, each transfer ending with the INTx
 * interrupt; compare. Buffers are used a word at a time (the MMU is off: RAM is
 * Device memory, unaligned accesses would fault).
 */
#include "guest/console.h"
#include "guest/edu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/mmio.h"
#include "guest/pci.h"
#include "guest/timer.h"
#include "edudma.h"

#define DMA_BYTES EDUDMA_DMA_BYTES
#define WORDS (DMA_BYTES / 4U)
#define LIVE_PROBE 0x12345678U

static uint32_t ram_out[WORDS] __attribute__((aligned(64)));
static uint32_t ram_in[WORDS] __attribute__((aligned(64)));
static uintptr_t bar;
static volatile unsigned irqs;
static volatile uint32_t irq_status;

/* Level INTx: acknowledge in the device before the EOI, or it fires again. */
static void edu_irq(uint32_t intid, void *arg)
{
	uint32_t st = mmio_read32(bar + EDU_IRQ_STATUS);

	(void)intid;
	(void)arg;
	mmio_write32(bar + EDU_IRQ_ACK, st);
	irq_status = st;
	irqs++;
}

static bool wait_irq(unsigned seen)
{
	uint64_t end = timer_now() + timer_ms_to_ticks(EDUDMA_WAIT_MS);

	while (irqs == seen && timer_now() < end)
		__asm__ volatile("yield");
	return irqs != seen;
}

/* One transfer; prints its line; true if its interrupt came. */
static bool dma(const char *what, uint64_t src, uint64_t dst, uint32_t cmd)
{
	unsigned seen = irqs;
	bool ok;

	mmio_write64(bar + EDU_DMA_SRC, src);
	mmio_write64(bar + EDU_DMA_DST, dst);
	mmio_write64(bar + EDU_DMA_COUNT, DMA_BYTES);
	mmio_write64(bar + EDU_DMA_CMD, cmd | EDU_DMA_RUN | EDU_DMA_IRQ);
	ok = wait_irq(seen);
	printf("edudma: dma %s irqs=%u status=0x%x%s\n", what, irqs - seen, irq_status,
	       ok ? "" : " TIMEOUT");
	return ok;
}

static uint32_t pattern(unsigned i)
{
	return (i + 1U) * 0x9e3779b1U ^ 0xa5c3e187U;
}

static void dma_round_trip(void)
{
	unsigned bad = 0, first = WORDS;

	for (unsigned i = 0; i < WORDS; i++) {
		ram_out[i] = pattern(i);
		ram_in[i] = 0;
	}
	if (!dma("to-device", (uintptr_t)ram_out, EDU_DMA_BUF, 0) ||
	    !dma("to-ram", EDU_DMA_BUF, (uintptr_t)ram_in, EDU_DMA_TO_RAM))
		return;
	for (unsigned i = 0; i < WORDS; i++)
		if (ram_in[i] != pattern(i)) {
			bad++;
			first = first < i ? first : i;
		}
	if (bad)
		printf("edudma: compare MISMATCH words=%u first=%u got=0x%x\n", bad, first,
		       ram_in[first]);
	else
		printf("edudma: compare ok bytes=%u ram=0x%lx\n", DMA_BYTES,
		       (unsigned long)(uintptr_t)ram_in);
}

/*
 * BAR 0 placed (bare QEMU) and sized, decoding and mastering on, INTx routed. Before
 * decoding is on, the ID register must not answer (QEMU reads an undecoded address as
 * all ones): the function was found as at power-on, not as the last run left it.
 */
static unsigned setup(unsigned bdf)
{
	uint32_t size = pci_bar_size(bdf, 0), idle;
	unsigned intid = pci_intx_intid(bdf);

	bar = pci_bar_place(bdf, 0, PCI_MEM32_BASE);
	idle = mmio_read32(bar + EDU_ID);
	pci_cfg_write16(bdf, PCI_COMMAND, PCI_CMD_MEM | PCI_CMD_MASTER);
	printf("edudma: edu at 00:%02x.%u bar0=0x%lx size=0x%x intid=%u command=0x%x\n",
	       PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf), (unsigned long)bar, size, intid,
	       pci_cfg_read16(bdf, PCI_COMMAND));
	printf("edudma: id before decoding 0x%x\n", idle);
	return intid;
}

uintptr_t edudma_drive(unsigned bdf)
{
	unsigned intid = setup(bdf);
	uint32_t id = mmio_read32(bar + EDU_ID), live;

	mmio_write32(bar + EDU_LIVE, LIVE_PROBE);
	live = mmio_read32(bar + EDU_LIVE);
	printf("edudma: id 0x%x live 0x%x %s\n", id, live,
	       (id & 0xffU) == EDU_ID_LOW && live == ~LIVE_PROBE ? "ok" : "WRONG");
	if (intid) {
		irq_register(intid, edu_irq, 0);
		gic_irq_enable(intid, GIC_PRIO_DEFAULT);
		dma_round_trip();
	}
	return bar;
}
