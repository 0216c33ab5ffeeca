/*
 * QEMU's educational PCI device, `-device edu` (QEMU docs/specs/edu.txt): vendor 0x1234,
 * device 0x11e8, one 1 MiB memory BAR, INTA (and one MSI), a DMA engine with a 4 KiB
 * buffer at device address 0x40000. Registers below 0x80 take 4-byte accesses only,
 * the DMA registers 4 or 8. Its DMA addresses are masked with the `dma_mask` property
 * (default 28 bits: give it `dma_mask=0xffffffffff` to reach RAM above 256 MiB).
 * QEMU 7.2 checks a transfer's end against the buffer's with `<`, so a transfer that
 * ends at the buffer's last byte is refused - by hw_error(), which stops QEMU: keep
 * every transfer at least one byte short of the buffer's end.
 */
#ifndef GUEST_EDU_H
#define GUEST_EDU_H

#define EDU_VENDOR 0x1234U
#define EDU_DEVICE 0x11e8U

#define EDU_ID 0x00U              /* reads 0xRRrr00ed: major, minor version */
#define EDU_ID_LOW 0xedU
#define EDU_LIVE 0x04U            /* reads back the bitwise inverse of what was written */
#define EDU_FACT 0x08U
#define EDU_STATUS 0x20U
#define EDU_IRQ_STATUS 0x24U
#define EDU_IRQ_RAISE 0x60U       /* ORs the value into the status and raises INTx */
#define EDU_IRQ_ACK 0x64U         /* clears those bits; INTx drops when none is left */
#define EDU_DMA_SRC 0x80U
#define EDU_DMA_DST 0x88U
#define EDU_DMA_COUNT 0x90U
#define EDU_DMA_CMD 0x98U
#define EDU_DMA_RUN 0x1U
#define EDU_DMA_TO_RAM 0x2U       /* direction: 0 RAM -> device buffer, 1 buffer -> RAM */
#define EDU_DMA_IRQ 0x4U          /* raise the interrupt (status 0x100) when done */
#define EDU_DMA_IRQ_STATUS 0x100U
#define EDU_DMA_BUF 0x40000U      /* the device buffer's address for the DMA engine */
#define EDU_DMA_BUF_SIZE 4096U

#endif
