/*
 * Platform discovery: the committed QEMU virt DTBs (GICv3 -smp 4 -m 2G,
 * GICv3 -smp 2 -m 1G, GICv2 which must be refused) and synthetic trees
 * compiled with dtc from the template below, one piece changed per test.
 */
#include <fdt.h>
#include <platform_info.h>

#include "dt_helpers.h"
#include "harness.h"

static int discover_file(const char *path, struct platform_info *pi, char *err, size_t errlen)
{
	size_t len = 0;
	void *blob = dt_read_file(path, &len);
	int r;

	CHECK(blob != NULL);
	if (!blob)
		return -100;
	r = platform_discover(blob, len, pi, err, errlen);
	free(blob);
	return r;
}

/* ---- synthetic platform (not QEMU's layout, to catch hard-coded values) ---- */

#define P_HEAD "/dts-v1/;\n/ {\n#address-cells = <2>;\n#size-cells = <2>;\n"
#define P_MEM "memory@80000000 { device_type = \"memory\"; reg = <0 0x80000000 0 0x10000000>; };\n"
#define P_CPUS                                                      \
	"cpus { #address-cells = <2>; #size-cells = <0>;\n"         \
	"  cpu-map { cluster0 { core0 { }; }; };\n"                 \
	"  cpu@0 { device_type = \"cpu\"; reg = <0 0>; };\n"        \
	"  cpu@100 { device_type = \"cpu\"; reg = <0 0x100>; };\n"  \
	"  cpu@100000000 { device_type = \"cpu\"; reg = <1 0>; };\n" \
	"};\n"
#define P_GIC                                                                         \
	"intc@2f000000 { compatible = \"arm,gic-v3\"; #interrupt-cells = <3>;\n"      \
	"  interrupt-controller; reg = <0 0x2f000000 0 0x10000>, <0 0x2f100000 0 0x200000>;\n" \
	"  interrupts = <1 9 4>; };\n"
#define P_UARTS                                                                          \
	"serial@1c090000 { compatible = \"arm,pl011\", \"arm,primecell\";\n"             \
	"  reg = <0 0x1c090000 0 0x1000>; interrupts = <0 5 4>; };\n"                    \
	"serial@1c0a0000 { compatible = \"arm,pl011\"; reg = <0 0x1c0a0000 0 0x1000>;\n" \
	"  interrupts = <0 6 4>; };\n"
#define P_ALIASES "aliases { serial1 = \"/serial@1c0a0000\"; };\n"
#define P_CHOSEN "chosen { stdout-path = \"serial1:115200n8\"; };\n"
#define P_PSCI "psci { compatible = \"arm,psci-1.0\"; method = \"hvc\"; };\n"
#define P_TIMER                                                              \
	"timer { compatible = \"arm,armv8-timer\";\n"                        \
	"  interrupts = <1 13 8>, <1 12 8>, <1 11 8>, <1 4 8>; };\n"
#define P_TAIL "};\n"

struct parts {
	const char *mem, *cpus, *gic, *uarts, *aliases, *chosen, *psci, *timer;
};

static const struct parts P_DEFAULT = { P_MEM, P_CPUS, P_GIC, P_UARTS,
					P_ALIASES, P_CHOSEN, P_PSCI, P_TIMER };

static int discover_parts(const struct parts *p, struct platform_info *pi, char *err, size_t n)
{
	char src[8192];
	size_t len = 0;
	void *blob;
	int r;

	snprintf(src, sizeof(src), "%s%s%s%s%s%s%s%s%s%s", P_HEAD, p->mem, p->cpus, p->gic,
		 p->uarts, p->aliases, p->chosen, p->psci, p->timer, P_TAIL);
	blob = dt_compile_string(src, NULL, &len);
	CHECK(blob != NULL);
	if (!blob)
		return -100;
	r = platform_discover(blob, len, pi, err, n);
	free(blob);
	return r;
}

