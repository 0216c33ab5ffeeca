/*
 * SCMI messages (Arm DEN 0056, System Control and Management Interface): the BASE and
 * CLOCK protocols rtvisor serves to a VM, as a pure function from one request to its
 * reply (scmi_msg.c, host-tested). The transport - the shared-memory page and the SMC/HVC
 * doorbell - is scmi.c. The request is a copy the caller took out of guest memory once:
 * nothing here reads the guest's page, so the guest cannot change a message while it is
 * checked.
 */
#ifndef RTV_SCMI_MSG_H
#define RTV_SCMI_MSG_H

#include <types.h>

#define SCMI_PAYLOAD_MAX 128   /* bytes after the header (Linux's SMC transport: 128) */

/* Status codes (DEN 0056 4.1.4 "Status codes"). */
#define SCMI_SUCCESS 0
#define SCMI_NOT_SUPPORTED (-1)
#define SCMI_INVALID_PARAMETERS (-2)
#define SCMI_DENIED (-3)
#define SCMI_NOT_FOUND (-4)
#define SCMI_OUT_OF_RANGE (-5)
#define SCMI_PROTOCOL_ERROR (-10)

#define SCMI_PROTO_BASE 0x10
#define SCMI_PROTO_CLOCK 0x14

/* One message: the length is of header and payload (the shared memory's length field). */
struct scmi_msg {
	u32 len;
	u32 header;
	u8 payload[SCMI_PAYLOAD_MAX];
};

/* What the server knows of the calling VM (the agent). */
struct scmi_agent {
	const char *name;      /* the VM's name (BASE_DISCOVER_AGENT) */
	u32 nr_clocks;         /* one clock per vCPU */
	u32 enabled;           /* bit n: clock n enabled (CLOCK_CONFIG_SET) */
	void *ctx;
	u32 (*level_of)(void *ctx, u32 clock);             /* level the clock runs at now */
	void (*request)(void *ctx, u32 clock, u32 level);  /* CLOCK_RATE_SET */
};

/* Build the reply to in (always a complete message: a status at least). */
void scmi_handle(struct scmi_agent *a, const struct scmi_msg *in, struct scmi_msg *out);

#endif
