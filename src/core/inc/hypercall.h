/*
 * HVC/SMC calls from guests (SMC Calling Convention, Arm DEN 0028): PSCI
 * (Arm DEN 0022) and rtvisor's own calls in the vendor-specific hypervisor
 * service range. The ABI is documented in docs/hypercalls.md.
 */
#ifndef RTV_HYPERCALL_H
#define RTV_HYPERCALL_H

#include <psci.h>
#include <trap.h>
#include <types.h>

/* rtvisor calls: SMC64 fast calls, owner 6 (vendor-specific hypervisor service). */
#define RTV_HC_BASE 0xc6000000U
#define RTV_HC_VERSION (RTV_HC_BASE + 0)   /* -> x0 = version (major << 16 | minor) */
#define RTV_HC_VM_INFO (RTV_HC_BASE + 1)   /* -> x0 = 0, x1 = VM id, x2 = vCPU id, x3 = nr vCPUs */
#define RTV_HC_CONSOLE_PUTC (RTV_HC_BASE + 2) /* x1 = byte -> x0 = 0 */
#define RTV_HC_EXIT_COUNT (RTV_HC_BASE + 3)   /* x1 = cause (stats.h order) or ~0 for all -> x0 */
#define RTV_HC_EXIT_ALL 0xffffffffU
/* Management calls: only for VMs marked `privileged;` in the scenario (else -3 DENIED). */
#define RTV_HC_LOAD (RTV_HC_BASE + 4)       /* x1 = pCPU -> x0 = load in permille, -2 if none yet;
                                              x1 = kHz, x2 = governor load, x3 = request kHz,
                                              x4 = model energy (µJ) */
#define RTV_HC_POOL_MOVE (RTV_HC_BASE + 5)  /* x1 = pCPU, x2 = pool index -> 0 or -2 */
#define RTV_HC_VM_WEIGHT (RTV_HC_BASE + 6)  /* x1 = VM index, x2 = weight, x3 = priority -> 0 / -2 */
#define RTV_HC_VCPU_PIN (RTV_HC_BASE + 7)   /* x1 = VM index, x2 = vCPU, x3 = pCPU or -1 -> 0 / -2 */
/* Shared-memory doorbell (src/vdev/shmem.c, docs/shmem.md): x1 = region id, x2 = peer VM
 * id -> 0 rung, -2 INVALID (not a region the caller maps, not a peer of it), -4 PEER_DOWN
 * (the peer maps it but is stopped or resetting: not rung). */
#define RTV_HC_SHM_DOORBELL (RTV_HC_BASE + 8)
#define RTV_HC_PEER_DOWN ((u64)-4)
#define RTV_HC_DENIED ((u64)-3)
#define RTV_HC_INVALID ((u64)-2)

/* Fast SMC32 call in rtvisor's range: the SCMI channel's doorbell (`arm,smc-id`, scmi.c). */
#define RTV_HC_SCMI 0x86000010U

struct vcpu;

enum trap_status hypercall(struct vcpu *v);

/*
 * Services that units add (SCMI, stolen time): a handler owns one function ID, sets the
 * results in x0.. itself and never stops the vCPU. Registered from a unit's init hook, on
 * the boot CPU before the other pCPUs start; read-only afterwards. 0, ERR_EXIST (the ID
 * is taken, also by PSCI or rtvisor's own calls), ERR_FULL (LIM_HC_SERVICES), ERR_INVAL.
 * A registered ID answers SMCCC_ARCH_FEATURES with 0 (DEN 0028 7.3.1).
 */
typedef void hc_handler(struct vcpu *v);
int hypercall_register(u32 fn, hc_handler *fn_handler);

/*
 * Provided by the architecture (arm64: vpsci.c, the guest's PSCI firmware interface):
 */
bool psci_call(struct vcpu *v, u32 fn);  /* true if fn is a PSCI function (handled) */

#endif