TEST(qemu_virt_gicv3_smp4)
{
	struct platform_info pi;
	char err[128];
	u32 i;

	CHECK_EQ(discover_file("tests/unit/data/qemu-virt-gicv3.dtb", &pi, err, sizeof(err)), 0);
	CHECK_EQ(pi.ram_base, 0x40000000);
	CHECK_EQ(pi.ram_size, 0x80000000);
	CHECK_EQ(pi.nr_cpus, 4);
	for (i = 0; i < 4; i++)
		CHECK_EQ(pi.cpu_mpidr[i], i);
	CHECK_EQ(pi.gicd_base, 0x08000000);
	CHECK_EQ(pi.gicd_size, 0x10000);
	CHECK_EQ(pi.gicr_base, 0x080a0000);
	CHECK_EQ(pi.gicr_size, 0xf60000);
	CHECK_EQ(pi.uart_base, 0x09000000);
	CHECK_EQ(pi.uart_size, 0x1000);
	CHECK_EQ(pi.uart_intid, 33);
	CHECK_EQ(pi.psci, PSCI_CONDUIT_SMC);
	CHECK_EQ(pi.timer_intid_phys, 30);
	CHECK_EQ(pi.timer_intid_virt, 27);
	CHECK_EQ(pi.timer_intid_hyp, 26);
	CHECK_EQ(pi.gic_maint_intid, 25);
	CHECK_EQ(err[0], 0);
}

/* The PCIe host of QEMU 7.2 virt (highmem ECAM) and its INTx routing:
 * INTID = 35 + (slot + pin - 1) mod 4, slots equal mod 4 share a line. */
TEST(qemu_virt_pcie_host)
{
	struct platform_info pi;
	const struct pci_host *h = &pi.pci;
	char err[128];

	CHECK_EQ(discover_file("tests/unit/data/qemu-virt-gicv3.dtb", &pi, err, sizeof(err)), 0);
	CHECK(h->present);
	CHECK_EQ(h->ecam_base, 0x4010000000ULL);
	CHECK_EQ(h->ecam_size, 0x10000000);
	CHECK_EQ(h->bus_start, 0);
	CHECK_EQ(h->bus_end, 255);
	CHECK_EQ(h->io.cpu, 0x3eff0000);
	CHECK_EQ(h->io.pci, 0);
	CHECK_EQ(h->io.size, 0x10000);
	CHECK_EQ(h->mem32.cpu, 0x10000000);
	CHECK_EQ(h->mem32.pci, 0x10000000);
	CHECK_EQ(h->mem32.size, 0x2eff0000);
	CHECK_EQ(h->mem64.cpu, 0x8000000000ULL);
	CHECK_EQ(h->mem64.size, 0x8000000000ULL);
	CHECK_EQ(h->nr_intmap, 16);
	CHECK_EQ(h->mask_hi, 0x1800);
	CHECK_EQ(h->mask_pin, 7);
	for (u32 slot = 0; slot < 32; slot++)
		for (u32 pin = 1; pin <= 4; pin++)
			CHECK_EQ(pci_host_intid(h, slot, pin), 35 + (slot + pin - 1) % 4);
	CHECK_EQ(pci_host_intid(h, 1, 0), 0); /* no pin: no line */
}

TEST(pci_swizzle_rotates_by_device)
{
	CHECK_EQ(pci_swizzle(1, 0), 1);
	CHECK_EQ(pci_swizzle(1, 1), 2);
	CHECK_EQ(pci_swizzle(4, 1), 1);
	CHECK_EQ(pci_swizzle(2, 7), 1);
	CHECK_EQ(pci_swizzle(3, 31), 2);
}

TEST(no_pcie_host_is_fine)
{
	struct platform_info pi;
	char err[128];

	CHECK_EQ(discover_parts(&P_DEFAULT, &pi, err, sizeof(err)), 0);
	CHECK(!pi.pci.present);
}

TEST(qemu_virt_gicv3_smp2)
{
	struct platform_info pi;
	char err[128];

	CHECK_EQ(discover_file("tests/unit/data/qemu-virt-gicv3-smp2.dtb", &pi, err, sizeof(err)), 0);
	CHECK_EQ(pi.ram_base, 0x40000000);
	CHECK_EQ(pi.ram_size, 0x40000000);
	CHECK_EQ(pi.nr_cpus, 2);
	CHECK_EQ(pi.cpu_mpidr[1], 1);
	CHECK_EQ(pi.gicd_base, 0x08000000);
	CHECK_EQ(pi.uart_intid, 33);
}

TEST(qemu_virt_gicv2_refused)
{
	struct platform_info pi;
	char err[128];

	CHECK(discover_file("tests/unit/data/qemu-virt-gicv2.dtb", &pi, err, sizeof(err)) < 0);
	CHECK_STR_CONTAINS(err, "no GICv3");
}

