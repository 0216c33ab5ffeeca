/*
 * Helpers shared by the devicetree unit tests: read a file, compile devicetree
 * source with dtc at test run time (dtc is a build dependency), deterministic
 * pseudo-random numbers. Tests run from the repository root (make unit).
 */
#ifndef RTV_DT_HELPERS_H
#define RTV_DT_HELPERS_H

#include <plat_freq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <config.h>

#define DT_TMP_DIR "build/unit/tmp"
#define DT_IMG_DIR "build/unit/img"
/* dtc checks that do not apply to scenario sources (same list as tools/tools.mk). */
#define DT_DTC_FLAGS                                                                \
	"-q -I dts -O dtb -W no-unit_address_vs_reg -W no-phys_property "          \
	"-W no-interrupts_property -W no-avoid_unnecessary_addr_size"

/* Whole file into a malloc'd buffer (caller frees); NULL on error. */
static void *dt_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(fp);
	return buf;
}

static void dt_mkdirs(void)
{
	mkdir("build", 0755);
	mkdir("build/unit", 0755);
	mkdir(DT_TMP_DIR, 0755);
	mkdir(DT_IMG_DIR, 0755);
}

/* Compile a .dts file with dtc (-i incdir if given) into a malloc'd blob. */
static void *dt_compile_file(const char *dts, const char *incdir, size_t *len)
{
	char out[256], cmd[1024];
	void *blob;

	dt_mkdirs();
	snprintf(out, sizeof(out), DT_TMP_DIR "/out-%d.dtb", (int)getpid());
	snprintf(cmd, sizeof(cmd), "dtc " DT_DTC_FLAGS " %s%s -o %s %s 2>/dev/null",
		 incdir ? "-i " : "", incdir ? incdir : "", out, dts);
	if (system(cmd) != 0)
		return NULL;
	blob = dt_read_file(out, len);
	remove(out);
	return blob;
}

/* Compile devicetree source text. */
static void *dt_compile_string(const char *src, const char *incdir, size_t *len)
{
	char path[256];
	FILE *fp;
	void *blob;

	dt_mkdirs();
	snprintf(path, sizeof(path), DT_TMP_DIR "/src-%d.dts", (int)getpid());
	fp = fopen(path, "w");
	if (!fp)
		return NULL;
	fputs(src, fp);
	fclose(fp);
	blob = dt_compile_file(path, incdir, len);
	remove(path);
	return blob;
}

/* Deterministic xorshift PRNG (fixed seeds keep failures reproducible). */
/*
 * Run "dtc -I dtb <args> <blob file>" on blob; return dtc's exit status (0: it
 * accepted the blob). Its stdout+stderr go to out (NUL-terminated) if out is not NULL.
 */
static int dt_run_dtc(const void *blob, size_t len, const char *args, char *out, size_t outlen)
{
	char path[256], cmd[600], sink[256];
	FILE *fp;
	size_t n;
	int rc;

	dt_mkdirs();
	snprintf(path, sizeof(path), DT_TMP_DIR "/run-%d.dtb", (int)getpid());
	fp = fopen(path, "wb");
	if (!fp)
		return -1;
	fwrite(blob, 1, len, fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb %s %s 2>&1", args, path);
	fp = popen(cmd, "r");
	if (!fp)
		return -1;
	if (out) {
		n = fread(out, 1, outlen - 1, fp);
		out[n] = '\0';
	}
	while (fread(sink, 1, sizeof(sink), fp) > 0)
		;
	rc = pclose(fp);
	remove(path);
	return rc;
}

/* QEMU virt's PCIe host bridge (pci_host_qemu_virt), set before main() runs. */
static struct pci_host dt_qemu_pci;

__attribute__((constructor)) static void dt_qemu_pci_init(void)
{
	pci_host_qemu_virt(&dt_qemu_pci);
}

/* The limits rtvisor-check assumes for QEMU virt (docs/config.md). */
static const u32 DT_QEMU_OPP_KHZ[] = { PLAT_OPP_LIST(PLAT_OPP_KHZ) };

static const struct cfg_limits DT_QEMU_LIMITS = {
	.pci = &dt_qemu_pci,
	.opp_khz = DT_QEMU_OPP_KHZ, .nr_opps = PLAT_NR_OPPS,
	.ram_base = 0x40000000, .ram_size = 0x80000000,
	.hv_base = 0x40000000, .hv_size = 0x04000000,
	.nr_pcpus = 4,
	.uart_base = 0x09000000, .uart_size = 0x1000, .uart_intid = 33,
	.gic_base = 0x08000000, .gic_size = 0x01000000,
};

static unsigned long long dt_rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned dt_rand(void)
{
	unsigned long long x = dt_rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	dt_rng_state = x;
	return (unsigned)(x >> 32);
}

#endif
