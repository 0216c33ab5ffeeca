/*
 * Scenario parse + check. Sources are compiled with dtc at run time:
 *  - configs/isolation.dts and tests/unit/data/scenario-full.dts must pass;
 *  - every configs/invalid/<name>.dts must be refused with the message substring of
 *    its "// expect: ..." first line (the boot test reuses the same files);
 *  - C-level cases for what dtc cannot express (duplicate names, bad structs)
 *    and for the 64-bit range arithmetic edges.
 * Guest images are stand-ins written to build/unit/img (hello.bin, intruder.bin).
 */
#include <dirent.h>

#include <config.h>
#include <fdt.h>
#include <lib.h>

#include "dt_helpers.h"
#include "harness.h"

#define HELLO_SIZE 100
#define INTRUDER_SIZE 200

static struct scenario sc;
static struct cfg_error cerr;

static void write_images(void)
{
	unsigned char buf[INTRUDER_SIZE];
	FILE *fp;
	int i;

	dt_mkdirs();
	for (i = 0; i < INTRUDER_SIZE; i++)
		buf[i] = (unsigned char)i;
	fp = fopen(DT_IMG_DIR "/hello.bin", "wb");
	fwrite(buf, 1, HELLO_SIZE, fp);
	fclose(fp);
	fp = fopen(DT_IMG_DIR "/intruder.bin", "wb");
	fwrite(buf, 1, INTRUDER_SIZE, fp);
	fclose(fp);
}

/* Parse then (if parsed) check; the blob is kept alive because images point into it. */
static void *blob_keep;

static int parse_and_check(void *blob, size_t len, const struct cfg_limits *lim)
{
	int r;

	free(blob_keep);
	blob_keep = blob;
	if (!blob)
		return -100;
	r = config_parse(blob, len, &sc, &cerr);
	if (r == 0)
		r = config_check(&sc, lim, &cerr);
	return r;
}

static int run_file(const char *path)
{
	size_t len = 0;
	void *blob = dt_compile_file(path, DT_IMG_DIR, &len);

	CHECK(blob != NULL);
	return parse_and_check(blob, len, &DT_QEMU_LIMITS);
}

/* Wrap VM nodes into a scenario and run it. */
static int run_vms(const char *vms)
{
	static char src[16384];
	size_t len = 0;
	void *blob;

	snprintf(src, sizeof(src),
		 "/dts-v1/;\n/ {\ncompatible = \"rtvisor,scenario-v1\";\n#address-cells = <2>;\n"
		 "#size-cells = <2>;\nvms {\n%s};\n};\n", vms);
	blob = dt_compile_string(src, DT_IMG_DIR, &len);
	CHECK(blob != NULL);
	return parse_and_check(blob, len, &DT_QEMU_LIMITS);
}

#define VM_OPEN(name) name " {\n#address-cells = <2>;\n#size-cells = <2>;\n"
#define RT_PROPS "cpus = <2>;\nentry = <0x0 0x40080000>;\n"
#define RT_NODES                                                                       \
	"memory@40000000 { reg = <0x0 0x40000000 0x0 0x1000000>; phys = <0x0 0x50000000>; };\n" \
	"image@0 { load = <0x0 0x40080000>; data = /incbin/(\"hello.bin\"); };\n"
#define RT_BODY RT_PROPS RT_NODES

/* ---- valid scenarios ---- */

TEST(valid_isolation)
{
	const struct cfg_vm *rt = &sc.vms[0], *in = &sc.vms[1];

	CHECK_EQ(run_file("configs/isolation.dts"), 0);
	CHECK_EQ(cerr.msg[0], 0);
	CHECK_EQ(sc.nr_vms, 2);
	CHECK(strcmp(rt->name, "rt") == 0);
	CHECK_EQ(rt->nr_vcpus, 1);
	CHECK_EQ(rt->vcpu_pcpu[0], 2);
	CHECK_EQ(rt->entry, 0x40080000);
	CHECK_EQ(rt->dtb_ipa, 0);
	CHECK(rt->console);
	CHECK(rt->autostart);
	CHECK_EQ(rt->fault_policy, FAULT_POLICY_STOP);
	CHECK_EQ(rt->nr_mem, 1);
	CHECK_EQ(rt->mem[0].ipa, 0x40000000);
	CHECK_EQ(rt->mem[0].size, 0x01000000);
	CHECK_EQ(rt->mem[0].phys, 0x50000000);
	CHECK(rt->mem[0].has_phys && !rt->mem[0].identity);
	CHECK_EQ(rt->nr_images, 1);
	CHECK(strcmp(rt->images[0].name, "hello") == 0);
	CHECK_EQ(rt->images[0].size, HELLO_SIZE);
	CHECK_EQ(rt->images[0].load_ipa, 0x40080000);
	CHECK(rt->images[0].data && ((const unsigned char *)rt->images[0].data)[99] == 99);
	CHECK_EQ(rt->nr_devs, 0);
	CHECK(strcmp(in->name, "intruder") == 0);
	CHECK_EQ(in->vcpu_pcpu[0], 3);
	CHECK_EQ(in->fault_policy, FAULT_POLICY_INJECT);
	CHECK(in->mem[0].identity && in->mem[0].has_phys);
	CHECK_EQ(in->mem[0].phys, 0x60000000);
	CHECK_EQ(in->images[0].size, INTRUDER_SIZE);
	CHECK_EQ(in->entry, 0x60080000);
}

/*
 * Run a scenario file with one text substitution (if 'from' occurs in it).
 * tests/unit/data/scenario-full.dts predates the generated guest DTB: its dtb
 * address is where an image is loaded, which is now refused (the DTB would
 * overwrite it); the test moves the dtb until the data file itself is updated.
 */
static int run_file_patched(const char *path, const char *from, const char *to)
{
	static char src[16384];
	size_t len = 0;
	char *text = dt_read_file(path, &len), *at;
	void *blob;

	CHECK(text != NULL && len < sizeof(src) / 2);
	if (!text || len >= sizeof(src) / 2) {
		free(text);
		return -100;
	}
	text[len] = '\0';
	at = strstr(text, from);
	if (at)
		snprintf(src, sizeof(src), "%.*s%s%s", (int)(at - text), text, to,
			 at + strlen(from));
	else
		snprintf(src, sizeof(src), "%s", text);
	free(text);
	blob = dt_compile_string(src, DT_IMG_DIR, &len);
	CHECK(blob != NULL);
	return parse_and_check(blob, len, &DT_QEMU_LIMITS);
}

#define FULL_OLD_DTB "dtb = <0x0 0x88000000>;"
#define FULL_NEW_DTB "dtb = <0x0 0x8fff0000>;"

