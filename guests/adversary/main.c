/*
 * adversary: seeded random hostile operations of every class, each value
 * read back checked for leaks, progress lines every report_every ops.
 */
#include "guest/boot.h"
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/pl011.h"
#include "guest/timer.h"
#include "adversary.h"

#ifndef ADV_DEFAULT_SEED
#define ADV_DEFAULT_SEED 1
#endif
#ifndef ADV_DEFAULT_OPS
#define ADV_DEFAULT_OPS 20000
#endif
#ifndef ADV_DEFAULT_REPORT
#define ADV_DEFAULT_REPORT 5000
#endif

/* Patched by tests/soak/soak.py in copies of the image (see adversary.h). */
__attribute__((used, section(".data.adv_params")))
volatile struct adv_params adv_params = {
	.magic = ADV_PARAMS_MAGIC,
	.seed = ADV_DEFAULT_SEED,
	.ops = ADV_DEFAULT_OPS,
	.report_every = ADV_DEFAULT_REPORT,
};

struct adv_stats adv;

/* Weights (out of 67) of the classes: device registers and sysregs dominate. */
static enum adv_class pick_class(void)
{
	uint64_t r = rng_below(67);

	if (r < 15) return ADV_GIC;
	if (r < 22) return ADV_UART;
	if (r < 36) return ADV_SYSREG;
	if (r < 45) return ADV_CALL;
	if (r < 52) return ADV_IPA;
	if (r < 55) return ADV_TIMER;
	if (r < 57) return ADV_PV;
	if (r < 60) return ADV_PCI;
	if (r < 62) return ADV_VIRTIO;
	if (r < 64) return ADV_SHM;
	return ADV_ITS;
}

static void run_op(void)
{
	enum adv_class c = pick_class();

	adv.class_ops[c]++;
	switch (c) {
	case ADV_GIC: op_gic(); break;
	case ADV_UART: op_uart(); break;
	case ADV_SYSREG: op_sysreg(); break;
	case ADV_CALL: op_call(); break;
	case ADV_IPA: op_ipa(); break;
	case ADV_TIMER: op_timer(); break;
	case ADV_PV: op_pv(); break;
	case ADV_PCI: op_pci(); break;
	case ADV_VIRTIO: op_virtio(); break;
	case ADV_SHM: op_shm(); break;
	default: op_its(); break;
	}
	adv.ops++;
}

static void report(const char *what, uint64_t seed)
{
	/* random UART register writes may have turned the transmitter off */
	pl011_init();
	printf("adversary: %sseed=%llu ops=%llu faults=%llu aborts=%llu undefs=%llu leaks=%llu "
	       "unrefused=%llu\n", what, (unsigned long long)seed, (unsigned long long)adv.ops,
	       (unsigned long long)adv.faults, (unsigned long long)adv.aborts,
	       (unsigned long long)adv.undefs, (unsigned long long)adv.leaks,
	       (unsigned long long)adv.unrefused);
}

int main(void)
{
	uint64_t seed = adv_params.seed, ops = adv_params.ops, every = adv_params.report_every;

	/* D, I, F masked for good: random debug registers cannot trap us at EL1. */
	__asm__ volatile("msr daifset, #0xb" : : : "memory");
	printf("adversary: start seed=%llu ops=%llu\n", (unsigned long long)seed,
	       (unsigned long long)ops);
	rng_seed(seed);
	adv_pci_init();
	adv_its_init();
	adv_gic_recover();
	while (adv.ops < ops) {
		run_op();
		if (every && adv.ops % every == 0 && adv.ops < ops)
			report("", seed);
	}
	timer_disable();
	pl011_init();
	printf("adversary: classes gic=%llu uart=%llu sysreg=%llu call=%llu ipa=%llu timer=%llu "
	       "pv=%llu pci=%llu virtio=%llu shm=%llu its=%llu\n",
	       (unsigned long long)adv.class_ops[ADV_GIC],
	       (unsigned long long)adv.class_ops[ADV_UART],
	       (unsigned long long)adv.class_ops[ADV_SYSREG],
	       (unsigned long long)adv.class_ops[ADV_CALL],
	       (unsigned long long)adv.class_ops[ADV_IPA],
	       (unsigned long long)adv.class_ops[ADV_TIMER],
	       (unsigned long long)adv.class_ops[ADV_PV],
	       (unsigned long long)adv.class_ops[ADV_PCI],
	       (unsigned long long)adv.class_ops[ADV_VIRTIO],
	       (unsigned long long)adv.class_ops[ADV_SHM],
	       (unsigned long long)adv.class_ops[ADV_ITS]);
	report("done ", seed);
	/* idle for real: nothing left pending or active that would end every WFI at once */
	adv_gic_recover();
	gic_irq_disable(TIMER_VIRT_INTID);
	for (;;)
		cpu_wfi();
}
