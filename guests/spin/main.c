/*
 * spin: a CPU-bound guest for scheduler tests. It counts as fast as it can
 * (or idles in WFI) and once a second of counter time reports its progress:
 *   spin: t=<seconds> count=<loops so far> mode=<spin|idle>
 * Console commands (UART RX interrupt): i = idle in WFI, s = spin,
 * l = ask the hypervisor for every pCPU's load (privileged VMs only),
 * m = management calls as in configs/sched.dts (privileged VMs only): move pCPU 3
 *     to pool 1, pin VM 2 vCPU 0 to pCPU 3, set VM 4's weight to 1, then one
 *     invalid call (weight 0); each prints "spin: hc <name>=<result>",
 * n = management calls whose 64-bit arguments are out of range only above bit 31
 *     (each must be refused with -2); prints "spin: hc <name>=<result>",
 * d = write MDSCR_EL1 = 0x1000, keep running for 100 ms of counter time (other
 *     vCPUs of a dynamic pool get the pCPU meanwhile), read it back:
 *     "spin: mdscr=<hex>",
 * r = PSCI SYSTEM_RESET,
 * SCMI (VMs with `scmi`, scmi.c): f / F = CLOCK_RATE_SET of clock 0 to the lowest /
 *     highest rate, g = CLOCK_RATE_GET ("spin: scmi status=0 rate=<Hz>"), v = the
 *     rates DESCRIBE_RATES lists, x = malformed messages ("spin: scmi bad <what>=<status>").
 * Stolen time (pvtime.c): t = the PV-time calls and the vCPU's structure ("spin: pvt ..."),
 *     u = malformed PV-time calls ("spin: pvt bad <what>=<x0>").
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/pl011.h"
#include "guest/psci.h"
#include "guest/sysreg.h"
#include "guest/timer.h"
#include "spin.h"

#define RTV_HC_LOAD 0xc6000004U
#define RTV_HC_POOL_MOVE 0xc6000005U
#define RTV_HC_VM_WEIGHT 0xc6000006U
#define RTV_HC_VCPU_PIN 0xc6000007U
#define NR_PCPUS 4

static volatile int idle_mode;
static volatile uint64_t count;
static uint64_t next_report, seconds;

static void report(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	seconds++;
	printf("spin: t=%llu count=%llu mode=%s\n", (unsigned long long)seconds,
	       (unsigned long long)count, idle_mode ? "idle" : "spin");
	next_report += timer_freq();
	timer_set_cval(next_report);
}

static void query_load(void)
{
	for (uint32_t c = 0; c < NR_PCPUS; c++) {
		int64_t r = (int64_t)psci_call(RTV_HC_LOAD, c, 0, 0);

		printf("spin: load cpu%u=%lld\n", c, (long long)r);
	}
}

static void hc(const char *name, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	printf("spin: hc %s=%lld\n", name, (long long)(int64_t)psci_call(fn, a1, a2, a3));
}

static void management_calls(void)
{
	hc("pool_move", RTV_HC_POOL_MOVE, 3, 1, 0);
	hc("pin", RTV_HC_VCPU_PIN, 2, 0, 3);
	hc("weight", RTV_HC_VM_WEIGHT, 4, 1, 0);
	hc("bad_weight", RTV_HC_VM_WEIGHT, 4, 0, 0);
}

/* Arguments that are valid in their low 32 bits only: the full value must be refused. */
static void narrow_calls(void)
{
	hc("weight_hi", RTV_HC_VM_WEIGHT, 4, 0x100000005ULL, 0);
	hc("prio_hi", RTV_HC_VM_WEIGHT, 4, 1, 0x100000000ULL);
	hc("pin_hi", RTV_HC_VCPU_PIN, 2, 0, 0x100000001ULL);
	hc("pin_neg32", RTV_HC_VCPU_PIN, 2, 0, 0x80000000ULL);
	hc("pin_vcpu_hi", RTV_HC_VCPU_PIN, 2, 0x100000000ULL, 1);
	hc("move_hi", RTV_HC_POOL_MOVE, 0x100000003ULL, 1, 0);
	hc("move_pool_hi", RTV_HC_POOL_MOVE, 3, 0x100000001ULL, 0);
	hc("load_hi", RTV_HC_LOAD, 0x100000000ULL, 0, 0);
}

/* MDSCR_EL1 must keep its value across the vCPU being switched out and back in. */
static void mdscr_check(void)
{
	uint64_t end = timer_now() + timer_freq() / 10;

	sysreg_write(mdscr_el1, 0x1000); /* TDCC */
	isb();
	while (timer_now() < end)
		count++;
	printf("spin: mdscr=%llx\n", (unsigned long long)sysreg_read(mdscr_el1));
	sysreg_write(mdscr_el1, 0);
}

static void command(uint8_t c)
{
	switch (c) {
	case 'i': idle_mode = 1; printf("spin: mode idle\n"); break;
	case 's': idle_mode = 0; printf("spin: mode spin\n"); break;
	case 'l': query_load(); break;
	case 'm': management_calls(); break;
	case 'n': narrow_calls(); break;
	case 'd': mdscr_check(); break;
	case 'r': psci_system_reset(); break;
	case 'f': scmi_rate_set(0); break;
	case 'F': scmi_rate_set(1); break;
	case 'g': scmi_rate_get(); break;
	case 'v': scmi_rates(); break;
	case 'x': scmi_malformed(); break;
	case 't': pvtime_show(); break;
	case 'u': pvtime_malformed(); break;
	default: printf("spin: key %02x\n", c); break;
	}
}

int main(void)
{
	printf("spin: boot\n");
	gic_dist_init();
	gic_cpu_init();
	pl011_rx_listen(command);
	irq_register(TIMER_VIRT_INTID, report, 0);
	gic_irq_enable(TIMER_VIRT_INTID, GIC_PRIO_DEFAULT);
	next_report = timer_now() + timer_freq();
	timer_set_cval(next_report);
	timer_enable();
	irq_unmask();
	for (;;) {
		if (idle_mode)
			cpu_wfi();
		else
			count++;
	}
}