TEST(valid_full)
{
	const struct cfg_vm *l = &sc.vms[0], *r = &sc.vms[1];
	bool old_dtb = run_file("tests/unit/data/scenario-full.dts") < 0;

	if (old_dtb) /* refused only for the guest DTB overwriting image@1 */
		CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': dtb: [0x88000000, 0x88010000) overlaps "
				   "image 'image@1'");
	CHECK_EQ(run_file_patched("tests/unit/data/scenario-full.dts", FULL_OLD_DTB,
				  FULL_NEW_DTB), 0);
	CHECK_EQ(cerr.msg[0], 0);
	CHECK_EQ(sc.nr_vms, 2);
	CHECK_EQ(l->nr_vcpus, 2);
	CHECK_EQ(l->vcpu_pcpu[0], 1);
	CHECK_EQ(l->vcpu_pcpu[1], 0);
	CHECK(l->has_dtb);
	CHECK(l->dtb_ipa == 0x8fff0000 || (!old_dtb && l->dtb_ipa != 0));
	CHECK_EQ(l->nr_mem, 2);
	CHECK(!l->mem[0].has_phys);
	CHECK_EQ(l->mem[1].ipa, 0x100000000ULL);
	CHECK_EQ(l->mem[1].phys, 0x7f000000);
	CHECK_EQ(l->nr_images, 2);
	CHECK(strcmp(l->images[0].name, "kernel") == 0);
	CHECK(strcmp(l->images[1].name, "image@1") == 0); /* default: node name */
	CHECK_EQ(l->nr_devs, 2);
	CHECK(strcmp(l->devs[0].name, "rtc") == 0);
	CHECK_EQ(l->devs[0].base, 0x09010000);
	CHECK_EQ(l->devs[0].nr_irqs, 1);
	CHECK_EQ(l->devs[0].irqs[0], 34);
	CHECK(strcmp(l->devs[1].name, "device@a000000") == 0);
	CHECK_EQ(l->devs[1].size, 0x4000);
	CHECK_EQ(l->devs[1].nr_irqs, 4);
	CHECK_EQ(l->devs[1].irqs[3], 51);
	CHECK(strcmp(r->name, "rt_1") == 0);
	CHECK(!r->autostart);
	CHECK_EQ(r->fault_policy, FAULT_POLICY_INJECT);
}

/* Guest-DT inputs: dtb, bootargs, initrd image, device compatible. */
#define LINUX_VM                                                                          \
	VM_OPEN("linux") "cpus = <0 1>;\nentry = <0x0 0x40200000>;\ndtb = <0x0 0x40000000>;\n" \
	"bootargs = \"console=ttyAMA0 root=/dev/vda\";\nconsole;\n"                          \
	"memory@40000000 { reg = <0x0 0x40000000 0x0 0x10000000>; };\n"                    \
	"image@0 { label = \"kernel\"; load = <0x0 0x40200000>;"                           \
	" data = /incbin/(\"intruder.bin\"); };\n"                                          \
	"image@1 { label = \"initrd\"; load = <0x0 0x48000000>;"                           \
	" data = /incbin/(\"hello.bin\"); };\n"                                             \
	"device@9010000 { label = \"rtc\"; compatible = \"arm,pl031\", \"arm,primecell\";"   \
	" reg = <0x0 0x9010000 0x0 0x1000>; interrupts = <34>; };\n"                         \
	"device@a000000 { reg = <0x0 0xa000000 0x0 0x1000>; };\n"

TEST(valid_guest_dt_inputs)
{
	const struct cfg_vm *vm = &sc.vms[0];
	static const char compat[] = "arm,pl031\0arm,primecell";

	CHECK_EQ(run_vms(LINUX_VM "};\n"), 0);
	CHECK_EQ(cerr.msg[0], 0);
	CHECK(vm->has_dtb);
	CHECK_EQ(vm->dtb_ipa, 0x40000000);
	CHECK(vm->bootargs && strcmp(vm->bootargs, "console=ttyAMA0 root=/dev/vda") == 0);
	CHECK_EQ(vm->initrd_image, 1);
	CHECK_EQ(vm->images[1].size, HELLO_SIZE);
	CHECK_EQ(vm->devs[0].compatible_len, sizeof(compat));
	CHECK(vm->devs[0].compatible &&
	      memcmp(vm->devs[0].compatible, compat, sizeof(compat)) == 0);
	CHECK(vm->devs[1].compatible == NULL);
	CHECK_EQ(vm->devs[1].compatible_len, 0);
	/* defaults */
	CHECK_EQ(run_file("configs/isolation.dts"), 0);
	CHECK(!vm->has_dtb && vm->bootargs == NULL && vm->initrd_image == -1);
	/* an empty bootargs string is fine; a DTB at IPA 0 is a DTB too */
	CHECK_EQ(run_vms(VM_OPEN("z") "cpus = <0>;\nentry = <0x0 0x80000>;\ndtb = <0 0>;\n"
			 "bootargs = \"\";\nmemory@0 { reg = <0x0 0x0 0x0 0x1000000>; };\n};\n"), 0);
	CHECK(vm->has_dtb && vm->dtb_ipa == 0 && vm->bootargs && vm->bootargs[0] == '\0');
}

TEST(parse_guest_dt_inputs)
{
	char vms[1024];

	CHECK(run_vms(VM_OPEN("rt") RT_PROPS "bootargs = <1>;\n" RT_NODES "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': bootargs: expected a string of at most 255");
	CHECK(run_vms(VM_OPEN("rt") RT_PROPS "bootargs = \"a\", \"b\";\n" RT_NODES "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': bootargs: expected a string");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 0x1000>;"
		      " compatible = <1>; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': device@9010000.compatible: expected non-empty");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 0x1000>;"
		      " compatible = \"arm pl031\"; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': device@9010000.compatible: expected");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 0x1000>;"
		      " compatible = \"\"; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': device@9010000.compatible: expected");
	/* 128 bytes in all is the limit */
	snprintf(vms, sizeof(vms), VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 "
		 "0x1000>; compatible = \"%0126d\"; };\n};\n", 0);
	CHECK_EQ(run_vms(vms), 0);
	CHECK_EQ(sc.vms[0].devs[0].compatible_len, CFG_COMPAT_MAX - 1);
	snprintf(vms, sizeof(vms), VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 "
		 "0x1000>; compatible = \"%0127d\"; };\n};\n", 0);
	CHECK_EQ(run_vms(vms), 0);
	snprintf(vms, sizeof(vms), VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 "
		 "0x1000>; compatible = \"%0128d\"; };\n};\n", 0);
	CHECK(run_vms(vms) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "at most 128 bytes in all");
	/* "initrd" is the label, not the node name */
	CHECK_EQ(run_vms(VM_OPEN("rt") RT_BODY "image@1 { load = <0 0x40100000>; data = [00];"
			 " };\n};\n"), 0);
	CHECK_EQ(sc.vms[0].initrd_image, -1);
}

