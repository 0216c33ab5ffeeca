/*
 * A stopped vCPU's registers for the shell (debug.h): the exit frame and the EL1
 * context saved when its pCPU put it. Field meanings: Arm ARM C5.2.18 (SPSR/PSTATE),
 * D19.2 (SCTLR_EL1, TCR_EL1, CPACR_EL1), D19.10 (CNTV_CTL_EL0).
 */
#include <debug.h>
#include <printk.h>
#include <vm.h>

static const char *mode_name(u64 pstate)
{
	static const char *const names[16] = {
		[0x0] = "EL0t", [0x4] = "EL1t", [0x5] = "EL1h",
	};
	const char *n = names[pstate & 0xf];

	return (pstate & 0x10) ? "AArch32" : n ? n : "?";
}

/* PSTATE: NZCV [31:28], DAIF [9:6], mode [4:0]. */
static void print_pstate(u64 p)
{
	printk("pstate %08lx  %s  %c%c%c%c  %c%c%c%c\n", p, mode_name(p),
	       p & (1UL << 31) ? 'N' : 'n', p & (1UL << 30) ? 'Z' : 'z', p & (1UL << 29) ? 'C' : 'c',
	       p & (1UL << 28) ? 'V' : 'v', p & (1UL << 9) ? 'D' : 'd', p & (1UL << 8) ? 'A' : 'a',
	       p & (1UL << 7) ? 'I' : 'i', p & (1UL << 6) ? 'F' : 'f');
}

void arch_debug_regs(const struct vcpu *v)
{
	const struct vcpu_regs *r = &v->arch.regs;
	const struct el1_ctx *c = &v->arch.el1;

	for (u32 i = 0; i < 30; i += 3)
		printk("x%-2u %016lx  x%-2u %016lx  x%-2u %016lx\n", i, r->x[i], i + 1, r->x[i + 1],
		       i + 2, r->x[i + 2]);
	printk("x30 %016lx  pc  %016lx  sp_el0 %016lx sp_el1 %016lx\n", r->x[30], r->pc,
	       c->sp_el0, c->sp_el1);
	print_pstate(r->pstate);
	printk("elr_el1 %016lx spsr_el1 %08lx esr_el1 %08lx far_el1 %016lx\n", c->elr_el1,
	       c->spsr_el1, c->esr, c->far);
}

/* SCTLR_EL1: M [0] stage-1 MMU, C [2] data cache, I [12] instruction cache. */
static void print_sctlr(u64 s)
{
	printk("sctlr_el1  %016lx  mmu %s, dcache %s, icache %s\n", s, s & 1 ? "on" : "off",
	       s & 4 ? "on" : "off", s & (1UL << 12) ? "on" : "off");
}

/* TCR_EL1: T0SZ [5:0], TG0 [15:14], T1SZ [21:16], TG1 [31:30], IPS [34:32]. */
static void print_tcr(u64 t)
{
	static const char *const tg0[4] = { "4K", "64K", "16K", "?" };
	static const char *const tg1[4] = { "?", "16K", "4K", "64K" };

	printk("tcr_el1    %016lx  ttbr0: %lu-bit VA, %s; ttbr1: %lu-bit VA, %s\n", t,
	       64 - (t & 0x3f), tg0[(t >> 14) & 3], 64 - ((t >> 16) & 0x3f), tg1[(t >> 30) & 3]);
}

void arch_debug_sysregs(const struct vcpu *v)
{
	const struct el1_ctx *c = &v->arch.el1;

	print_sctlr(c->sctlr);
	print_tcr(c->tcr);
	printk("ttbr0_el1  %016lx  ttbr1_el1 %016lx\n", c->ttbr0, c->ttbr1);
	printk("mair_el1   %016lx  amair_el1 %016lx\n", c->mair, c->amair);
	printk("vbar_el1   %016lx  contextidr %08lx\n", c->vbar, c->contextidr);
	printk("tpidr_el0  %016lx  tpidrro_el0 %016lx  tpidr_el1 %016lx\n", c->tpidr_el0,
	       c->tpidrro_el0, c->tpidr_el1);
	printk("cpacr_el1  %08lx  fp/simd %s\n", c->cpacr,
	       ((c->cpacr >> 20) & 3) == 3 ? "enabled" : "trapped");
	printk("cntv_ctl   %lx  (%s%s%s)  cntv_cval %016lx  cntkctl %lx\n", c->cntv_ctl,
	       c->cntv_ctl & 1 ? "enabled" : "disabled", c->cntv_ctl & 2 ? ", masked" : "",
	       c->cntv_ctl & 4 ? ", fired" : "", c->cntv_cval, c->cntkctl);
	printk("par_el1    %016lx  mdscr_el1 %08lx  vmpidr %016lx\n", c->par, c->mdscr, c->vmpidr);
}
