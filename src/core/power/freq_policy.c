/*
 * The governor's decisions, as pure functions of their inputs (freq.h): no state, no
 * clock, so the host tests cover every policy and edge (tests/unit/core/power).
 */
#include <freq.h>

const struct freq_opp freq_opps[FREQ_NR_LEVELS] = { PLAT_OPP_LIST(PLAT_OPP_ROW) };
const u32 freq_khz[FREQ_NR_LEVELS] = { PLAT_OPP_LIST(PLAT_OPP_KHZ) };

/*
 * ondemand: a load at or above the up threshold goes straight to the highest level
 * (a burst must not wait several samples); below the down threshold one level down per
 * sample; in between the level holds, so a steady load does not oscillate.
 */
u32 freq_gov_next(const struct freq_params *p, u32 cur, u32 load)
{
	if (cur > FREQ_MAX_LEVEL)
		cur = FREQ_MAX_LEVEL;
	switch (p->gov) {
	case FREQ_POWERSAVE:
		return 0;
	case FREQ_ONDEMAND:
		if (load >= p->up_permille)
			return FREQ_MAX_LEVEL;
		if (load < p->down_permille)
			return cur ? cur - 1 : 0;
		return cur;
	case FREQ_PERFORMANCE:
	default:
		return FREQ_MAX_LEVEL;
	}
}

/*
 * A VM's request is a hint inside the policy: under ondemand it is a floor (a guest that
 * knows it needs speed gets it; one that asks for less cannot slow a pCPU that another
 * VM keeps busy); performance and powersave are the pool's decision alone.
 */
u32 freq_pcpu_level(const struct freq_params *p, u32 gov_level, u32 req, bool rt)
{
	if (rt)
		return p->rt_level <= FREQ_MAX_LEVEL ? p->rt_level : FREQ_MAX_LEVEL;
	if (gov_level > FREQ_MAX_LEVEL)
		gov_level = FREQ_MAX_LEVEL;
	if (p->gov == FREQ_ONDEMAND && req <= FREQ_MAX_LEVEL && req > gov_level)
		return req;
	return gov_level;
}

int freq_level_of_khz(u32 khz)
{
	for (u32 i = 0; i < FREQ_NR_LEVELS; i++)
		if (freq_opps[i].khz == khz)
			return (int)i;
	return -1;
}

/* mW x us = nJ. */
u64 freq_energy_nj(u32 level, u64 busy_us, u64 idle_us)
{
	const struct freq_opp *o = &freq_opps[level <= FREQ_MAX_LEVEL ? level : FREQ_MAX_LEVEL];

	return busy_us * o->busy_mw + idle_us * o->idle_mw;
}