TEST(synthetic_full)
{
	struct platform_info pi;
	char err[128];

	CHECK_EQ(discover_parts(&P_DEFAULT, &pi, err, sizeof(err)), 0);
	CHECK_EQ(pi.ram_base, 0x80000000);
	CHECK_EQ(pi.ram_size, 0x10000000);
	CHECK_EQ(pi.nr_cpus, 3); /* cpu-map is not a cpu */
	CHECK_EQ(pi.cpu_mpidr[0], 0);
	CHECK_EQ(pi.cpu_mpidr[1], 0x100);
	CHECK_EQ(pi.cpu_mpidr[2], 0x100000000ULL); /* #address-cells = 2 */
	CHECK_EQ(pi.gicd_base, 0x2f000000);
	CHECK_EQ(pi.gicr_base, 0x2f100000);
	CHECK_EQ(pi.gicr_size, 0x200000);
	CHECK_EQ(pi.gic_maint_intid, 25);
	CHECK_EQ(pi.uart_base, 0x1c0a0000); /* stdout-path alias with options */
	CHECK_EQ(pi.uart_intid, 38);
	CHECK_EQ(pi.psci, PSCI_CONDUIT_HVC);
	CHECK_EQ(pi.timer_intid_phys, 28);
	CHECK_EQ(pi.timer_intid_virt, 27);
	CHECK_EQ(pi.timer_intid_hyp, 20);
}

TEST(stdout_path_variants)
{
	struct platform_info pi;
	char err[128];
	struct parts p = P_DEFAULT;

	p.chosen = "chosen { stdout-path = \"/serial@1c0a0000\"; };\n";
	CHECK_EQ(discover_parts(&p, &pi, err, sizeof(err)), 0);
	CHECK_EQ(pi.uart_base, 0x1c0a0000);
	p.chosen = "chosen { stdout-path = \"/psci\"; };\n"; /* not a pl011: first pl011 */
	CHECK_EQ(discover_parts(&p, &pi, err, sizeof(err)), 0);
	CHECK_EQ(pi.uart_base, 0x1c090000);
	CHECK_EQ(pi.uart_intid, 37);
	p.chosen = "chosen { stdout-path = \"nosuchalias\"; };\n";
	CHECK_EQ(discover_parts(&p, &pi, err, sizeof(err)), 0);
	CHECK_EQ(pi.uart_base, 0x1c090000);
	p.chosen = "";
	CHECK_EQ(discover_parts(&p, &pi, err, sizeof(err)), 0);
	CHECK_EQ(pi.uart_base, 0x1c090000);
}

/* Each missing or broken piece gives an error naming it. */
static void expect_error(struct parts p, const char *want)
{
	struct platform_info pi;
	char err[128];

	CHECK(discover_parts(&p, &pi, err, sizeof(err)) < 0);
	CHECK_STR_CONTAINS(err, want);
}

TEST(missing_pieces)
{
	struct parts p = P_DEFAULT;

	p.mem = "";
	expect_error(p, "no memory node");
	p = P_DEFAULT;
	p.cpus = "";
	expect_error(p, "no /cpus");
	p.cpus = "cpus { #address-cells = <1>; #size-cells = <0>; };\n";
	expect_error(p, "no cpu@N");
	p = P_DEFAULT;
	p.gic = "";
	expect_error(p, "no GICv3");
	p.gic = "intc@2c001000 { compatible = \"arm,cortex-a15-gic\"; reg = <0 0x2c001000 0 0x1000>; };\n";
	expect_error(p, "no GICv3");
	p = P_DEFAULT;
	p.uarts = "";
	p.aliases = "";
	p.chosen = "";
	expect_error(p, "no PL011");
}

