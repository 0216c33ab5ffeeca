/*
 * A lock-free multi-producer, single-consumer queue of short records (console
 * output). Producers reserve space with one compare-and-swap on `head`, copy
 * their bytes and publish the record by writing its 8-byte header last
 * (store-release); they never wait for the consumer: when the queue is full the
 * put is refused and the caller drops the record (console.c counts it). The one consumer reads records in
 * reservation order, so the order of the console is the order of the writes.
 * A header carries a tag derived from its position: a slot whose header does
 * not carry the expected tag has not been published yet.
 */
#ifndef RTV_MSGQ_H
#define RTV_MSGQ_H

#include <rtv_limits.h>
#include <types.h>

#define MSGQ_SIZE ((u32)LIM_CONSOLE_QUEUE)           /* bytes; a power of two */
#define MSGQ_PAYLOAD_MAX ((u32)LIM_CONSOLE_RECORD)   /* bytes of one record */

struct msgq {
	u8 buf[MSGQ_SIZE] __attribute__((aligned(8)));
	u64 head;  /* next byte to reserve (producers) */
	u64 tail;  /* next byte to read (consumer) */
};

struct msgq_msg {
	u8 src, kind;
	u16 len;
	char data[MSGQ_PAYLOAD_MAX];
};

/* Queue one record (at most MSGQ_PAYLOAD_MAX bytes of it); -1 if it does not fit now. */
int msgq_put(struct msgq *q, u8 src, u8 kind, const void *data, u32 len);
/* Consumer: take the oldest published record; false if there is none. */
bool msgq_get(struct msgq *q, struct msgq_msg *m);
bool msgq_empty(struct msgq *q);
u32 msgq_record_size(u32 len); /* bytes a record of len payload bytes takes */

#endif
