/*
 * Guest DTB generator. The VM comes from a scenario compiled with dtc and run
 * through config_parse()/config_check(), so the test covers the whole path
 * scenario -> struct cfg_vm -> guest DTB. The DTB is read back with fdt.c
 * and every node/property is checked; dtc must decompile it without a warning.
 */
#include <config.h>
#include <fdt.h>
#include <guest_dt.h>
#include <lib.h>

#include "dt_helpers.h"
#include "harness.h"

#define KERNEL_SIZE 100
#define INITRD_SIZE 200
#define INITRD_IPA 0x100001000ULL
#define GUARD 64
#define GUARD_BYTE 0x5a

static struct scenario sc;
static struct cfg_error cerr;
static void *scenario_blob;
static unsigned char area[GUARD + CFG_GUEST_DT_MAX + GUARD];
static unsigned char *const dtb = area + GUARD;
static struct fdt f;

static const struct guest_dt_platform QEMU_VIRT = {
	.gicd_base = 0x08000000, .gicr_base = 0x080a0000,
	.uart_base = 0x09000000, .uart_intid = 33,
	.timer_intids = { 29, 30, 27, 26 },
	.maint_intid = 25,
	.cntfrq = 0,
};

/* 2 vCPUs, console, bootargs, kernel + initrd (above 4 GiB), a PL031 and an undescribed device. */
static const char SCENARIO[] =
	"/dts-v1/;\n/ {\ncompatible = \"rtvisor,scenario-v1\";\n#address-cells = <2>;\n"
	"#size-cells = <2>;\nvms {\nlinux {\n#address-cells = <2>;\n#size-cells = <2>;\n"
	"cpus = <1 0>;\nentry = <0x0 0x40200000>;\ndtb = <0x0 0x48000000>;\nconsole;\n"
	"bootargs = \"console=ttyAMA0 earlycon root=/dev/vda\";\n"
	"memory@40000000 { reg = <0x0 0x40000000 0x0 0x10000000>; };\n"
	"memory@100000000 { reg = <0x1 0x0 0x0 0x200000>; };\n"
	"image@0 { label = \"kernel\"; load = <0x0 0x40200000>; data = /incbin/(\"gdt-k.bin\"); };\n"
	"image@1 { label = \"initrd\"; load = <0x1 0x1000>; data = /incbin/(\"gdt-i.bin\"); };\n"
	"device@9010000 { label = \"rtc\"; compatible = \"arm,pl031\", \"arm,primecell\";\n"
	"  reg = <0x0 0x09010000 0x0 0x1000>; interrupts = <34>; };\n"
	"device@a000000 { reg = <0x0 0x0a000000 0x0 0x4000>; interrupts = <48 49>; };\n"
	"virtio@a100000 { label = \"hvc\"; type = \"console\"; reg = <0x0 0x0a100000 0x0 0x1000>;\n"
	"  interrupts = <50>; };\n"
	"};\n};\n};\n";

static void write_image(const char *name, int size)
{
	char path[256];
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), DT_IMG_DIR "/%s", name);
	fp = fopen(path, "wb");
	for (i = 0; fp && i < size; i++)
		fputc(i & 0xff, fp);
	if (fp)
		fclose(fp);
}

/* Two VMs sharing two regions: "ring" (rt's doorbell given, linux's allocated) and
 * "log" (read-only for linux, both doorbells allocated; linux has a device on INTID 287). */
static const char SCENARIO_SHM[] =
	"/dts-v1/;\n/ {\ncompatible = \"rtvisor,scenario-v1\";\n#address-cells = <2>;\n"
	"#size-cells = <2>;\nvms {\n"
	"linux {\n#address-cells = <2>;\n#size-cells = <2>;\ncpus = <0>;\n"
	"entry = <0x0 0x40200000>;\ndtb = <0x0 0x48000000>;\n"
	"memory@40000000 { reg = <0x0 0x40000000 0x0 0x10000000>; };\n"
	"device@a000000 { reg = <0x0 0x0a000000 0x0 0x4000>; interrupts = <287>; };\n};\n"
	"rt {\n#address-cells = <2>;\n#size-cells = <2>;\ncpus = <1>;\n"
	"entry = <0x0 0x40200000>;\n"
	"memory@40000000 { reg = <0x0 0x40000000 0x0 0x1000000>; };\n};\n};\n"
	"shmem {\n"
	"ring { size = <0x0 0x10000>; phys = <0x0 0x70000000>;\n"
	"  rt { ipa = <0x0 0x50000000>; doorbell = <100>; };\n"
	"  linux { ipa = <0x0 0x60000000>; }; };\n"
	"log { size = <0x0 0x2000>;\n"
	"  linux { ipa = <0x0 0x60100000>; read-only; };\n"
	"  rt { ipa = <0x0 0x50100000>; }; };\n"
	"};\n};\n";

