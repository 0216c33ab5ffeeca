/*
 * rtvisor-check: validate a compiled scenario blob on the host with the very
 * same config_parse()/config_check() the hypervisor runs at boot.
 *
 *   rtvisor-check [--ram BASE:SIZE] [--hv BASE:SIZE] [--cpus N]
 *                 [--uart BASE:SIZE] [--gic BASE:SIZE] [--platform FW.dtb] scenario.dtb
 *
 * Defaults describe QEMU virt: RAM 0x40000000:0x80000000, hypervisor
 * 0x40000000:0x04000000 (64 MiB), 4 pCPUs, UART 0x09000000:0x1000 (INTID 33),
 * GIC 0x08000000:0x01000000. --platform takes RAM, pCPUs, UART and GIC from a
 * firmware DTB instead (options given after it override it again).
 */
#include <errno.h>
#include <stdlib.h>

#include <config.h>
#include <err.h>
#include <lib.h>
#include <plat_freq.h>
#include <platform_info.h>

/* Three Linux VMs with their own kernel and initramfs (configs/failover.dts) need ~95 MiB. */
#define MAX_BLOB (128UL * 1024 * 1024)

static const char *prog = "rtvisor-check";
static struct pci_host pci_host; /* QEMU virt's, or the --platform DTB's */

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [--ram BASE:SIZE] [--hv BASE:SIZE] [--cpus N] [--uart BASE:SIZE]\n"
		"       [--gic BASE:SIZE] [--platform FIRMWARE.dtb] scenario.dtb\n",
		prog);
	exit(2);
}

static int parse_u64(const char *s, u64 *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return ERR_INVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || s[0] == '-')
		return ERR_INVAL;
	*out = (u64)v;
	return 0;
}

static void parse_range(const char *opt, const char *arg, u64 *base, u64 *size)
{
	char buf[64];
	char *colon;

	if (!arg || strlen(arg) >= sizeof(buf))
		usage();
	rtv_strlcpy(buf, arg, sizeof(buf));
	colon = strchr(buf, ':');
	if (!colon)
		usage();
	*colon = '\0';
	if (parse_u64(buf, base) < 0 || parse_u64(colon + 1, size) < 0) {
		fprintf(stderr, "%s: %s: bad BASE:SIZE '%s'\n", prog, opt, arg);
		exit(2);
	}
}

/* Read a whole file (at most MAX_BLOB bytes) into a malloc'd buffer. */
static void *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	void *buf;

	if (!fp)
		return NULL;
	buf = malloc(MAX_BLOB);
	if (buf)
		*len = fread(buf, 1, MAX_BLOB, fp);
	fclose(fp);
	return buf;
}

static void use_platform(const char *path, struct cfg_limits *l)
{
	struct platform_info pi;
	char err[128];
	size_t len = 0;
	void *blob = read_file(path, &len);

	if (!blob || platform_discover(blob, len, &pi, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, blob ? err : strerror(errno));
		exit(2);
	}
	l->ram_base = pi.ram_base;
	l->ram_size = pi.ram_size;
	l->nr_pcpus = pi.nr_cpus;
	l->uart_base = pi.uart_base;
	l->uart_size = pi.uart_size;
	l->uart_intid = pi.uart_intid;
	l->gic_base = pi.gicd_base < pi.gicr_base ? pi.gicd_base : pi.gicr_base;
	pci_host = pi.pci;
	l->pci = pi.pci.present ? &pci_host : NULL;
	l->gic_size = (pi.gicr_base + pi.gicr_size > pi.gicd_base + pi.gicd_size
			       ? pi.gicr_base + pi.gicr_size
			       : pi.gicd_base + pi.gicd_size) - l->gic_base;
	free(blob);
}

static const char *parse_args(int argc, char **argv, struct cfg_limits *l)
{
	const char *file = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		u64 n;

		if (strcmp(a, "--ram") == 0)
			parse_range(a, v, &l->ram_base, &l->ram_size), i++;
		else if (strcmp(a, "--hv") == 0)
			parse_range(a, v, &l->hv_base, &l->hv_size), i++;
		else if (strcmp(a, "--uart") == 0)
			parse_range(a, v, &l->uart_base, &l->uart_size), i++;
		else if (strcmp(a, "--gic") == 0)
			parse_range(a, v, &l->gic_base, &l->gic_size), i++;
		else if (strcmp(a, "--platform") == 0 && v)
			use_platform(v, l), i++;
		else if (strcmp(a, "--cpus") == 0 && parse_u64(v, &n) == 0 && n <= 0xffffffffU)
			l->nr_pcpus = (u32)n, i++;
		else if (a[0] == '-' || file)
			usage();
		else
			file = a;
	}
	if (!file)
		usage();
	return file;
}

/* The platform's operating points (plat_freq.h): rt-freq-khz must name one. */
static const u32 opp_khz[] = { PLAT_OPP_LIST(PLAT_OPP_KHZ) };

/* The machine rtvisor-check assumes without options: QEMU virt (docs/config.md). */
static void qemu_virt_limits(struct cfg_limits *l)
{
	*l = (struct cfg_limits){
		.opp_khz = opp_khz, .nr_opps = sizeof(opp_khz) / sizeof(opp_khz[0]),
		.ram_base = 0x40000000, .ram_size = 0x80000000,
		.hv_base = 0x40000000, .hv_size = 0x04000000,
		.nr_pcpus = 4,
		.uart_base = 0x09000000, .uart_size = 0x1000, .uart_intid = 33,
		.gic_base = 0x08000000, .gic_size = 0x01000000,
		.pci = &pci_host,
	};
	pci_host_qemu_virt(&pci_host);
}

int main(int argc, char **argv)
{
	static struct scenario s;
	struct cfg_limits lim;
	struct cfg_error err;
	const char *file;
	size_t len = 0;
	void *blob;
	int rc;

	qemu_virt_limits(&lim);
	file = parse_args(argc, argv, &lim);
	blob = read_file(file, &len);

	if (!blob) {
		printf("%s: %s: error: %s\n", prog, file, strerror(errno));
		return 1;
	}
	rc = config_parse(blob, len, &s, &err);
	if (rc == 0)
		rc = config_check(&s, &lim, &err);
	if (rc == 0)
		printf("%s: %s: ok (%u VMs)\n", prog, file, s.nr_vms);
	else
		printf("%s: %s: error: %s\n", prog, file, err.msg);
	free(blob);
	return rc == 0 ? 0 : 1;
}