/* Struct-level guest-DT rules and the DTB area's edges. */
TEST(guest_dt_edges)
{
	static char longargs[CFG_BOOTARGS_MAX + 2];
	static const char bad_compat[3] = { 'a', 'b', 'c' };
	struct cfg_vm *vm = &sc.vms[0];

	CHECK_EQ(run_vms(LINUX_VM "};\n"), 0);
	vm->dtb_ipa = 0x50000000 - CFG_GUEST_DT_MAX; /* flush with the region's end */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	vm->dtb_ipa += 8;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': dtb: 0x4fff0008 not inside a memory region");
	vm->dtb_ipa = 0xfffffffffffffff8ULL;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': dtb: 0xfffffffffffffff8 not inside");
	vm->dtb_ipa = 0x48000000 - CFG_GUEST_DT_MAX; /* right below the initrd */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	vm->dtb_ipa += 8;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': dtb: [0x47ff0008, 0x48000008) overlaps image "
			   "'initrd'");
	vm->dtb_ipa = 0x40000000;
	vm->initrd_image = 2;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': initrd: invalid image index 2");
	vm->initrd_image = 0;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': image #1: a VM has at most one \"initrd\"");
	vm->initrd_image = -1;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': image #1: a VM has at most one");
	rtv_strlcpy(vm->images[1].name, "ramdisk", CFG_NAME_LEN);
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	vm->initrd_image = 1;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': initrd: image #1 is not labelled \"initrd\"");
	rtv_strlcpy(vm->images[1].name, "initrd", CFG_NAME_LEN);
	memset(longargs, 'x', sizeof(longargs) - 1);
	vm->bootargs = longargs;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': bootargs: longer than 255 characters");
	longargs[CFG_BOOTARGS_MAX] = '\0';
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	vm->devs[0].compatible = bad_compat; /* no terminating NUL */
	vm->devs[0].compatible_len = sizeof(bad_compat);
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': rtc.compatible: invalid string list");
}

/* ---- every configs/invalid/<name>.dts ---- */

static const char *const required_invalid[] = {
	"no-vms", "unknown-property", "mem-reg-cells", "pcpu-out-of-range", "pcpu-shared",
	"pcpu-twice", "mem-ipa-overlap", "mem-phys-overlap", "mem-outside-ram", "mem-overlaps-hv",
	"image-outside", "entry-outside", "dev-shared", "irq-shared", "irq-twice", "dev-hv-uart",
	"dev-gic", "dev-mem-ipa", "mem-size-unaligned", "mem-size-zero", "mem-ipa-unaligned",
	"mem-phys-unaligned", "dev-size-unaligned", "dev-size-zero", "irq-ppi", "irq-too-big",
	"mem-wraps", "mem-phys-wraps", "dev-wraps", "dtb-outside", "dtb-overlaps-image",
	"dtb-unaligned", "dtb-area-outside", "bootargs-long", "bootargs-no-dtb", "initrd-no-dtb",
	"initrd-twice", "dev-compatible-empty", "pci-shared", "pci-intx-shared",
	"pci-dma-no-identity", "pci-bdf-range", "pci-bdf-cells", "pci-intx-device",
	"virtio-overlap-mem", "virtio-overlap-dev", "virtio-overlap-virtio", "virtio-overlap-uart",
	"virtio-reg-size", "virtio-irq-device", "virtio-irq-twice", "virtio-irq-ppi",
	"virtio-irq-uart", "virtio-two-consoles", "virtio-type-unknown", "virtio-disk-size",
	"virtio-disk-missing", "virtio-disk-data-large", "virtio-disk-on-console",
	"virtio-net-no-network", "virtio-network-on-console", "virtio-net-ports",
};

static int expect_of(const char *path, char *out, size_t n)
{
	char line[256];
	FILE *fp = fopen(path, "r");
	int ok = 0;

	if (!fp)
		return 0;
	if (fgets(line, sizeof(line), fp) && strncmp(line, "// expect: ", 11) == 0) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, n, "%s", line + 11);
		ok = out[0] != '\0';
	}
	fclose(fp);
	return ok;
}

static void check_invalid_file(const char *path)
{
	char want[256];
	int r;

	CHECK(expect_of(path, want, sizeof(want)));
	r = run_file(path);
	if (r == 0 || !strstr(cerr.msg, want))
		printf("  %s: got \"%s\"\n", path, r == 0 ? "(accepted)" : cerr.msg);
	CHECK(r < 0);
	CHECK_STR_CONTAINS(cerr.msg, want);
	/* every refusal names the VM (or says it is about the whole scenario) */
	CHECK(strncmp(cerr.msg, "vm '", 4) == 0 || strncmp(cerr.msg, "scenario: ", 10) == 0);
	CHECK(strncmp(want, "vm '", 4) == 0 || strncmp(want, "pool", 4) == 0 ||
	      strncmp(want, "scenario: ", 10) == 0 || strstr(path, "bad-compatible"));
}

TEST(invalid_configs)
{
	DIR *d = opendir("configs/invalid");
	struct dirent *de;
	char seen[256][64];
	int n = 0, i, j;

	CHECK(d != NULL);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		char path[512];

		if (l < 5 || strcmp(de->d_name + l - 4, ".dts") != 0)
			continue;
		snprintf(path, sizeof(path), "configs/invalid/%s", de->d_name);
		check_invalid_file(path);
		if (n < (int)ARRAY_SIZE(seen))
			snprintf(seen[n++], sizeof(seen[0]), "%.*s", (int)(l - 4), de->d_name);
	}
	closedir(d);
	for (i = 0; i < (int)ARRAY_SIZE(required_invalid); i++) {
		for (j = 0; j < n && strcmp(seen[j], required_invalid[i]) != 0; j++)
			;
		if (j == n)
			printf("  missing configs/invalid/%s.dts\n", required_invalid[i]);
		CHECK(j < n);
	}
	CHECK(n >= 45);
}

/* ---- PCI functions ---- */

#define PCI_VMS                                                                       \
	VM_OPEN("linux") RT_BODY "pci@0 { label = \"serial\"; bdf = <0 2 0>; };\n};\n"    \
	VM_OPEN("rt") "cpus = <3>;\nentry = <0x0 0x40080000>;\n"                           \
	"memory@40000000 { reg = <0x0 0x40000000 0x0 0x1000000>; };\n"                     \
	"image@0 { load = <0x0 0x40080000>; data = /incbin/(\"hello.bin\"); };\n};\n"

TEST(pci_needs_a_host_bridge)
{
	struct cfg_limits lim = DT_QEMU_LIMITS;

	CHECK_EQ(run_vms(PCI_VMS), 0);
	CHECK_EQ(sc.vms[0].nr_pci, 1);
	CHECK_EQ(cfg_pci_bdf(&sc.vms[0].pci[0]), 0x10);
	lim.pci = NULL;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'linux': serial: the machine has no PCIe host bridge");
}

/* One VM may own several functions on one line (it owns the whole line). */
TEST(pci_line_shared_in_one_vm)
{
	CHECK_EQ(run_vms(PCI_VMS), 0);
	sc.vms[0].pci[1] = sc.vms[0].pci[0];
	sc.vms[0].pci[1].bdf[1] = 6; /* slot 6: INTA on the line of slot 2 */
	sc.vms[0].nr_pci = 2;
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	sc.vms[1].pci[0] = sc.vms[0].pci[1];
	sc.vms[1].pci[0].bdf[1] = 10; /* the same line in another VM */
	sc.vms[1].nr_pci = 1;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': serial: INTx line INTID 37 (INTA of 00:0a.0) shared "
			   "with vm 'linux' serial");
}

/* ---- what dtc cannot express: C-level structs ---- */

static int load_isolation(void)
{
	return run_file("configs/isolation.dts");
}

TEST(duplicate_vm_name)
{
	CHECK_EQ(load_isolation(), 0);
	rtv_strlcpy(sc.vms[1].name, "rt", CFG_NAME_LEN);
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': duplicate VM name");
}