static const struct cfg_vm *load_src(const char *src)
{
	size_t len = 0;

	free(scenario_blob);
	scenario_blob = dt_compile_string(src, DT_IMG_DIR, &len);
	CHECK(scenario_blob != NULL);
	if (!scenario_blob)
		return NULL;
	CHECK_EQ(config_parse(scenario_blob, len, &sc, &cerr), 0);
	CHECK_EQ(config_check(&sc, &DT_QEMU_LIMITS, &cerr), 0);
	if (cerr.msg[0])
		printf("  scenario: %s\n", cerr.msg);
	return &sc.vms[0];
}

static const struct cfg_vm *load_vm(void)
{
	return load_src(SCENARIO);
}

static int build(const struct cfg_vm *vm, const struct guest_dt_platform *p, size_t size)
{
	int r;

	memset(area, GUARD_BYTE, sizeof(area));
	r = guest_dt_build(vm, p, dtb, size);
	if (r == 0)
		CHECK_EQ(fdt_open(&f, dtb, size), 0);
	return r;
}

static int guards_intact(size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(area); i++)
		if ((i < GUARD || i >= GUARD + size) && area[i] != GUARD_BYTE)
			return 0;
	return 1;
}

/* ---- property helpers ---- */

static int node(const char *path)
{
	int n = fdt_path(&f, path);

	if (n < 0)
		printf("  no node %s\n", path);
	return n;
}

static u32 prop_u32(const char *path, const char *name)
{
	int len = 0;
	const u8 *p = fdt_prop(&f, node(path), name, &len);

	if (!p || len != 4) {
		printf("  %s:%s is not one cell\n", path, name);
		return 0xdeadbeef;
	}
	return fdt_be32(p);
}

/* Property equals the given bytes exactly (strings: include every NUL). */
static int prop_is(const char *path, const char *name, const void *want, int wlen)
{
	int len = 0;
	const void *p = fdt_prop(&f, node(path), name, &len);

	return p && len == wlen && memcmp(p, want, (size_t)wlen) == 0;
}

#define PROP_STR(path, name, lit) prop_is(path, name, lit, (int)sizeof(lit))

static int prop_cells_are(const char *path, const char *name, const u32 *cells, int n)
{
	int len = 0, i;
	const u8 *p = fdt_prop(&f, node(path), name, &len);

	if (!p || len != n * 4)
		return 0;
	for (i = 0; i < n; i++)
		if (fdt_be32(p + i * 4) != cells[i]) {
			printf("  %s:%s[%d] = 0x%x, want 0x%x\n", path, name, i,
			       fdt_be32(p + i * 4), cells[i]);
			return 0;
		}
	return 1;
}

static int child_count(int parent)
{
	int n = 0, c;

	for (c = fdt_first_child(&f, parent); c >= 0; c = fdt_next_sibling(&f, c))
		n++;
	return n;
}

/* ---- the full VM ---- */

TEST(root_and_cpus)
{
	const struct cfg_vm *vm = load_vm();
	int cpus, c, i = 0;

	CHECK(vm && build(vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	CHECK(guards_intact(CFG_GUEST_DT_MAX));
	CHECK(fdt_blob_size(dtb) < 4096);
	CHECK_EQ(prop_u32("/", "#address-cells"), 2);
	CHECK_EQ(prop_u32("/", "#size-cells"), 2);
	CHECK(PROP_STR("/", "compatible", "linux,dummy-virt"));
	CHECK(PROP_STR("/", "model", "rtvisor,vm"));
	CHECK_EQ(prop_u32("/", "interrupt-parent"), prop_u32("/intc@8000000", "phandle"));
	/* chosen aliases cpus psci 2*memory intc timer apb-pclk pl011 rtc virtio_mmio */
	CHECK_EQ(child_count(fdt_root(&f)), 12);
	cpus = node("/cpus");
	CHECK_EQ(prop_u32("/cpus", "#address-cells"), 1);
	CHECK_EQ(prop_u32("/cpus", "#size-cells"), 0);
	CHECK_EQ(child_count(cpus), 2);
	for (c = fdt_first_child(&f, cpus); c >= 0; c = fdt_next_sibling(&f, c), i++) {
		char path[32];

		snprintf(path, sizeof(path), "/cpus/cpu@%d", i);
		CHECK_EQ(c, node(path));
		CHECK_EQ(prop_u32(path, "reg"), i); /* virtual MPIDR Aff0 */
		CHECK(PROP_STR(path, "device_type", "cpu"));
		CHECK(PROP_STR(path, "compatible", "arm,armv8"));
		CHECK(PROP_STR(path, "enable-method", "psci"));
	}
	CHECK(PROP_STR("/psci", "compatible", "arm,psci-1.0\0arm,psci-0.2"));
	CHECK(PROP_STR("/psci", "method", "hvc"));
}

TEST(memory_nodes)
{
	const struct cfg_vm *vm = load_vm();
	u64 a = 0, s = 0;
	int m;

	CHECK(vm && build(vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	m = node("/memory@40000000");
	CHECK(PROP_STR("/memory@40000000", "device_type", "memory"));
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), m, 0, &a, &s), 0);
	CHECK_EQ(a, 0x40000000);
	CHECK_EQ(s, 0x10000000);
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), m, 1, &a, &s), ERR_NOENT);
	m = node("/memory@100000000");
	CHECK(PROP_STR("/memory@100000000", "device_type", "memory"));
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), m, 0, &a, &s), 0);
	CHECK_EQ(a, 0x100000000ULL);
	CHECK_EQ(s, 0x200000);
}

