/*
 * `dmesg <vm> [n]`: a Linux VM's kernel log read out of its memory, also after the
 * kernel died before its console worked (docs/debugging.md). The scenario's
 * `system-map` gave the link addresses of a few symbols (config.h, enum cfg_ksym);
 * kernel virtual addresses are translated with the guest's own stage 1 (its TTBR1_EL1)
 * and then stage 2, exactly as `walk` does. The ring itself is parsed by printk_rb.c.
 */
#include <config.h>
#include <debug.h>
#include <err.h>
#include <lib.h>
#include <printk.h>
#include <printk_rb.h>
#include <vm.h>

#define BANNER "Linux version "
#define BANNER_LEN 14
#define DMESG_PIECE 192 /* bytes of a record's text per printk */

/* Guest virtual memory as one vCPU's page tables show it. */
struct kmem {
	const struct vm *vm;
	const struct vcpu *v;
};

/* len bytes at va: ERR_NOENT/ERR_NOSYS (not translated) or ERR_RANGE. */
static int kmem_read(void *ctx, u64 va, void *buf, size_t len)
{
	const struct kmem *k = ctx;

	return debug_copy_va(k->v, va, buf, len, false);
}

/*
 * KASLR: how far the running kernel's image is from its link address. The arm64 Image
 * runs where it was loaded (the VM's entry), so kimage_voffset (its VA - PA) is read
 * at its physical place; VA(_text) = entry + kimage_voffset.
 */
static int kaslr_offset(const struct vm *vm, u64 *off, char *msg, size_t len)
{
	const struct cfg_vm *c = vm->cfg;
	u64 text = c->ksym[CFG_KSYM_TEXT], sym = c->ksym[CFG_KSYM_KIMAGE_VOFFSET], voff = 0;

	if (sym < text || sym - text >= SZ_1G ||
	    debug_read_ipa(vm, c->entry + (sym - text), &voff, sizeof(voff))) {
		snprintf(msg, len, "kimage_voffset (IPA %lx) is not in the VM's RAM: is the "
			 "kernel Image loaded at the VM's entry?", c->entry + (sym - text));
		return ERR_RANGE;
	}
	if (!voff) {
		snprintf(msg, len, "kimage_voffset is 0: the kernel has not started yet");
		return ERR_BUSY;
	}
	*off = c->entry + voff - text;
	return 0;
}

/* A vCPU whose stage 1 maps linux_banner, and reads "Linux version" there. */
static int pick_vcpu(struct kmem *k, u64 banner, char *msg, size_t len)
{
	char buf[BANNER_LEN];
	bool mapped = false;

	for (u32 i = 0; i < k->vm->nr_vcpus; i++) {
		k->v = &k->vm->vcpus[i];
		if (kmem_read(k, banner, buf, sizeof(buf)))
			continue;
		mapped = true;
		if (!memcmp(buf, BANNER, BANNER_LEN))
			return 0;
	}
	if (mapped)
		snprintf(msg, len, "linux_banner at VA %lx does not read \"" BANNER "\": the "
			 "System.map is not this kernel's", banner);
	else
		snprintf(msg, len, "linux_banner's VA %lx is not mapped by any vCPU's stage 1: "
			 "the kernel has not set up its page tables (TTBR1_EL1) yet", banner);
	return ERR_NOENT;
}

/* One line of a record, in pieces printk takes whole (it cuts a message at 256 bytes). */
static void emit_line(u64 s, u64 us, const char *line, size_t n)
{
	char piece[DMESG_PIECE + 1];
	bool first = true;
	size_t k;

	do {
		k = n < DMESG_PIECE ? n : DMESG_PIECE;
		memcpy(piece, line, k);
		piece[k] = '\0';
		if (first)
			printk("[%5lu.%06lu] %s%s", s, us, piece, k == n ? "\n" : "");
		else
			printk("%s%s", piece, k == n ? "\n" : "");
		first = false;
		line += k;
		n -= k;
	} while (n);
}

/* One record: "[seconds.micro] text", each line of it; or why it cannot be read. */
static void emit(void *ctx, const struct prb_record *r, const char *text, const char *err)
{
	u64 s = r->ts_nsec / 1000000000, us = r->ts_nsec % 1000000000 / 1000;
	const char *nl;

	(void)ctx;
	if (err) {
		printk("[   corrupted ] %s\n", err);
		return;
	}
	do {
		nl = strchr(text, '\n');
		emit_line(s, us, text, nl ? (size_t)(nl - text) : strlen(text));
		text = nl ? nl + 1 : NULL;
	} while (text && *text);
}

/* The ring prb points at, opened. */
static int open_ring(struct kmem *k, u64 off, struct prb_ring *rb, char *msg, size_t len)
{
	u64 prb = k->vm->cfg->ksym[CFG_KSYM_PRB] + off, rb_va = 0;

	if (kmem_read(k, prb, &rb_va, sizeof(rb_va))) {
		snprintf(msg, len, "prb at VA %lx: not readable", prb);
		return ERR_RANGE;
	}
	return prb_open(&(struct prb_mem){ kmem_read, k }, rb_va, rb, msg, len);
}

int debug_dmesg(const struct vm *vm, u32 n, char *msg, size_t len)
{
	const struct cfg_vm *c = vm->cfg;
	struct kmem k = { vm, NULL };
	struct prb_ring rb;
	u64 off = 0;
	int r;

	if (!c->has_ksyms) {
		snprintf(msg, len, "vm '%s' names no Linux System.map (add system-map = "
			 "\"linux/<flavor>/System.map\"; to it in the scenario)", c->name);
		return ERR_NOENT;
	}
	r = kaslr_offset(vm, &off, msg, len);
	if (!r)
		r = pick_vcpu(&k, c->ksym[CFG_KSYM_BANNER] + off, msg, len);
	if (!r)
		r = open_ring(&k, off, &rb, msg, len);
	if (r)
		return r;
	printk("vm '%s': kernel log (%s, KASLR offset %lx), its last %u records:\n", c->name,
	       c->system_map, off, n);
	r = prb_dump(&(struct prb_mem){ kmem_read, &k }, &rb, n, emit, NULL, msg, len);
	return r < 0 ? r : 0;
}