/* The checker applies the parser's name rule to a scenario built in memory. */
TEST(name_rule_in_memory)
{
	CHECK_EQ(load_isolation(), 0);
	rtv_strlcpy(sc.vms[1].name, "abcdefghijklmno", CFG_NAME_LEN); /* 15: the longest */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	rtv_strlcpy(sc.vms[1].name, "Intruder", CFG_NAME_LEN);
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "scenario: vm #1: invalid VM name");
	rtv_strlcpy(sc.vms[1].name, "", CFG_NAME_LEN);
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "scenario: vm #1: invalid VM name");
	CHECK_EQ(load_isolation(), 0);
	sc.nr_pools = 1;
	sc.pools[0] = (struct cfg_pool){ .name = "a b", .cpus = 0xf };
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "scenario: pool #0: invalid pool name");
}

TEST(struct_level_errors)
{
	struct cfg_limits lim = DT_QEMU_LIMITS;

	CHECK_EQ(load_isolation(), 0);
	sc.nr_vms = 0;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "scenario: no VMs");
	sc.nr_vms = CFG_MAX_VMS + 1;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "too many VMs");
	CHECK_EQ(load_isolation(), 0);
	sc.vms[0].nr_vcpus = 0;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': cpus:");
	CHECK_EQ(load_isolation(), 0);
	sc.vms[1].nr_mem = 0;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'intruder': memory: no memory region");
	CHECK_EQ(load_isolation(), 0);
	sc.vms[0].fault_policy = (enum fault_policy)7;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': fault-policy");
	CHECK_EQ(load_isolation(), 0);
	memset(sc.vms[0].name, 'a', CFG_NAME_LEN); /* unterminated */
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm #0: invalid VM name");
	CHECK_EQ(load_isolation(), 0);
	lim.ram_size = 0;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "limits");
	CHECK(config_check(NULL, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, NULL) == 0);
}

/* Range edges: adjacency is fine, one page over is not, wrap is refused. */
TEST(range_edges)
{
	struct cfg_mem *m = &sc.vms[0].mem[0];

	CHECK_EQ(load_isolation(), 0);
	m->phys = 0xc0000000 - m->size; /* last 16 MiB of RAM */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	m->phys += SZ_4K;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': memory@40000000.phys: [0xbf001000, 0xc0001000) outside RAM");
	m->phys = 0x44000000; /* right after the hypervisor */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	m->phys = 0x44000000 - SZ_4K;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "overlaps the hypervisor");
	m->phys = 0xffffffffff000000ULL; /* end would be exactly 2^64 */
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': memory@40000000.phys: range wraps");
	m->phys = 0xfffffffffffff000ULL;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "range wraps");
	m->phys = 0x50000000;
	sc.vms[0].entry = 0x40000000 + m->size - 4; /* last instruction slot */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	sc.vms[0].entry = 0x40000000 + m->size;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': entry:");
	sc.vms[0].entry = 0x40080002;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': entry:");
	sc.vms[0].entry = 0x40080000;
	sc.vms[0].images[0].load_ipa = 0x40000000 + m->size - HELLO_SIZE; /* flush with the end */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	sc.vms[0].images[0].load_ipa = 0xffffffffffffffc0ULL;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': image 'hello'.load");
	sc.vms[0].images[0].load_ipa = 0x40080000;
	sc.vms[0].images[0].size = m->size + 1; /* larger than its region */
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': image 'hello'.load");
}

TEST(device_edges)
{
	struct cfg_dev *d = &sc.vms[0].devs[0];

	CHECK_EQ(load_isolation(), 0);
	sc.vms[0].nr_devs = 1;
	rtv_strlcpy(d->name, "dev", CFG_NAME_LEN);
	d->base = 0x09001000; /* right after the UART */
	d->size = 0x1000;
	d->nr_irqs = 1;
	d->irqs[0] = LIM_VGIC_MAX_INTID; /* the highest INTID a VM can see */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	d->irqs[0] = LIM_VGIC_MAX_INTID + 1;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': dev.interrupts: INTID 288 above the vGIC's limit 287");
	d->irqs[0] = 1019; /* an SPI the GIC has, but no VM can see */
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "above the vGIC's limit");
	d->irqs[0] = 32;
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	d->irqs[0] = 31;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': dev.interrupts: INTID 31");
	d->irqs[0] = 40;
	d->base = 0x07fff000; /* right before the GIC */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	d->size = 0x2000;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': dev.reg: overlaps the GIC");
	d->base = 0x3ffff000; /* into RAM */
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "overlaps RAM");
	d->base = 0x10000000;
	d->nr_irqs = CFG_MAX_IRQS + 1;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': dev.interrupts: too many");
}

/* ---- capacities (rtv_limits.h): what the check accepts, vm_create can hold ---- */

static void set_dev(struct cfg_dev *d, const char *name, u64 base, u32 first_irq, u32 nr)
{
	rtv_strlcpy(d->name, name, CFG_NAME_LEN);
	d->base = base;
	d->size = 0x1000;
	d->nr_irqs = nr;
	for (u32 q = 0; q < nr; q++)
		d->irqs[q] = first_irq + q;
}

TEST(owned_spis)
{
	struct cfg_vm *rt = &sc.vms[0];

	CHECK_EQ(load_isolation(), 0);
	rt->nr_devs = 2;
	set_dev(&rt->devs[0], "a", 0x10000000, 40, 16);
	set_dev(&rt->devs[1], "b", 0x10001000, 56, 15); /* 31 + the console's = 32 */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	CHECK_EQ(config_vm_capacity(rt, 33, &cerr), 0);
	rt->devs[1].nr_irqs = 16; /* 33 */
	rt->devs[1].irqs[15] = 71;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': interrupts: 33 owned SPIs (devices and console), "
			   "the vGIC holds 32");
	CHECK(config_vm_capacity(rt, 33, &cerr) < 0);
	rt->console = false; /* the console's SPI no longer counts */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	rt->devs[0].irqs[0] = LIM_VGIC_MAX_INTID; /* the highest one is fine too */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
}

/* The watchdog's rules (config_wdog.c): its SPI is the VM's own, it counts among the owned
 * SPIs, its frames are clear of the VM's memory and devices, the action needs it. */
TEST(watchdog_rules)
{
	struct cfg_vm *rt = &sc.vms[0];

	CHECK_EQ(load_isolation(), 0);
	rt->has_wdog = true;
	rt->wdog_irq = 60;
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	rt->wdog_irq = 33;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': watchdog-irq: INTID 33 is the UART's too");
	rt->wdog_irq = LIM_VGIC_MAX_INTID + 1;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "is not an SPI of the vGIC");
	rt->wdog_irq = 60;
	rt->nr_devs = 1;
	set_dev(&rt->devs[0], "a", 0x090f0000, 40, 1);
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': watchdog: its frames at 0x90e0000 and 0x90f0000 "
			   "overlap a");
	rt->nr_devs = 2;
	set_dev(&rt->devs[0], "a", 0x10000000, 40, 16);
	set_dev(&rt->devs[1], "b", 0x10001000, 61, 14); /* 30 + console + watchdog = 32 */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	set_dev(&rt->devs[1], "b", 0x10001000, 61, 15);
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "33 owned SPIs");
	rt->nr_devs = 0;
	rt->nr_vcpus = 3; /* pCPUs 2, 0, 1 and the other VM's 3: each runs a bound vCPU */
	rt->vcpu_pcpu[1] = 0;
	rt->vcpu_pcpu[2] = 1;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': watchdog-irq: every pCPU runs a bound vCPU, so no "
			   "housekeeping pCPU would time the watchdog");
	rt->nr_vcpus = 2; /* pCPU 1 is free: it keeps house */
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	rt->nr_vcpus = 1;
	rt->has_wdog = false;
	rt->has_wdog_action = true;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': watchdog-action: only with watchdog-irq");
}