TEST(broken_pieces)
{
	struct parts p = P_DEFAULT;

	p.gic = "intc@2f000000 { compatible = \"arm,gic-v3\"; reg = <0 0x2f000000 0 0x10000>;"
		" interrupts = <1 9 4>; };\n";
	expect_error(p, "reg[1]");
	p.gic = "intc@2f000000 { compatible = \"arm,gic-v3\";"
		" reg = <0 0x2f000000 0 0x10000>, <0 0x2f100000 0 0x200000>; };\n";
	expect_error(p, "maintenance interrupt");
	p.gic = "intc@2f000000 { compatible = \"arm,gic-v3\"; #interrupt-cells = <4>;"
		" reg = <0 0x2f000000 0 0x10000>, <0 0x2f100000 0 0x200000>; };\n";
	expect_error(p, "#interrupt-cells");
	p = P_DEFAULT;
	p.psci = "psci { compatible = \"arm,psci-1.0\"; method = \"smcc\"; };\n";
	expect_error(p, "psci: method");
	p = P_DEFAULT;
	p.timer = "timer { compatible = \"arm,armv8-timer\"; interrupts = <1 13 8>, <1 14 8>; };\n";
	expect_error(p, "timer");
	p = P_DEFAULT;
	p.mem = "memory@80000000 { device_type = \"memory\"; reg = <0x80000000 0x10000000>; };\n";
	expect_error(p, "memory node has no usable reg");
	p = P_DEFAULT;
	p.uarts = "serial@1c090000 { compatible = \"arm,pl011\"; reg = <0 0x1c090000 0 0x1000>;"
		  " interrupts = <2 5 4>; };\n";
	p.aliases = "";
	p.chosen = "";
	expect_error(p, "PL011: bad interrupts");
}

TEST(optional_pieces)
{
	struct platform_info pi;
	char err[128];
	struct parts p = P_DEFAULT;

	p.psci = "";
	p.timer = "";
	p.mem = "mem { device_type = \"memory\"; reg = <0 0x80000000 0 0x10000000>; };\n";
	CHECK_EQ(discover_parts(&p, &pi, err, sizeof(err)), 0);
	CHECK_EQ(pi.psci, PSCI_CONDUIT_NONE);
	CHECK_EQ(pi.timer_intid_phys, 30); /* architected defaults */
	CHECK_EQ(pi.timer_intid_virt, 27);
	CHECK_EQ(pi.timer_intid_hyp, 26);
	CHECK_EQ(pi.ram_base, 0x80000000);
}

TEST(many_cpus_capped)
{
	struct platform_info pi;
	char err[128], cpus[2048];
	struct parts p = P_DEFAULT;
	int i, n;

	n = snprintf(cpus, sizeof(cpus), "cpus { #address-cells = <1>; #size-cells = <0>;\n");
	for (i = 0; i < 12; i++)
		n += snprintf(cpus + n, sizeof(cpus) - (size_t)n, "cpu@%d { reg = <%d>; };\n", i, i);
	snprintf(cpus + n, sizeof(cpus) - (size_t)n, "};\n");
	p.cpus = cpus;
	CHECK_EQ(discover_parts(&p, &pi, err, sizeof(err)), 0);
	CHECK_EQ(pi.nr_cpus, PLAT_MAX_CPUS);
	CHECK_EQ(pi.cpu_mpidr[PLAT_MAX_CPUS - 1], PLAT_MAX_CPUS - 1);
}

TEST(bad_blobs)
{
	struct platform_info pi;
	char err[128], tiny[8];
	static unsigned char junk[256];
	size_t len = 0;
	unsigned char *blob = dt_read_file("tests/unit/data/qemu-virt-gicv3.dtb", &len);

	CHECK(platform_discover(junk, sizeof(junk), &pi, err, sizeof(err)) < 0);
	CHECK_STR_CONTAINS(err, "invalid or truncated");
	CHECK_EQ(platform_discover(junk, sizeof(junk), &pi, err, sizeof(err)), ERR_INVAL);
	CHECK(platform_discover(NULL, 0, &pi, err, sizeof(err)) < 0);
	CHECK(blob != NULL);
	if (!blob)
		return;
	CHECK(platform_discover(blob, len - 1, &pi, err, sizeof(err)) < 0);
	CHECK(platform_discover(blob, 64, &pi, tiny, sizeof(tiny)) < 0);
	CHECK_EQ(strlen(tiny), sizeof(tiny) - 1); /* truncated but terminated */
	CHECK(platform_discover(blob, 64, &pi, NULL, 0) < 0);
	CHECK_EQ(platform_discover(blob, len, &pi, NULL, 0), 0);
	free(blob);
}

int main(void)
{
	RUN(qemu_virt_gicv3_smp4);
	RUN(qemu_virt_gicv3_smp2);
	RUN(qemu_virt_pcie_host);
	RUN(pci_swizzle_rotates_by_device);
	RUN(no_pcie_host_is_fine);
	RUN(qemu_virt_gicv2_refused);
	RUN(synthetic_full);
	RUN(stdout_path_variants);
	RUN(missing_pieces);
	RUN(broken_pieces);
	RUN(optional_pieces);
	RUN(many_cpus_capped);
	RUN(bad_blobs);
	HARNESS_END("test_platform_dt");
}
