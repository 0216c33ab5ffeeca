/*
 * adversary guest: seeded, reproducible random hostile operations against
 * the hypervisor (guests/README.md has the line formats and the classes).
 */
#ifndef ADVERSARY_H
#define ADVERSARY_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Parameter block, found and patched in adversary.bin (and in a hypervisor
 * image that embeds it) by tests/soak/soak.py: magic, seed, number of
 * operations, operations between progress lines.
 */
#define ADV_PARAMS_MAGIC "RTV-ADVERSARY-PB"
struct adv_params {
	char magic[16];
	uint64_t seed;
	uint64_t ops;
	uint64_t report_every;
};

/* Memory map the scenario gives the adversary (configs/adversary.dts). */
#define ADV_RAM_BASE 0x60000000UL
#define ADV_RAM_SIZE 0x01000000UL
#define ADV_PL011_BASE 0x09000000UL
#define ADV_GICD_BASE 0x08000000UL
#define ADV_GICR_BASE 0x080A0000UL
#define ADV_IPA_BITS 44

/* What the well-behaved VM fills its RAM with, and "rtvi" of "rtvisor". */
#define ADV_PATTERN_WORD 0x5a5a5a5aU
#define ADV_RTVI_LE 0x69767472U /* bytes 'r' 't' 'v' 'i' at increasing addresses */
#define ADV_RTVI_BE 0x72747669U

enum adv_class {
	ADV_GIC,
	ADV_UART,
	ADV_SYSREG,
	ADV_CALL,
	ADV_IPA,
	ADV_TIMER,
	ADV_PV,		/* SCMI messages and stolen-time calls (pv.c) */
	ADV_PCI,
	ADV_VIRTIO,	/* its virtio-mmio devices and their rings (virtio.c) */
	ADV_SHM,	/* shared-memory doorbells and regions (shm.c) */
	ADV_ITS,	/* its virtual ITS, GITS_TRANSLATER, its MSI-X table (its.c) */
	ADV_CLASSES,
};

struct adv_stats {
	uint64_t ops, faults, aborts, undefs, leaks, unrefused, class_ops[ADV_CLASSES];
};

extern struct adv_stats adv;

/* prng.c: xorshift64*, and values that never look like a leak. */
void rng_seed(uint64_t seed);
uint64_t rng(void);
uint64_t rng_below(uint64_t n);
uint64_t rng_value(void);		/* random 64-bit value that passes leak_check */
unsigned rng_size_log2(void);		/* 0..3: access of 1, 2, 4 or 8 bytes */

/* leak.c: the checks every read value goes through. */
bool leak_looks(uint64_t v, unsigned bytes);
void leak_check(enum adv_class c, uint64_t where, uint64_t v, unsigned bytes);
void unrefused(enum adv_class c, uint64_t ipa, bool write);
void adv_fault_account(unsigned count, uint64_t esr);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* access.c: one load or store of 1/2/4/8 bytes under expect-fault; a pair of 32-bit
 * ones (LDP/STP: no syndrome for a hypervisor to decode). */
unsigned access_read(uintptr_t addr, unsigned size_log2, uint64_t *v);
unsigned access_write(uintptr_t addr, unsigned size_log2, uint64_t v);
unsigned access_pair(uintptr_t addr, bool write, uint64_t v[2]);

/* One random operation of each class. */
void op_gic(void);
void op_uart(void);
void op_sysreg(void);
void op_call(void);
void op_ipa(void);
void op_timer(void);
void op_pv(void);
void op_pci(void);
void op_virtio(void);

/* virtio.c: is a in its virtio-mmio register pages (the virtio class's)? */
bool adv_virtio_window(uint64_t a);
void op_shm(void);
/* shm.c: the shared regions it maps belong to the shm class. */
bool adv_shm_window(uint64_t a);

/* pci.c: find its PCI function (before any random operation); is a an address of the
 * pci class (its ECAM window, its function's BAR)? */
void adv_pci_init(void);
bool adv_pci_window(uint64_t a);

/* its.c: find its MSI-X function (before any random operation); is a in its ITS frames
 * or that function's BARs (the its class's)? */
void adv_its_init(void);
bool adv_its_window(uint64_t a);
void op_its(void);

/* timer.c: bring the GIC and timer back to a state in which WFI wakes up. */
void adv_gic_recover(void);

/* calls.S */
struct adv_smccc {
	uint64_t x[4];
};
void adv_hvc(struct adv_smccc *r);
void adv_hvc_imm(struct adv_smccc *r);
void adv_smc(struct adv_smccc *r);
/* calls.c: by a random conduit, faults expected and counted. */
void adv_call_random(struct adv_smccc *r);

#endif