/* A failover group is parsed into the scenario (name lists as in the blob) and checked:
 * a valid group passes; the check then sees every name (primary, backup, pool). */
#define FO_VM(n, cpu)                                                                      \
	VM_OPEN(n) "cpus = <" cpu ">;\nentry = <0x0 0x40080000>;\npool = \"dyn\";\n"            \
	"memory@40000000 { reg = <0x0 0x40000000 0x0 0x1000000>; };\n"                      \
	"image@0 { load = <0x0 0x40080000>; data = /incbin/(\"hello.bin\"); };\n};\n"
#define FO_REST(group)                                                                     \
	"};\npools {\nrt { policy = \"bind\"; cpus = <0 2>; };\n"                              \
	"dyn { policy = \"dynamic\"; cpus = <1 3>; };\n};\nfailover {\ncell {\n" group "};\n"

TEST(failover_groups)
{
	const struct cfg_failover *g = &sc.failover[0];

	CHECK_EQ(run_vms(FO_VM("a", "1") FO_VM("b", "3")
			 FO_REST("primary = \"a\";\nbackup = \"b\";\nweight = <700>;\nrebirth;\n"
				 "on-ws1 = \"reset\";\n")), 0);
	CHECK_EQ(sc.nr_failover, 1);
	CHECK_STR_CONTAINS(g->name, "cell");
	CHECK(strcmp(g->primary, "a") == 0 && strcmp(g->backup, "b") == 0);
	CHECK_EQ(g->weight, 700);
	CHECK(g->rebirth && g->has_on_ws1 && g->on_ws1 == CFG_FO_WS1_RESET);
	CHECK(g->pci == NULL && g->networks == NULL && g->shmem == NULL);
	rtv_strlcpy(sc.failover[0].backup, "a", CFG_NAME_LEN);
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "failover 'cell': primary and backup are one VM");
	CHECK(run_vms(FO_VM("a", "1") FO_VM("b", "3")
		      FO_REST("primary = \"a\";\nbackup = \"b\";\non-ws1 = \"panic\";\n")) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "on-ws1: expected \"failover\" or \"reset\"");
	CHECK(run_vms(FO_VM("a", "1") FO_VM("b", "3") FO_REST("primary = \"a\";\n")) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "backup");
	CHECK_EQ(g->fence, CFG_FO_FENCE_HALT);
	CHECK_EQ(run_vms(FO_VM("a", "1") FO_VM("b", "3")
			 FO_REST("primary = \"a\";\nbackup = \"b\";\nfence = \"isolate\";\n")), 0);
	CHECK(g->has_fence && g->fence == CFG_FO_FENCE_ISOLATE && g->move_shmem == NULL);
	CHECK(run_vms(FO_VM("a", "1") FO_VM("b", "3")
		      FO_REST("primary = \"a\";\nbackup = \"b\";\nfence = \"isolate\";\n"
			      "rebirth;\n")) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "failover 'cell': fence \"isolate\" keeps the fenced primary "
			   "running: not with rebirth");
	CHECK(run_vms(FO_VM("a", "1") FO_VM("b", "3")
		      FO_REST("primary = \"a\";\nbackup = \"b\";\nfence = \"off\";\n")) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "fence: expected \"halt\" or \"isolate\"");
	CHECK(run_vms(FO_VM("a", "1") FO_VM("b", "3")
		      FO_REST("primary = \"a\";\nbackup = \"b\";\nmove-shmem = \"buf\";\n")) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "failover 'cell': move-shmem 'buf': the primary does not map "
			   "it");
}

/* A moving PCI function: both VMs list it (one function, same rights); any other pair of
 * VMs, or a group that does not move it, still may not share it. */
#define FO_VM_PCI(n, cpu, pci)                                                             \
	VM_OPEN(n) "cpus = <" cpu ">;\nentry = <0x0 0x40080000>;\npool = \"dyn\";\n"            \
	"memory@40000000 { reg = <0x0 0x40000000 0x0 0x1000000>; };\n"                      \
	"image@0 { load = <0x0 0x40080000>; data = /incbin/(\"hello.bin\"); };\n" pci "};\n"
#define EDU(label, dev) "pci@" dev ",0 { label = \"" label "\"; bdf = <0 " dev " 0>; };\n"
#define FO_AB "primary = \"a\";\nbackup = \"b\";\n"

TEST(failover_pci)
{
	CHECK_EQ(run_vms(FO_VM_PCI("a", "1", EDU("edu", "4")) FO_VM_PCI("b", "3", EDU("edu", "4"))
			 FO_REST(FO_AB "pci = \"edu\";\nfence = \"isolate\";\n")), 0);
	CHECK(cfg_fo_of_pci(&sc, "b", "edu") == &sc.failover[0]);
	CHECK(cfg_fo_of_pci(&sc, "b", "nic") == NULL);
	CHECK(cfg_fo_shares_pci(&sc, "a", "edu", "b", "edu"));
	CHECK(!cfg_fo_shares_pci(&sc, "a", "edu", "a", "edu"));
	CHECK(run_vms(FO_VM_PCI("a", "1", EDU("edu", "4")) FO_VM_PCI("b", "3", EDU("edu", "4"))
		      FO_REST(FO_AB)) < 0); /* listed by both, but the group does not move it */
	CHECK_STR_CONTAINS(cerr.msg, "vm 'b': edu.bdf: 00:04.0 already assigned to vm 'a' edu");
	CHECK(run_vms(FO_VM_PCI("a", "1", EDU("edu", "4")) FO_VM("b", "3")
		      FO_REST(FO_AB "pci = \"edu\";\n")) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "failover 'cell': pci 'edu': the backup does not list it");
	CHECK(run_vms(FO_VM_PCI("a", "1", EDU("edu", "4")) FO_VM_PCI("b", "3", EDU("edu", "5"))
		      FO_REST(FO_AB "pci = \"edu\";\n")) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "failover 'cell': pci 'edu': primary and backup name "
			   "different functions");
	CHECK(run_vms(FO_VM_PCI("a", "1", EDU("edu", "4")) FO_VM_PCI("b", "3", EDU("nic", "4"))
		      FO_REST(FO_AB "pci = \"edu\";\n")) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "already assigned to vm 'a' edu"); /* another label */
}