TEST(gic_timer_clock)
{
	static const u32 gic_irq[] = { 1, 9, 4 };
	static const u32 timer_irqs[] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 };
	const struct cfg_vm *vm = load_vm();
	const char *gic = "/intc@8000000";
	int g;
	u64 a = 0, s = 0;

	CHECK(vm && build(vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	g = node(gic);
	CHECK(PROP_STR(gic, "compatible", "arm,gic-v3"));
	CHECK_EQ(prop_u32(gic, "#interrupt-cells"), 3);
	CHECK_EQ(prop_u32(gic, "#address-cells"), 0);
	CHECK(prop_is(gic, "interrupt-controller", "", 0));
	CHECK_EQ(prop_u32(gic, "#redistributor-regions"), 1);
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), g, 0, &a, &s), 0);
	CHECK_EQ(a, 0x08000000);
	CHECK_EQ(s, 0x10000);
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), g, 1, &a, &s), 0);
	CHECK_EQ(a, 0x080a0000);
	CHECK_EQ(s, 2 * 0x20000); /* one frame pair per vCPU */
	CHECK(prop_cells_are(gic, "interrupts", gic_irq, 3));
	CHECK_EQ(prop_u32(gic, "phandle"), 1);
	CHECK(PROP_STR("/timer", "compatible", "arm,armv8-timer"));
	CHECK(prop_cells_are("/timer", "interrupts", timer_irqs, 12));
	CHECK(prop_is("/timer", "always-on", "", 0));
	CHECK(!fdt_has_prop(&f, node("/timer"), "clock-frequency"));
	CHECK(PROP_STR("/apb-pclk", "compatible", "fixed-clock"));
	CHECK_EQ(prop_u32("/apb-pclk", "#clock-cells"), 0);
	CHECK_EQ(prop_u32("/apb-pclk", "clock-frequency"), 24000000);
	CHECK(PROP_STR("/apb-pclk", "clock-output-names", "clk24mhz"));
	CHECK_EQ(prop_u32("/apb-pclk", "phandle"), 2);
}

TEST(console_and_chosen)
{
	static const u32 uart_irq[] = { 0, 1, 4 };
	static const u32 clocks[] = { 2, 2 };
	const struct cfg_vm *vm = load_vm();
	const char *uart = "/pl011@9000000";
	int len = 0;
	const u8 *p;
	u64 a = 0, s = 0;

	CHECK(vm && build(vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	CHECK(PROP_STR(uart, "compatible", "arm,pl011\0arm,primecell"));
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), node(uart), 0, &a, &s), 0);
	CHECK_EQ(a, 0x09000000);
	CHECK_EQ(s, 0x1000);
	CHECK(prop_cells_are(uart, "interrupts", uart_irq, 3));
	CHECK(prop_cells_are(uart, "clocks", clocks, 2));
	CHECK(PROP_STR(uart, "clock-names", "uartclk\0apb_pclk"));
	CHECK(PROP_STR("/aliases", "serial0", "/pl011@9000000"));
	CHECK(PROP_STR("/chosen", "stdout-path", "/pl011@9000000"));
	CHECK(PROP_STR("/chosen", "bootargs", "console=ttyAMA0 earlycon root=/dev/vda"));
	p = fdt_prop(&f, node("/chosen"), "linux,initrd-start", &len);
	CHECK(p && len == 8 && fdt_be64(p) == INITRD_IPA);
	CHECK_EQ(vm->images[vm->initrd_image].load_ipa, INITRD_IPA);
	p = fdt_prop(&f, node("/chosen"), "linux,initrd-end", &len);
	CHECK(p && len == 8 && fdt_be64(p) == INITRD_IPA + INITRD_SIZE);
}

