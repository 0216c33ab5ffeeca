/*
 * The ID registers start-up code reads to learn what the CPU has (Arm ARM
 * D19.2): printed raw, the test compares them field by field.
 */
#include "guest/console.h"
#include "guest/sysreg.h"
#include "rtprobe.h"

#define ID_PFR1_EL1 S3_0_C0_C1_1
#define ID_AA64MMFR2_EL1 S3_0_C0_C7_2
#define ID_AA64ISAR2_EL1 S3_0_C0_C6_2

static void id_line(const char *name, uint64_t v)
{
	printf("rtprobe: %s 0x%llx\n", name, (unsigned long long)v);
}

void probe_ids(void)
{
	id_line("id_aa64pfr0", sysreg_read(id_aa64pfr0_el1));
	id_line("id_aa64pfr1", sysreg_read(id_aa64pfr1_el1));
	id_line("id_pfr1", sysreg_read(ID_PFR1_EL1));
	id_line("id_aa64dfr0", sysreg_read(id_aa64dfr0_el1));
	id_line("id_aa64mmfr0", sysreg_read(id_aa64mmfr0_el1));
	id_line("id_aa64mmfr1", sysreg_read(id_aa64mmfr1_el1));
	id_line("id_aa64mmfr2", sysreg_read(ID_AA64MMFR2_EL1));
	id_line("id_aa64isar0", sysreg_read(id_aa64isar0_el1));
	id_line("id_aa64isar1", sysreg_read(id_aa64isar1_el1));
	id_line("id_aa64isar2", sysreg_read(ID_AA64ISAR2_EL1));
}
