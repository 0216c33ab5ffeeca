/*
 * edudma: drives QEMU's `edu` PCI device found through the ECAM (bare QEMU: the real
 * one; under rtvisor: the VM's virtual host bridge), then probes the edu functions it
 * does not drive: another VM's must read as absent and its BAR must be out of reach.
 * Line formats: guests/README.md.
 */
#ifndef EDUDMA_H
#define EDUDMA_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Where tests/boot/test_pci_edu.py puts two edus (-device edu,addr=4.0 and 5.0) and
 * where their BARs land: a hypervisor (or firmware) assigning 1 MiB BARs in bus order
 * from the start of the 32-bit window gives them these two.
 */
#define EDUDMA_SLOTS { 4U, 5U }
#define EDUDMA_BARS { PCI_MEM32_BASE, PCI_MEM32_BASE + 0x100000UL }

#define EDUDMA_WAIT_MS 2000U      /* a DMA takes 100 ms of QEMU's virtual clock */
#define EDUDMA_DMA_BYTES 2048U    /* not up to the buffer's end (guest/edu.h) */

#define EDUDMA_LPI (8192U + 100U) /* the LPI its edu's MSI (event 0) is mapped to */

/* msi.c: with LPIs, the edu's MSI through the ITS, then the attacks on it. */
void edudma_msi(unsigned bdf, uintptr_t bar);
/* msi.c, for affinity.c: one ITS command (waits until CREADR passes it); the calling
 * CPU's redistributor gets the LPI tables and EnableLPIs; raise the edu's MSI n times
 * (how many arrived); LPIs taken on CPU cpu so far. */
#define MSI_RAISES 3U
void edudma_its_cmd(uint64_t d0, uint64_t d1, uint64_t d2);
void edudma_its_cmd4(uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3);
void edudma_redist_lpis_on(void);
unsigned edudma_msi_raise(unsigned n);
unsigned edudma_lpis_on(unsigned cpu);

/* affinity.c: with a second vCPU, the event moved to it (MOVI, MOVALL, MAPC), then an
 * MSI every 100 ms for ever, counted per CPU (never returns then). */
void edudma_affinity(unsigned bdf);

/* drive.c: the edu at bdf; returns its BAR 0. */
uintptr_t edudma_drive(unsigned bdf);
/* probe.c: every slot of EDUDMA_SLOTS but `mine`, every BAR of EDUDMA_BARS but `bar`. */
void edudma_probe(int mine, uintptr_t bar);

/* gap.c: on `r`, a DMA under way when the guest asks for a reset; the next boot tells
 * whether it reached RAM. */
void edudma_gap_report(void);
void edudma_gap_listen(void);
bool edudma_gap_requested(void);
void edudma_gap_poll(uintptr_t bar);
bool edudma_bar_requested(void); /* `b` typed since the last call */

/* failover.c: no edu at boot: wait for the promotion notice (doorbell 100), scan again;
 * the edu's bdf or PCI_NO_FUNC. From the idle loop: on `b`, read the edu's ID register. */
int edudma_promoted(void);
void edudma_bar_poll(uintptr_t bar);

#endif