TEST(passthrough_devices)
{
	static const u32 irq[] = { 0, 2, 4 };
	const struct cfg_vm *vm = load_vm();
	const char *rtc = "/rtc@9010000";
	int c;
	u64 a = 0, s = 0;

	CHECK(vm && build(vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	CHECK(PROP_STR(rtc, "compatible", "arm,pl031\0arm,primecell"));
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), node(rtc), 0, &a, &s), 0);
	CHECK_EQ(a, 0x09010000);
	CHECK_EQ(s, 0x1000);
	CHECK(prop_cells_are(rtc, "interrupts", irq, 3));
	CHECK_EQ(prop_u32(rtc, "interrupt-parent"), 1);
	CHECK_EQ(prop_u32(rtc, "clocks"), 2);
	CHECK(PROP_STR(rtc, "clock-names", "apb_pclk"));
	/* device@a000000 has no compatible: mapped, but not in the guest DT */
	for (c = fdt_first_child(&f, fdt_root(&f)); c >= 0; c = fdt_next_sibling(&f, c))
		CHECK(strstr(fdt_name(&f, c), "a000000") == NULL);
}

/* virtio@ -> virtio_mmio@<base>: the Linux virtio/mmio binding. */
TEST(virtio_mmio_nodes)
{
	static const u32 irq[] = { 0, 18, 4 };
	const struct cfg_vm *vm = load_vm();
	const char *v = "/virtio_mmio@a100000";
	int len = -1;
	u64 a = 0, s = 0;

	CHECK(vm && build(vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	CHECK(PROP_STR(v, "compatible", "virtio,mmio"));
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), node(v), 0, &a, &s), 0);
	CHECK_EQ(a, 0x0a100000);
	CHECK_EQ(s, 0x1000);
	CHECK(prop_cells_are(v, "interrupts", irq, 3));
	CHECK_EQ(prop_u32(v, "interrupt-parent"), 1);
	CHECK(fdt_prop(&f, node(v), "dma-coherent", &len) != NULL);
	CHECK_EQ(len, 0);
}

/* A VM owning 00:02.0 (I/O BAR, INTA -> 37) and 01:00.0 (a 64-bit BAR, INTB -> 38). */
TEST(pci_host_bridge)
{
	static const struct guest_dt_pci pci = {
		.ecam_base = 0x4010000000ULL, .bus_start = 0, .bus_end = 1, .nr_ranges = 2,
		.ranges = { { GUEST_DT_PCI_MEM64, true, 0x8000000000ULL, 0x8000000000ULL, 0x4000 },
			    { GUEST_DT_PCI_IO, false, 0, 0x3eff0000, 0x2000 } },
		.nr_irqs = 2, .irqs = { { 0x10, 1, 37 }, { 0x100, 2, 38 } },
	};
	static const u32 ranges[] = { 0x43000000, 0x80, 0, 0x80, 0, 0, 0x4000,
				      0x01000000, 0, 0, 0, 0x3eff0000, 0, 0x2000 };
	static const u32 imap[] = { 0x1000, 0, 0, 1, 1, 0, 5, 4, 0x10000, 0, 0, 2, 1, 0, 6, 4 };
	static const u32 mask[] = { 0xffff00, 0, 0, 7 };
	static const u32 buses[] = { 0, 1 };
	struct guest_dt_platform p = QEMU_VIRT;
	const struct cfg_vm *vm = load_vm();
	const char *br = "/pcie@4010000000";
	u64 a = 0, sz = 0;

	p.pci = &pci;
	CHECK(vm && build(vm, &p, CFG_GUEST_DT_MAX) == 0);
	CHECK(PROP_STR(br, "compatible", "pci-host-ecam-generic"));
	CHECK(PROP_STR(br, "device_type", "pci"));
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), node(br), 0, &a, &sz), 0);
	CHECK_EQ(a, 0x4010000000ULL);
	CHECK_EQ(sz, 0x200000);                     /* two buses of ECAM */
	CHECK(prop_cells_are(br, "bus-range", buses, 2));
	CHECK(prop_cells_are(br, "ranges", ranges, 14));
	CHECK(prop_cells_are(br, "interrupt-map-mask", mask, 4));
	CHECK(prop_cells_are(br, "interrupt-map", imap, 16));
	CHECK_EQ(prop_u32("/chosen", "linux,pci-probe-only"), 1);
	CHECK_EQ(build(vm, &QEMU_VIRT, CFG_GUEST_DT_MAX), 0);   /* no PCI: no node, no flag */
	CHECK(fdt_path(&f, br) < 0);
	CHECK(!fdt_has_prop(&f, fdt_path(&f, "/chosen"), "linux,pci-probe-only"));
}

