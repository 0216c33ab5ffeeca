/*
 * busy: the busy VM of the energy bench (configs/bench-energy.dts, docs/power.md).
 * The hammer guest (stores over 4 MiB under a 20 kHz timer) with a YIELD hint after
 * every 32 bytes stored and no periodic reports; one line at start:
 *
 *   busy: start size=<bytes> tick_hz=<n>
 *
 * YIELD is a hint that changes nothing on a core without hardware threads, and the
 * vCPU stays 100 % busy for rtvisor's load accounting. It is there for QEMU: under
 * -icount all vCPUs run in turn on one host thread, each until the next timer
 * deadline, and YIELD ends the turn. Without it, a busy vCPU that QEMU runs between
 * the RT VM's timer deadline and the RT vCPU's next turn adds up to a whole tick
 * period (50 us) to the RT VM's measured latency; the RT pCPU itself did nothing
 * different (docs/power.md, "Energy (model) of a workload mix").
 */
#define HAMMER_NAME "busy"
#define HAMMER_YIELD 1
#define HAMMER_REPORTS 0
#include "../hammer/main.c"