/* A refused scenario is ERR_INVAL (err.h) from parse, check and the capacity check alike. */
TEST(error_codes)
{
	CHECK_EQ(run_vms(VM_OPEN("rt") RT_PROPS "consle;\n" RT_NODES "};\n"), ERR_INVAL);
	CHECK_EQ(config_parse(NULL, 0, &sc, &cerr), ERR_INVAL);
	CHECK_EQ(load_isolation(), 0);
	sc.vms[0].entry = 0x40080002;
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), ERR_INVAL);
	sc.vms[0].entry = 0x40080000;
	sc.vms[0].nr_devs = 1;
	set_dev(&sc.vms[0].devs[0], "a", 0x10000000, 40, 16);
	sc.vms[0].devs[0].nr_irqs = LIM_VGIC_OWNED_SPIS; /* with the console: one too many */
	CHECK_EQ(config_vm_capacity(&sc.vms[0], 33, &cerr), ERR_INVAL);
}

TEST(console_intid_beyond_vgic)
{
	struct cfg_limits lim = DT_QEMU_LIMITS;

	CHECK_EQ(load_isolation(), 0);
	lim.uart_intid = LIM_VGIC_MAX_INTID; /* a platform UART the vGIC can still emulate */
	CHECK_EQ(config_check(&sc, &lim, &cerr), 0);
	lim.uart_intid = LIM_VGIC_MAX_INTID + 1;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': console: the UART's INTID 288 is not an SPI the vGIC "
			   "holds (32..287)");
	sc.vms[0].console = sc.vms[1].console = false; /* no console, no problem */
	CHECK_EQ(config_check(&sc, &lim, &cerr), 0);
}

TEST(ipa_space)
{
	struct cfg_mem *m = &sc.vms[0].mem[1];
	struct cfg_dev *d = &sc.vms[0].devs[0];

	CHECK_EQ(load_isolation(), 0);
	sc.vms[0].nr_mem = 2;
	*m = (struct cfg_mem){ .ipa = (1ULL << LIM_IPA_BITS) - 0x1000000, .size = 0x1000000 };
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0); /* ends exactly at 2^40 */
	m->ipa += 0x1000;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': memory@ffff001000.reg: [0xffff001000, 0x10000001000) "
			   "beyond the 40-bit guest-physical space");
	sc.vms[0].nr_mem = 1;
	sc.vms[0].nr_devs = 1;
	set_dev(d, "far", (1ULL << LIM_IPA_BITS) - 0x1000, 40, 1);
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	d->base += 0x1000;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': far.reg: [0x10000000000, 0x10000001000) beyond the "
			   "40-bit guest-physical space");
}

TEST(pcpu_limit)
{
	struct cfg_limits lim = DT_QEMU_LIMITS;

	CHECK_EQ(load_isolation(), 0);
	lim.nr_pcpus = 16; /* a machine with more pCPUs than the hypervisor drives */
	sc.vms[1].vcpu_pcpu[0] = LIM_PCPUS - 1;
	CHECK_EQ(config_check(&sc, &lim, &cerr), 0);
	sc.vms[1].vcpu_pcpu[0] = LIM_PCPUS;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'intruder': cpus[0]: pCPU 8 above the hypervisor's limit "
			   "of 8 pCPUs");
	sc.vms[1].vcpu_pcpu[0] = 3;
	sc.nr_pools = 1; /* a pool covering the driven pCPUs is complete */
	sc.pools[0] = (struct cfg_pool){ .name = "p", .cpus = (1ULL << LIM_PCPUS) - 1 };
	rtv_strlcpy(sc.vms[0].pool, "p", CFG_NAME_LEN);
	rtv_strlcpy(sc.vms[1].pool, "p", CFG_NAME_LEN);
	CHECK_EQ(config_check(&sc, &lim, &cerr), 0);
	sc.pools[0].cpus |= 1ULL << LIM_PCPUS;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "pool 'p': cpus: pCPU 8 does not exist (8 pCPUs)");
}

TEST(ram_total)
{
	struct cfg_limits lim = DT_QEMU_LIMITS;

	CHECK_EQ(load_isolation(), 0);
	/* RAM 2 GiB, hypervisor 64 MiB of it: 0x7c000000 left for the two 16 MiB VMs */
	sc.vms[1].mem[0].size = 0x7c000000 - 0x1000000;
	sc.vms[1].mem[0].has_phys = sc.vms[1].mem[0].identity = false;
	CHECK_EQ(config_check(&sc, &lim, &cerr), 0);
	sc.vms[1].mem[0].size += 0x1000;
	CHECK(config_check(&sc, &lim, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'intruder': memory: the VMs so far need 0x7c001000 bytes");
	lim.hv_base = 0x10000000; /* a hypervisor outside RAM takes none of it */
	CHECK_EQ(config_check(&sc, &lim, &cerr), 0);
}

/* ---- parse details ---- */

TEST(parse_limits)
{
	char vms[8192];
	int i, n = 0;

	for (i = 0; i < CFG_MAX_VMS + 1; i++)
		n += snprintf(vms + n, sizeof(vms) - (size_t)n, VM_OPEN("vm%d") RT_BODY "};\n", i);
	CHECK(run_vms(vms) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "scenario: too many VMs (max 8)");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY
		      "memory@1000000 { reg = <0 0x1000000 0 0x1000>; };\n"
		      "memory@2000000 { reg = <0 0x2000000 0 0x1000>; };\n"
		      "memory@3000000 { reg = <0 0x3000000 0 0x1000>; };\n"
		      "memory@4000000 { reg = <0 0x4000000 0 0x1000>; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': memory@4000000: too many memory regions (max 4)");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 0x1000>;"
		      " interrupts = <32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48>; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': device@9010000.interrupts: expected at most 16 cells");
}

TEST(parse_types)
{
	CHECK(run_vms(VM_OPEN("rt") RT_PROPS "no-autostart = \"yes\";\n" RT_NODES "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': no-autostart: expected a boolean");
	CHECK(run_vms(VM_OPEN("rt") RT_PROPS "fault-policy = \"inject\", \"stop\";\n" RT_NODES "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': fault-policy: expected");
	CHECK(run_vms(VM_OPEN("rt") RT_PROPS "dtb = <0x40000000>;\n" RT_NODES "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': dtb: expected 2 cells");
	CHECK(run_vms("rt {\n#address-cells = <1>;\n" RT_BODY "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': #address-cells: expected <2>");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "image@1 { load = <0 0x40100000>; data = [];"
		      " };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': image@1.data: empty image");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 0x1000>;"
		      " irq = <40>; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': device@9010000: unknown property 'irq'");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 0x1000>;"
		      " sub { }; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': device@9010000: unexpected sub-node");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "memory@41000000 { phys = <0 0x60000000>; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': memory@41000000.reg: missing (required)");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "image@1 { data = [00]; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': image@1.load: missing (required)");
	CHECK(run_vms(VM_OPEN("rt") RT_BODY "image@1 { load = <0 0x40100000>; data = [00];"
		      " label = <1>; };\n};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': image@1.label: expected a string");
}