/* Not a primecell: no clocks; several interrupts; odd label characters. */
TEST(device_variants)
{
	static const u32 irqs[] = { 0, 16, 4, 0, 17, 4 };
	struct cfg_vm vm = *load_vm();
	static const char compat[] = "vendor,dev\0generic";

	vm.devs[1].compatible = compat;
	vm.devs[1].compatible_len = sizeof(compat);
	rtv_strlcpy(vm.devs[1].name, "my dev!", CFG_NAME_LEN);
	CHECK(build(&vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	CHECK(PROP_STR("/my-dev-@a000000", "compatible", "vendor,dev\0generic"));
	CHECK(prop_cells_are("/my-dev-@a000000", "interrupts", irqs, 6));
	CHECK(!fdt_has_prop(&f, node("/my-dev-@a000000"), "clocks"));
	CHECK(!fdt_has_prop(&f, node("/my-dev-@a000000"), "clock-names"));
	rtv_strlcpy(vm.devs[1].name, "device@a000000", CFG_NAME_LEN);
	vm.devs[1].nr_irqs = 0;
	CHECK(build(&vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	CHECK(!fdt_has_prop(&f, node("/device@a000000"), "interrupts"));
	CHECK(!fdt_has_prop(&f, node("/device@a000000"), "interrupt-parent"));
}

/* GICR size and CPU nodes follow the vCPU count; no console means no UART anywhere. */
TEST(scaling_and_no_console)
{
	struct cfg_vm vm = *load_vm();
	int g;
	u64 a = 0, s = 0;
	u32 n;

	for (n = 1; n <= CFG_MAX_VCPUS; n++) {
		vm.nr_vcpus = n;
		vm.console = n != 1;
		CHECK(build(&vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
		CHECK_EQ(child_count(node("/cpus")), n);
		g = node("/intc@8000000");
		CHECK_EQ(fdt_reg(&f, fdt_root(&f), g, 1, &a, &s), 0);
		CHECK_EQ(s, 0x20000ULL * n);
	}
	vm.nr_vcpus = 1;
	vm.console = false;
	vm.bootargs = NULL;
	vm.initrd_image = -1;
	CHECK(build(&vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	CHECK(fdt_path(&f, "/pl011@9000000") < 0);
	CHECK(fdt_path(&f, "/aliases") < 0);
	CHECK_EQ(fdt_prop_count(&f, node("/chosen")), 0);
}

TEST(timer_frequency)
{
	struct guest_dt_platform p = QEMU_VIRT;

	p.cntfrq = 62500000;
	CHECK(build(load_vm(), &p, CFG_GUEST_DT_MAX) == 0);
	CHECK_EQ(prop_u32("/timer", "clock-frequency"), 62500000);
}

/* `scmi`: the firmware node Linux's arm,scmi-smc driver reads, its shmem, the OPP table
 * and in each CPU its SCMI clock; without the platform's operating points it is refused. */
TEST(scmi_cpu_clocks)
{
	static const u32 khz[] = { 600000, 2000000 };
	struct guest_dt_platform p = QEMU_VIRT;
	struct cfg_vm vm = *load_vm();
	const u32 clk1[2] = { 3, 1 }, shm[4] = { 0, 0x090c0000, 0, 0x1000 };
	u64 hz = 0;
	int len = 0;
	const u8 *v;

	vm.scmi = true;
	CHECK_EQ(build(&vm, &p, CFG_GUEST_DT_MAX), ERR_INVAL);
	p.opp_khz = khz;
	p.nr_opps = 2;
	p.opp_latency_ns = 50000;
	p.scmi_smc_id = 0x86000010;
	CHECK_EQ(build(&vm, &p, CFG_GUEST_DT_MAX), 0);
	CHECK(PROP_STR("/firmware/scmi", "compatible", "arm,scmi-smc"));
	CHECK_EQ(prop_u32("/firmware/scmi", "arm,smc-id"), 0x86000010);
	CHECK_EQ(prop_u32("/firmware/scmi", "shmem"), prop_u32("/scmi-shmem@90c0000", "phandle"));
	CHECK_EQ(prop_u32("/firmware/scmi/protocol@14", "reg"), 0x14);
	CHECK_EQ(prop_u32("/firmware/scmi/protocol@14", "#clock-cells"), 1);
	CHECK(PROP_STR("/scmi-shmem@90c0000", "compatible", "arm,scmi-shmem"));
	CHECK(prop_cells_are("/scmi-shmem@90c0000", "reg", shm, 4));
	CHECK(prop_cells_are("/cpus/cpu@1", "clocks", clk1, 2));
	CHECK_EQ(prop_u32("/cpus/cpu@0", "operating-points-v2"), prop_u32("/opp-table", "phandle"));
	CHECK(PROP_STR("/opp-table", "compatible", "operating-points-v2"));
	CHECK_EQ(child_count(node("/opp-table")), 2);
	v = fdt_prop(&f, node("/opp-table/opp-2000000000"), "opp-hz", &len);
	if (v && len == 8)
		hz = (u64)fdt_be32(v) << 32 | fdt_be32(v + 4);
	CHECK_EQ(hz, 2000000000ULL);
	CHECK_EQ(prop_u32("/opp-table/opp-600000000", "clock-latency-ns"), 50000);
	vm.scmi = false;
	CHECK_EQ(build(&vm, &p, CFG_GUEST_DT_MAX), 0);
	CHECK(fdt_path(&f, "/firmware") < 0 && fdt_path(&f, "/opp-table") < 0);
}

/* `watchdog-irq`: the arm,sbsa-gwdt binding Linux's sbsa_gwdt reads: control frame
 * first, then refresh frame, WS0 as its one SPI; none without the property; a
 * non-SPI interrupt is refused. */
TEST(sbsa_watchdog)
{
	static const u32 irq[] = { 0, 28, 4 };
	static const u32 reg[] = { 0, 0x090e0000, 0, 0x1000, 0, 0x090f0000, 0, 0x1000 };
	struct cfg_vm vm = *load_vm();
	const char *w = "/watchdog@90e0000";

	CHECK_EQ(build(&vm, &QEMU_VIRT, CFG_GUEST_DT_MAX), 0);
	CHECK(fdt_path(&f, w) < 0);
	vm.has_wdog = true;
	vm.wdog_irq = 60;
	CHECK_EQ(build(&vm, &QEMU_VIRT, CFG_GUEST_DT_MAX), 0);
	CHECK(PROP_STR(w, "compatible", "arm,sbsa-gwdt"));
	CHECK(prop_cells_are(w, "reg", reg, 8));
	CHECK(prop_cells_are(w, "interrupts", irq, 3));
	CHECK_EQ(prop_u32(w, "interrupt-parent"), 1);
	vm.wdog_irq = 27;
	CHECK_EQ(build(&vm, &QEMU_VIRT, CFG_GUEST_DT_MAX), ERR_INVAL);
}

/* Every size below the DTB's is refused without a write outside the buffer. */
TEST(buffer_too_small)
{
	const struct cfg_vm *vm = load_vm();
	size_t total, size;

	CHECK(vm && build(vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	total = fdt_blob_size(dtb);
	for (size = 0; size < total; size++) {
		CHECK_EQ(build(vm, &QEMU_VIRT, size), ERR_FULL);
		if (!guards_intact(size)) {
			printf("  size %zu: write outside the buffer\n", size);
			CHECK(0);
			break;
		}
	}
	CHECK_EQ(build(vm, &QEMU_VIRT, total), 0);
	CHECK(guards_intact(total));
}

TEST(invalid_input)
{
	struct cfg_vm vm = *load_vm();
	struct guest_dt_platform p = QEMU_VIRT;

	CHECK_EQ(guest_dt_build(NULL, &p, dtb, CFG_GUEST_DT_MAX), ERR_INVAL);
	CHECK_EQ(guest_dt_build(&vm, NULL, dtb, CFG_GUEST_DT_MAX), ERR_INVAL);
	CHECK_EQ(guest_dt_build(&vm, &p, NULL, CFG_GUEST_DT_MAX), ERR_INVAL);
	p.timer_intids[2] = 32; /* not a PPI */
	CHECK_EQ(guest_dt_build(&vm, &p, dtb, CFG_GUEST_DT_MAX), ERR_INVAL);
	p = QEMU_VIRT;
	p.maint_intid = 15;
	CHECK_EQ(guest_dt_build(&vm, &p, dtb, CFG_GUEST_DT_MAX), ERR_INVAL);
	p = QEMU_VIRT;
	p.uart_intid = 31;
	CHECK_EQ(guest_dt_build(&vm, &p, dtb, CFG_GUEST_DT_MAX), ERR_INVAL);
	vm.console = false; /* the UART INTID does not matter then */
	CHECK_EQ(guest_dt_build(&vm, &p, dtb, CFG_GUEST_DT_MAX), 0);
	vm = sc.vms[0];
	vm.devs[0].irqs[0] = 1020;
	CHECK_EQ(guest_dt_build(&vm, &QEMU_VIRT, dtb, CFG_GUEST_DT_MAX), ERR_INVAL);
	vm = sc.vms[0];
	vm.nr_vcpus = 0;
	CHECK_EQ(guest_dt_build(&vm, &QEMU_VIRT, dtb, CFG_GUEST_DT_MAX), ERR_INVAL);
	vm = sc.vms[0];
	vm.initrd_image = 2;
	CHECK_EQ(guest_dt_build(&vm, &QEMU_VIRT, dtb, CFG_GUEST_DT_MAX), ERR_INVAL);
	vm = sc.vms[0];
	vm.devs[0].compatible_len = 3; /* "arm" without its NUL */
	CHECK_EQ(guest_dt_build(&vm, &QEMU_VIRT, dtb, CFG_GUEST_DT_MAX), ERR_INVAL);
}

/* The largest VM config_check() accepts fits in CFG_GUEST_DT_MAX with room to spare. */
TEST(worst_case_fits)
{
	static char bootargs[CFG_BOOTARGS_MAX + 1];
	static char compat[CFG_COMPAT_MAX];
	struct cfg_vm vm;
	u32 i, k;

	memset(&vm, 0, sizeof(vm));
	memset(bootargs, 'b', CFG_BOOTARGS_MAX);
	memset(compat, 'c', sizeof(compat) - 1);
	compat[sizeof(compat) - 1] = '\0';
	vm.nr_vcpus = CFG_MAX_VCPUS;
	vm.nr_mem = CFG_MAX_MEM;
	for (i = 0; i < CFG_MAX_MEM; i++) {
		vm.mem[i].ipa = 0xffff00000000ULL + i * 0x100000000ULL;
		vm.mem[i].size = 0x100000000ULL;
	}
	vm.nr_images = 1;
	vm.images[0].size = 0x1000;
	vm.initrd_image = 0;
	vm.bootargs = bootargs;
	vm.console = true;
	vm.nr_devs = CFG_MAX_DEVS;
	for (i = 0; i < CFG_MAX_DEVS; i++) {
		struct cfg_dev *d = &vm.devs[i];

		memset(d->name, 'n', CFG_NAME_LEN - 1);
		d->base = 0xfff000000000ULL + i * 0x1000000ULL;
		d->size = 0x1000000;
		d->compatible = compat;
		d->compatible_len = sizeof(compat);
		d->nr_irqs = CFG_MAX_IRQS;
		for (k = 0; k < CFG_MAX_IRQS; k++)
			d->irqs[k] = 1019 - i * CFG_MAX_IRQS - k;
	}
	vm.nr_virtio = CFG_MAX_VIRTIO;
	for (i = 0; i < CFG_MAX_VIRTIO; i++) {
		vm.virtio[i].base = 0xffe000000000ULL + i * 0x1000ULL;
		vm.virtio[i].size = CFG_VIRTIO_PAGE;
		vm.virtio[i].irq = 32 + i;
	}
	CHECK_EQ(build(&vm, &QEMU_VIRT, CFG_GUEST_DT_MAX), 0);
	CHECK(fdt_blob_size(dtb) < CFG_GUEST_DT_MAX / 4);
}


/* The parser's view of /shmem for each VM: ids, peers, access, doorbells given or
 * allocated from the top of the vGIC's SPIs down, skipping the VM's own interrupts. */
TEST(shmem_views)
{
	const struct cfg_vm *l = load_src(SCENARIO_SHM), *rt = &sc.vms[1];

	CHECK(l != NULL);
	CHECK_EQ(sc.nr_shm, 2);
	CHECK_EQ(l->nr_shm, 2);
	CHECK_EQ(rt->nr_shm, 2);
	CHECK(strcmp(l->shm[0].name, "ring") == 0);
	CHECK_EQ(l->shm[0].region, 0);
	CHECK_EQ(l->shm[0].ipa, 0x60000000ULL);
	CHECK_EQ(l->shm[0].phys, 0x70000000ULL);
	CHECK(l->shm[0].has_phys && !l->shm[0].read_only);
	CHECK_EQ(l->shm[0].doorbell, 286); /* 287 is its device's */
	CHECK_EQ(l->shm[0].nr_peers, 1);
	CHECK_EQ(l->shm[0].peer_vm[0], 1);
	CHECK(strcmp(l->shm[0].peer_name[0], "rt") == 0);
	CHECK_EQ(rt->shm[0].doorbell, 100);
	CHECK_EQ(rt->shm[0].peer_vm[0], 0);
	CHECK(strcmp(l->shm[1].name, "log") == 0);
	CHECK_EQ(l->shm[1].region, 1);
	CHECK(l->shm[1].read_only && !rt->shm[1].read_only && !l->shm[1].has_phys);
	CHECK_EQ(l->shm[1].size, 0x2000ULL);
	CHECK_EQ(l->shm[1].doorbell, 285);
	CHECK_EQ(rt->shm[1].doorbell, 287); /* rt has no device on 287 */
}

/* A shmem node per mapped region, with what a guest driver needs to find and ring it. */
TEST(shmem_nodes)
{
	static const u32 irq[] = { 0, 286 - 32, 1 }, peers[] = { 1 };
	const struct cfg_vm *l = load_src(SCENARIO_SHM);
	struct guest_dt_platform p = QEMU_VIRT;
	static char msgs[4096];
	u64 a = 0, s = 0;

	p.vm_id = 0;
	CHECK(l && build(l, &p, CFG_GUEST_DT_MAX) == 0);
	CHECK(PROP_STR("/shmem@60000000", "compatible", "rtvisor,shmem-v1"));
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), node("/shmem@60000000"), 0, &a, &s), 0);
	CHECK_EQ(a, 0x60000000ULL);
	CHECK_EQ(s, 0x10000ULL);
	CHECK(prop_cells_are("/shmem@60000000", "interrupts", irq, 3));
	CHECK_EQ(prop_u32("/shmem@60000000", "interrupt-parent"), 1);
	CHECK(PROP_STR("/shmem@60000000", "rtvisor,name", "ring"));
	CHECK_EQ(prop_u32("/shmem@60000000", "rtvisor,id"), 0);
	CHECK_EQ(prop_u32("/shmem@60000000", "rtvisor,self"), 0);
	CHECK(prop_cells_are("/shmem@60000000", "rtvisor,peers", peers, 1));
	CHECK(PROP_STR("/shmem@60000000", "rtvisor,peer-names", "rt"));
	CHECK(!fdt_has_prop(&f, node("/shmem@60000000"), "read-only"));
	CHECK(fdt_has_prop(&f, node("/shmem@60100000"), "read-only"));
	CHECK(PROP_STR("/shmem@60100000", "rtvisor,name", "log"));
	CHECK_EQ(prop_u32("/shmem@60100000", "rtvisor,id"), 1);
	CHECK_EQ(dt_run_dtc(dtb, fdt_blob_size(dtb), "-O dts -o /dev/null", msgs, sizeof(msgs)), 0);
	CHECK_EQ(msgs[0], 0);
}

TEST(dtc_accepts)
{
	static char msgs[4096];
	const struct cfg_vm *vm = load_vm();

	CHECK(vm && build(vm, &QEMU_VIRT, CFG_GUEST_DT_MAX) == 0);
	CHECK_EQ(dt_run_dtc(dtb, fdt_blob_size(dtb), "-O dts -o /dev/null", msgs, sizeof(msgs)), 0);
	if (msgs[0])
		printf("  dtc said:\n%s", msgs);
	CHECK_EQ(msgs[0], 0); /* not even a warning */
}

int main(void)
{
	dt_mkdirs();
	write_image("gdt-k.bin", KERNEL_SIZE);
	write_image("gdt-i.bin", INITRD_SIZE);
	RUN(root_and_cpus);
	RUN(memory_nodes);
	RUN(gic_timer_clock);
	RUN(console_and_chosen);
	RUN(passthrough_devices);
	RUN(virtio_mmio_nodes);
	RUN(device_variants);
	RUN(pci_host_bridge);
	RUN(scaling_and_no_console);
	RUN(timer_frequency);
	RUN(buffer_too_small);
	RUN(scmi_cpu_clocks);
	RUN(sbsa_watchdog);
	RUN(invalid_input);
	RUN(worst_case_fits);
	RUN(shmem_views);
	RUN(shmem_nodes);
	RUN(dtc_accepts);
	free(scenario_blob);
	HARNESS_END("test_guest_dt");
}
