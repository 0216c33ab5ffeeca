/*
 * The reset gap: does a DMA the guest set going just before it asks for a reset still
 * reach its RAM? The hypervisor must stop the function's bus mastering as soon as the
 * reset is requested (docs/pci.md "Life cycle"). On `r` typed at its console the guest
 * clears a target in RAM outside its image (a reset reloads only the image), marks it,
 * starts a transfer from the device buffer (100 ms of QEMU's clock) into the target
 * and calls PSCI SYSTEM_RESET at once; the next boot finds the mark and counts the
 * target's words the transfer wrote.
 */
#include "guest/console.h"
#include "guest/edu.h"
#include "guest/mmio.h"
#include "guest/pl011.h"
#include "guest/psci.h"
#include "edudma.h"

extern char __image_start[];           /* guest.ld: RAM base + 0x80000 */
/* 8 MiB into its RAM, far above the image (0x60800000 for edudma, 0x70800000 edudma70) */
#define GAP_TARGET ((uintptr_t)__image_start - 0x80000UL + 0x800000UL)
#define GAP_MARK (GAP_TARGET + EDU_DMA_BUF_SIZE)
#define GAP_MAGIC 0x52535447U           /* "GTSR" */
#define GAP_WORDS (EDUDMA_DMA_BYTES / 4U)

static volatile bool gap_requested, bar_requested;

static void uart_rx(uint8_t c)
{
	if (c == 'r')
		gap_requested = true;
	if (c == 'b')
		bar_requested = true;
}

bool edudma_bar_requested(void)
{
	bool r = bar_requested;

	bar_requested = false;
	return r;
}

bool edudma_gap_requested(void)
{
	return gap_requested;
}

void edudma_gap_report(void)
{
	unsigned written = 0;

	if (mmio_read32(GAP_MARK) != GAP_MAGIC)
		return;
	mmio_write32(GAP_MARK, 0);
	for (unsigned i = 0; i < GAP_WORDS; i++)
		written += mmio_read32(GAP_TARGET + 4U * i) != 0;
	printf("edudma: dma after the reset request %s words=%u\n",
	       written ? "landed" : "blocked", written);
}

void edudma_gap_listen(void)
{
	pl011_rx_listen(uart_rx);
}

/* From the idle loop: the device buffer holds the round trip's pattern. */
void edudma_gap_poll(uintptr_t bar)
{
	if (!gap_requested || !bar)
		return;
	for (unsigned i = 0; i < GAP_WORDS; i++)
		mmio_write32(GAP_TARGET + 4U * i, 0);
	mmio_write32(GAP_MARK, GAP_MAGIC);
	printf("edudma: reset with a DMA under way\n");
	mmio_write64(bar + EDU_DMA_SRC, EDU_DMA_BUF);
	mmio_write64(bar + EDU_DMA_DST, GAP_TARGET);
	mmio_write64(bar + EDU_DMA_COUNT, EDUDMA_DMA_BYTES);
	mmio_write64(bar + EDU_DMA_CMD, EDU_DMA_RUN | EDU_DMA_TO_RAM);
	psci_system_reset();
	printf("edudma: system_reset returned\n");
}