/* system-map and the symbols the scenario build writes from it go together. */
TEST(system_map_symbols)
{
	CHECK(run_vms(VM_OPEN("rt") RT_PROPS "system-map = \"linux/cloud/System.map\";\n"
		      RT_NODES "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': system-map: \"linux/cloud/System.map\": its "
			   "symbols were not extracted");
	CHECK(run_vms(VM_OPEN("rt") RT_PROPS "system-map-symbols = /bits/ 64 <1 2 3 4>;\n"
		      RT_NODES "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': system-map-symbols: only with system-map");
	CHECK(run_vms(VM_OPEN("rt") RT_PROPS "system-map = \"m\";\n"
		      "system-map-symbols = /bits/ 64 <1 2 3>;\n" RT_NODES "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': system-map-symbols: expected 4 64-bit addresses");
	CHECK(run_vms(VM_OPEN("rt") RT_PROPS "system-map = \"\";\n" RT_NODES "};\n") < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'rt': system-map: expected a string of 1 to 255");
	CHECK_EQ(run_vms(VM_OPEN("rt") RT_PROPS "system-map = \"m\";\n"
			 "system-map-symbols = /bits/ 64 <0xffff800008000000 2 3 4>;\n"
			 RT_NODES "};\n"), 0);
	CHECK_EQ(sc.vms[0].ksym[CFG_KSYM_TEXT], 0xffff800008000000ULL);
	CHECK_EQ(sc.vms[0].ksym[CFG_KSYM_KIMAGE_VOFFSET], 4);
	CHECK(sc.vms[0].has_ksyms && strcmp(sc.vms[0].system_map, "m") == 0);
}

/* Wrap pool nodes and VM nodes into a scenario and run it. */
static int run_pools(const char *pools, const char *vms)
{
	static char src[8192];
	size_t len = 0;
	void *blob;

	snprintf(src, sizeof(src),
		 "/dts-v1/;\n/ {\ncompatible = \"rtvisor,scenario-v1\";\npools {\n%s};\nvms {\n%s};\n};\n",
		 pools, vms);
	blob = dt_compile_string(src, DT_IMG_DIR, &len);
	CHECK(blob != NULL);
	return parse_and_check(blob, len, &DT_QEMU_LIMITS);
}

#define DYN_POOL "p { policy = \"dynamic\"; cpus = <0 1 2 3>; };\n"
#define DYN_VM(props) VM_OPEN("rt") RT_PROPS "pool = \"p\";\n" props RT_NODES "};\n"
#define REFUSED(call, want)                     \
	do {                                    \
		CHECK((call) < 0);              \
		CHECK_STR_CONTAINS(cerr.msg, want); \
	} while (0)

/* One refusal per pool property kind: the pool node, and the message. */
static const struct {
	const char *pool, *want;
} bad_pools[] = {
	{ "p { policy = \"bind\"; cpus = <0 1 2 3>; slice-us = <100>; };",
	  "scenario: pool 'p': slice-us: only for dynamic pools" },
	{ "p { policy = \"dynamic\"; cpus = <0 1 2 3>; slice-us = <99>; };",
	  "scenario: pool 'p': slice-us: 99 out of range 100..1000000" },
	{ "p { policy = \"dynamic\"; cpus = <0 1 2 3>; slice-us = <0 100>; };",
	  "scenario: pool 'p': slice-us: expected 1 cell" },
	{ "p { policy = \"fifo\"; cpus = <0 1 2 3>; };",
	  "scenario: pool 'p': policy: expected \"bind\" or \"dynamic\"" },
	{ "p { cpus = <0 1 2 3>; };", "scenario: pool 'p': policy: missing (required)" },
	{ "p { policy = \"bind\"; };", "scenario: pool 'p': cpus: missing (required)" },
	{ "p { policy = \"bind\"; cpus = <0 1 1>; };",
	  "scenario: pool 'p': cpus[2]: pCPU 1 invalid or listed twice" },
	{ "p { policy = \"bind\"; cpus = <64>; };",
	  "scenario: pool 'p': cpus[0]: pCPU 64 invalid or listed twice" },
	{ "p { policy = \"bind\"; cpus = <>; };", "scenario: pool 'p': cpus: expected 1 to 64 cells" },
	{ "P { policy = \"bind\"; cpus = <0>; };", "scenario: pool 'P': invalid pool name" },
};

/* One refusal per VM and sub-node property kind not covered elsewhere. */
static const struct {
	const char *pool, *vm, *want;
} bad_vms[] = {
	{ DYN_POOL, DYN_VM("weight = <1001>;\n"), "vm 'rt': weight: 1001 out of range 1..1000" },
	{ DYN_POOL, DYN_VM("priority = <16>;\n"), "vm 'rt': priority: 16 out of range 0..15" },
	{ DYN_POOL, DYN_VM("weight = <0 1>;\n"), "vm 'rt': weight: expected 1 cell" },
	{ NULL, VM_OPEN("rt") RT_PROPS "pool = \"\";\n" RT_NODES "};\n",
	  "vm 'rt': pool: expected a pool name" },
	{ NULL, VM_OPEN("rt") RT_PROPS "privileged = <1>;\n" RT_NODES "};\n",
	  "vm 'rt': privileged: expected a boolean (empty) property" },
	{ NULL, "rt {\n#address-cells = <2>;\n#size-cells = <1>;\n" RT_BODY "};\n",
	  "vm 'rt': #size-cells: expected <2>" },
	{ NULL, VM_OPEN("rt") RT_PROPS
	  "memory@40000000 { reg = <0 0x40000000 0 0x1000000>; identity = <1>; };\n};\n",
	  "vm 'rt': memory@40000000.identity: expected a boolean (empty) property" },
	{ NULL, VM_OPEN("rt") RT_PROPS
	  "memory@40000000 { reg = <0 0x40000000 0 0x1000000>; phys = <1>; };\n};\n",
	  "vm 'rt': memory@40000000.phys: expected 2 cells" },
	{ NULL, VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000 0 0x1000>;"
	  " label = \"abcdefghijklmnop\"; };\n};\n",
	  "vm 'rt': device@9010000.label: expected a string of 1 to 15 characters" },
	{ NULL, VM_OPEN("rt") RT_BODY "device@9010000 { reg = <0 0x9010000>; };\n};\n",
	  "vm 'rt': device@9010000.reg: expected 4 cells" },
	{ NULL, VM_OPEN("rt") RT_BODY "device@9010000 { interrupts = <40>; };\n};\n",
	  "vm 'rt': device@9010000.reg: missing (required)" },
};

/* Every property kind of the schema tables, with the message of each refusal. */
TEST(parse_kinds)
{
	u32 i;

	CHECK_EQ(run_pools("p { policy = \"dynamic\"; cpus = <0 1 2 3>; slice-us = <100>; };\n",
			   DYN_VM("weight = <1000>;\npriority = <15>;\nprivileged;\n")), 0);
	CHECK(sc.pools[0].dynamic && sc.pools[0].cpus == 0xf && sc.pools[0].slice_us == 100);
	CHECK(sc.vms[0].weight == 1000 && sc.vms[0].priority == 15 && sc.vms[0].has_priority);
	CHECK(sc.vms[0].privileged && strcmp(sc.vms[0].pool, "p") == 0);
	for (i = 0; i < ARRAY_SIZE(bad_pools); i++)
		REFUSED(run_pools(bad_pools[i].pool, DYN_VM("")), bad_pools[i].want);
	for (i = 0; i < ARRAY_SIZE(bad_vms); i++)
		REFUSED(bad_vms[i].pool ? run_pools(bad_vms[i].pool, bad_vms[i].vm)
					: run_vms(bad_vms[i].vm), bad_vms[i].want);
}

TEST(parse_root_and_vms)
{
	size_t len = 0;
	void *blob;

	blob = dt_compile_string("/dts-v1/;\n/ { compatible = \"rtvisor,scenario-v1\"; };\n", NULL,
				 &len);
	CHECK(parse_and_check(blob, len, &DT_QEMU_LIMITS) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "scenario: no /vms node");
	blob = dt_compile_string("/dts-v1/;\n/ { compatible = \"rtvisor,scenario-v1\";"
				 " vms { }; chosen { }; };\n", NULL, &len);
	CHECK(parse_and_check(blob, len, &DT_QEMU_LIMITS) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "scenario: unknown node '/chosen'");
	blob = dt_compile_string("/dts-v1/;\n/ { compatible = \"rtvisor,scenario-v1\";"
				 " vmz = <1>; vms { }; };\n", NULL, &len);
	CHECK(parse_and_check(blob, len, &DT_QEMU_LIMITS) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "scenario: unknown root property 'vmz'");
	blob = dt_compile_string("/dts-v1/;\n/ { compatible = \"rtvisor,scenario-v1\";"
				 " vms { count = <1>; }; };\n", NULL, &len);
	CHECK(parse_and_check(blob, len, &DT_QEMU_LIMITS) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "scenario: /vms: unknown property 'count'");
	blob = dt_compile_string("/dts-v1/;\n/ { compatible = \"x\", \"rtvisor,scenario-v1\";"
				 " vms { rt { #address-cells = <2>; #size-cells = <2>; " RT_BODY
				 " }; }; };\n", DT_IMG_DIR, &len);
	CHECK_EQ(parse_and_check(blob, len, &DT_QEMU_LIMITS), 0); /* compatible list */
	CHECK(config_parse(NULL, 0, &sc, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "not a valid devicetree blob");
	CHECK(config_parse(blob_keep, 100, &sc, NULL) < 0);
	CHECK_EQ(sc.nr_vms, 0);
}

TEST(dynamic_memory_anywhere)
{
	/* without phys, only the IPA rules and the RAM total apply (RAM is picked at boot) */
	CHECK_EQ(run_vms(VM_OPEN("big") "cpus = <0 1>;\nentry = <0x0 0x80000>;\n"
			 "memory@0 { reg = <0x0 0x0 0x0 0x8000000>; };\n"
			 "memory@1000000000 { reg = <0x10 0x0 0x0 0x40000000>; };\n"
			 "image@0 { load = <0x0 0x80000>; data = /incbin/(\"hello.bin\"); };\n};\n"),
		 0);
	CHECK_EQ(sc.vms[0].mem[1].size, 0x40000000ULL);
	CHECK(!sc.vms[0].mem[1].has_phys);
	/* 4 GiB cannot come out of 2 GiB of RAM, wherever it is placed */
	sc.vms[0].mem[1].size = 0x100000000ULL;
	CHECK(config_check(&sc, &DT_QEMU_LIMITS, &cerr) < 0);
	CHECK_STR_CONTAINS(cerr.msg, "vm 'big': memory: the VMs so far need 0x108000000 bytes of "
			   "RAM, 0x7c000000 are left beside the hypervisor");
}

/* ---- robustness: truncated and corrupted scenario blobs ---- */

TEST(scenario_blob_corruption)
{
	size_t len = 0, cut;
	unsigned char *blob = dt_compile_file("configs/isolation.dts", DT_IMG_DIR, &len);
	unsigned char *m;
	int it, parsed = 0;

	CHECK(blob != NULL);
	if (!blob)
		return;
	for (cut = 0; cut < len; cut++) {
		m = malloc(cut ? cut : 1);
		memcpy(m, blob, cut);
		CHECK(config_parse(m, cut, &sc, &cerr) < 0);
		free(m);
	}
	dt_rng_state = 0x0123456789abcdefULL;
	m = malloc(len);
	for (it = 0; it < 20000; it++) {
		int k;

		memcpy(m, blob, len);
		for (k = 0; k < 1 + (int)(dt_rand() % 3); k++)
			m[dt_rand() % len] ^= (unsigned char)(1U << (dt_rand() % 8));
		if (config_parse(m, len, &sc, &cerr) == 0) {
			parsed++;
			config_check(&sc, &DT_QEMU_LIMITS, &cerr);
		}
		CHECK(strlen(cerr.msg) < CFG_ERR_LEN);
	}
	CHECK(parsed > 0);
	free(m);
	free(blob);
}

/* Exit-less mode: one vCPU of a bind pool off pCPU 0 with passthrough devices passes;
 * the same VM sharing a pCPU, or with a second vCPU, is refused (config_exitless.c). */
#define EXITLESS_VM(cpus, extra)                                                          \
	"rt { #address-cells = <2>; #size-cells = <2>; cpus = <" cpus ">; exitless;\n"  \
	"entry = <0x0 0x40080000>; console; " extra "\n"                                \
	"memory@40000000 { reg = <0x0 0x40000000 0x0 0x01000000>; };\n"                   \
	"image@0 { load = <0x0 0x40080000>; data = /incbin/(\"hello.bin\"); };\n"        \
	"device@9010000 { label = \"rtc\"; reg = <0x0 0x09010000 0x0 0x1000>; "          \
	"interrupts = <34>; }; };\n"

static void exitless_rules(void)
{
	CHECK(run_vms(EXITLESS_VM("3", "")) == 0);
	CHECK(sc.vms[0].exitless);
	CHECK(run_vms(EXITLESS_VM("1 2", "")) == ERR_INVAL);
	CHECK(strstr(cerr.msg, "exitless: one vCPU only") != NULL);
	CHECK(run_vms(EXITLESS_VM("0", "")) == ERR_INVAL);
	CHECK(strstr(cerr.msg, "exitless: not on pCPU 0") != NULL);
	CHECK(run_vms(EXITLESS_VM("2", "debug;")) == ERR_INVAL);
	CHECK(strstr(cerr.msg, "exitless: no debug") != NULL);
}

int main(void)
{
	write_images();
	RUN(valid_isolation);
	RUN(valid_full);
	RUN(valid_guest_dt_inputs);
	RUN(parse_guest_dt_inputs);
	RUN(guest_dt_edges);
	RUN(invalid_configs);
	RUN(pci_needs_a_host_bridge);
	RUN(pci_line_shared_in_one_vm);
	RUN(duplicate_vm_name);
	RUN(name_rule_in_memory);
	RUN(struct_level_errors);
	RUN(range_edges);
	RUN(device_edges);
	RUN(owned_spis);
	RUN(watchdog_rules);
	RUN(failover_groups);
	RUN(failover_pci);
	RUN(error_codes);
	RUN(console_intid_beyond_vgic);
	RUN(ipa_space);
	RUN(pcpu_limit);
	RUN(ram_total);
	RUN(parse_limits);
	RUN(parse_types);
	RUN(parse_kinds);
	RUN(parse_root_and_vms);
	RUN(dynamic_memory_anywhere);
	RUN(scenario_blob_corruption);
	RUN(system_map_symbols);
	RUN(exitless_rules);
	free(blob_keep);
	HARNESS_END("test_config");
}
