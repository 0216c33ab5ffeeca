/*
 * Host tests for the governor's decisions (src/core/power/freq_policy.c): the three
 * policies, ondemand's thresholds, a request as a floor, the RT level, the energy model.
 */
#include "harness.h"
#include <freq.h>

static const struct freq_params ondemand = { FREQ_ONDEMAND, 800, 300, 100, FREQ_MAX_LEVEL };
static const struct freq_params perf = { FREQ_PERFORMANCE, 800, 300, 100, 2 };
static const struct freq_params save = { FREQ_POWERSAVE, 800, 300, 100, 2 };

TEST(performance_and_powersave_ignore_load)
{
	CHECK_EQ(freq_gov_next(&perf, 0, 0), FREQ_MAX_LEVEL);
	CHECK_EQ(freq_gov_next(&save, FREQ_MAX_LEVEL, 1000), 0);
}

TEST(ondemand_jumps_up_and_steps_down)
{
	CHECK_EQ(freq_gov_next(&ondemand, 0, 800), FREQ_MAX_LEVEL);  /* at the threshold */
	CHECK_EQ(freq_gov_next(&ondemand, 1, 799), 1);               /* between: holds */
	CHECK_EQ(freq_gov_next(&ondemand, 1, 300), 1);
	CHECK_EQ(freq_gov_next(&ondemand, 3, 299), 2);               /* one step per sample */
	CHECK_EQ(freq_gov_next(&ondemand, 0, 0), 0);
	CHECK_EQ(freq_gov_next(&ondemand, 77, 500), FREQ_MAX_LEVEL); /* a bad level is capped */
}

TEST(request_is_a_floor_under_ondemand_only)
{
	CHECK_EQ(freq_pcpu_level(&ondemand, 0, 3, false), 3);
	CHECK_EQ(freq_pcpu_level(&ondemand, FREQ_MAX_LEVEL, 0, false), FREQ_MAX_LEVEL);
	CHECK_EQ(freq_pcpu_level(&ondemand, 1, FREQ_NO_REQUEST, false), 1);
	CHECK_EQ(freq_pcpu_level(&save, 0, FREQ_MAX_LEVEL, false), 0);
	CHECK_EQ(freq_pcpu_level(&perf, FREQ_MAX_LEVEL, 0, false), FREQ_MAX_LEVEL);
}

TEST(rt_pcpu_is_fixed_whatever_happens)
{
	CHECK_EQ(freq_pcpu_level(&perf, FREQ_MAX_LEVEL, 0, true), 2);
	CHECK_EQ(freq_pcpu_level(&save, 0, FREQ_MAX_LEVEL, true), 2);
	CHECK_EQ(freq_pcpu_level(&ondemand, 0, 0, true), FREQ_MAX_LEVEL);
}

TEST(levels_and_energy)
{
	CHECK_EQ(freq_level_of_khz(freq_opps[2].khz), 2);
	CHECK_EQ(freq_level_of_khz(freq_opps[2].khz + 1), (u64)-1);
	for (u32 i = 1; i < FREQ_NR_LEVELS; i++)
		CHECK(freq_opps[i].khz > freq_opps[i - 1].khz); /* ascending, as DTs and SCMI need */
	CHECK_EQ(freq_energy_nj(0, 1000000, 0), freq_opps[0].busy_mw * 1000000ULL);
	CHECK_EQ(freq_energy_nj(FREQ_MAX_LEVEL, 0, 10), freq_opps[FREQ_MAX_LEVEL].idle_mw * 10ULL);
	CHECK(freq_energy_nj(FREQ_MAX_LEVEL, 500, 500) > freq_energy_nj(0, 500, 500));
}

int main(void)
{
	RUN(performance_and_powersave_ignore_load);
	RUN(ondemand_jumps_up_and_steps_down);
	RUN(request_is_a_floor_under_ondemand_only);
	RUN(rt_pcpu_is_fixed_whatever_happens);
	RUN(levels_and_energy);
	HARNESS_END("test_freq_policy");
}
