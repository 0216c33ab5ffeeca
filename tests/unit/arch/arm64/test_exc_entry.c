/* Host tests for exception entry into a guest's EL1: vector offsets, AArch32 detection. */
#include "harness.h"

#include <arch/exc_entry.h>

TEST(vector_offset_by_source_state)
{
	CHECK_EQ(exc_sync_vector_offset(0x3c5), 0x200); /* EL1h, DAIF set */
	CHECK_EQ(exc_sync_vector_offset(0x004), 0x000); /* EL1t */
	CHECK_EQ(exc_sync_vector_offset(0x000), 0x400); /* EL0t, AArch64 */
	CHECK_EQ(exc_sync_vector_offset(0x010), 0x600); /* AArch32 User */
	CHECK_EQ(exc_sync_vector_offset(0x030), 0x600); /* AArch32 User, Thumb */
	CHECK_EQ(exc_sync_vector_offset(0x01f), 0x600); /* AArch32 System (M[3:0] != 0) */
}

TEST(aarch32_is_told_apart)
{
	CHECK(!exc_from_aarch32(0x3c5));
	CHECK(!exc_from_aarch32(0x000));
	CHECK(exc_from_aarch32(0x010));
	CHECK(exc_from_aarch32(0x030));
}

int main(void)
{
	RUN(vector_offset_by_source_state);
	RUN(aarch32_is_told_apart);
	HARNESS_END("test_exc_entry");
}
