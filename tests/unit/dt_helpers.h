/*
 * Helpers shared by the devicetree unit tests: read a file, compile devicetree
 * source with dtc at test run time (dtc is a build dependency), deterministic
 * pseudo-random numbers. Tests run from the repository root (make unit).
 */
#ifndef RTV_DT_HELPERS_H
#define RTV_DT_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
