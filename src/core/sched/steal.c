/*
 * Stolen time: how long a vCPU was ready to run while its pCPU ran someone else
 * (the "stolen time" of Arm DEN 0057A, published to the guest by vdev/pvtime.c).
 * Pure bookkeeping on struct vcpu_sched, host-tested (tests/unit/core/sched/).
 *
 * The scheduler calls steal_update() for every vCPU of a runqueue at each pick, on
 * that runqueue's pCPU under the sched lock. A vCPU woken by another pCPU starts
 * waiting at the next pick of its own pCPU (which the wake-up kicks at once), so the
 * kick's latency is not counted: stolen time is never over-reported.
 */
#include <sched.h>

bool steal_update(struct vcpu_sched *s, bool waiting, u64 now)
{
	u64 since = s->wait_since;

	if (waiting) {
		if (!since)
			s->wait_since = now ? now : 1; /* 0 means "not waiting" */
		return false;
	}
	if (!since)
		return false;
	s->wait_since = 0;
	if (now <= since)
		return false;
	s->steal_ticks += now - since;
	return true;
}
