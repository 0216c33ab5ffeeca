/*
 * CPU frequency scaling (docs/power.md). rtvisor decides the level of every physical
 * frequency domain from what only it can see: each pCPU's measured load (idle-vCPU
 * accounting, all VMs on it) and the requests of the VMs running there (SCMI CLOCK
 * RATE_SET, scmi.c). A bind pCPU that runs an RT VM is fixed at its pool's RT level.
 * Policies per pool: performance, powersave, ondemand.
 *
 * The pure decision is freq_policy.c (host-tested); freq.c keeps the state, samples on
 * the housekeeping pCPU (never on a bind pCPU) and calls the platform's clock hook.
 */
#ifndef RTV_FREQ_H
#define RTV_FREQ_H

#include <plat_freq.h>
#include <types.h>

#define FREQ_NR_LEVELS PLAT_NR_OPPS
#define FREQ_MAX_LEVEL (FREQ_NR_LEVELS - 1)
#define FREQ_NO_REQUEST 0xffU  /* a vCPU that asked for nothing */

struct freq_opp {
	u32 khz;
	u32 microvolt;
	u32 busy_mw;  /* power of a core busy at this level */
	u32 idle_mw;  /* power of a core waiting in WFI at this level */
};

extern const struct freq_opp freq_opps[FREQ_NR_LEVELS];
extern const u32 freq_khz[FREQ_NR_LEVELS];  /* the same frequencies alone (scenario check, DTB) */

enum freq_gov { FREQ_PERFORMANCE = 0, FREQ_POWERSAVE, FREQ_ONDEMAND };

/* A pool's policy, from the scenario (docs/power.md "Scenario syntax"). */
struct freq_params {
	enum freq_gov gov;
	u32 up_permille;    /* ondemand: load at or above it -> highest level */
	u32 down_permille;  /* ondemand: load below it -> one level down */
	u32 sample_ms;      /* sampling period */
	u32 rt_level;       /* bind pools: the level of a pCPU running an RT VM */
};

/* ---- pure decisions (freq_policy.c) ---- */

/* The governor's own level after a sample with this load (permille). */
u32 freq_gov_next(const struct freq_params *p, u32 cur, u32 load);
/* The pCPU's level: RT fixed; ondemand takes the VMs' highest request as a floor. */
u32 freq_pcpu_level(const struct freq_params *p, u32 gov_level, u32 req, bool rt);
/* Level index of an operating point, or -1 if the table has no such frequency. */
int freq_level_of_khz(u32 khz);
/* Model energy in nJ of `busy_us` busy and `idle_us` idle microseconds at a level. */
u64 freq_energy_nj(u32 level, u64 busy_us, u64 idle_us);

/* ---- run time (freq.c) ---- */

struct cpu;
struct scenario;
struct vcpu;

/* Boot CPU, after the pools exist: every pool's policy; every domain at its first level. */
void freq_init(const struct scenario *s);
/* A vCPU's request (SCMI CLOCK_RATE_SET) for target's clock: level or FREQ_NO_REQUEST.
 * Never waits on a bind pCPU (the housekeeper applies it); elsewhere applied at once. */
void freq_request(const struct vcpu *target, u32 level);
u32 freq_request_of(const struct vcpu *v);    /* FREQ_NO_REQUEST if none */
u32 freq_level(u32 pcpu);                     /* the level pcpu runs at now */
u32 freq_last_load(u32 pcpu);                 /* permille over its last sample, ~0u if none */
/* Housekeeping pCPU, from its run loop: take the samples that are due. */
void freq_poll(void);
/* When c must wake for the next sample (counter), 0 if never (c is not the housekeeper). */
u64 freq_next_due(const struct cpu *c);
const struct freq_params *freq_params_of(u32 pcpu); /* its pool's policy */
void freq_show(void);                         /* shell `freq` (freq_shell.c) */

/* What the shell and the LOAD hypercall show of one pCPU. */
struct freq_view {
	u32 load;                   /* permille of the last sample, ~0u before the first */
	u32 level;                  /* now */
	u32 req;                    /* highest request of its VMs, FREQ_NO_REQUEST if none */
	u64 ms_in[FREQ_NR_LEVELS];  /* time at each level */
	u64 energy_uj;              /* model energy so far */
};
void freq_view(u32 pcpu, struct freq_view *v);

/*
 * Provided by the platform (src/platform/<board>/):
 */
int plat_freq_program(u32 domain, u32 khz);  /* set the domain's clock; 0 or ERR_* */

#endif
