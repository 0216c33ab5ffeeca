/*
 * Minimal host unit-test harness. Each tests/unit/test_<x>.c defines
 * test functions with TEST(name) and lists them in main() via RUN(name).
 * The binary prints "test_<x>: N passed, M failed" and exits non-zero on failure.
 */
#ifndef RTV_HARNESS_H
#define RTV_HARNESS_H

#include <stdio.h>
#include <string.h>

static int h_passed, h_failed, h_cur_failed;

#define TEST(name) static void name(void)
#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			printf("  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			h_cur_failed = 1;                                        \
		}                                                                \
	} while (0)
#define CHECK_EQ(a, b)                                                                   \
	do {                                                                             \
		unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
		if (_a != _b) {                                                          \
			printf("  FAIL %s:%d: %s == %s (0x%llx != 0x%llx)\n", __FILE__,  \
			       __LINE__, #a, #b, _a, _b);                                \
			h_cur_failed = 1;                                                \
		}                                                                        \
	} while (0)
#define CHECK_STR_CONTAINS(hay, needle)                                                  \
	do {                                                                             \
		if (!strstr((hay), (needle))) {                                          \
			printf("  FAIL %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, \
			       __LINE__, (hay), (needle));                               \
			h_cur_failed = 1;                                                \
		}                                                                        \
	} while (0)
#define RUN(name)                                       \
	do {                                            \
		h_cur_failed = 0;                       \
		name();                                 \
		if (h_cur_failed) {                     \
			h_failed++;                     \
			printf("FAILED %s\n", #name);   \
		} else {                                \
			h_passed++;                     \
		}                                       \
	} while (0)
#define HARNESS_END(suite)                                                      \
	do {                                                                    \
		printf("%s: %d passed, %d failed\n", suite, h_passed, h_failed); \
		return h_failed ? 1 : 0;                                        \
	} while (0)

#endif
