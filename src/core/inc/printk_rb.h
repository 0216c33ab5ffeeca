/*
 * Reading a Linux 6.1 printk ring buffer (kernel/printk/printk_ringbuffer.h) out of a
 * guest's memory, for the shell's `dmesg` (docs/debugging.md). Pure: guest memory is
 * reached only through the caller's read function, so host unit tests feed it
 * synthetic (and corrupted) rings. Nothing read is trusted: every count, index and
 * length is bounded before use; a ring that makes no sense gives an error message.
 *
 * Layout of the Debian arm64 6.1 builds, cloud and rt (checked against their -dbg DWARF):
 *   struct printk_ringbuffer (88 bytes)
 *      0 desc_ring.count_bits (u32)   8 descs   16 infos   24 head_id   32 tail_id
 *     40 last_finalized_id  48 text_data_ring.size_bits (u32)  56 data
 *     64 head_lpos  72 tail_lpos  80 fail
 *   struct prb_desc (24): 0 state_var, 8 text_blk_lpos.begin, 16 text_blk_lpos.next
 *   struct printk_info (88): 0 seq, 8 ts_nsec, 16 text_len (u16), 18 facility,
 *     19 flags:5 level:3, 20 caller_id, 24 dev_info
 *   a data block: the descriptor's id (8 bytes), then the text.
 */
#ifndef RTV_PRINTK_RB_H
#define RTV_PRINTK_RB_H

#include <types.h>

#define PRB_RB_SIZE 88
#define PRB_DESC_SIZE 24
#define PRB_INFO_SIZE 88
#define PRB_MAX_COUNT_BITS 22  /* descriptors: Linux allows LOG_BUF_SHIFT <= 25, 32 bytes each */
#define PRB_MAX_SIZE_BITS 31   /* text bytes: log_buf_len is at most 2 GiB */
#define PRB_TEXT_MAX 1024      /* a record's text (Linux: under 1024 bytes) */

/* Reads len bytes of guest memory at virtual address va: 0, or a negative ERR_*. */
typedef int prb_read_fn(void *ctx, u64 va, void *buf, size_t len);

struct prb_mem {
	prb_read_fn *read;
	void *ctx;
};

struct prb_ring {
	u64 descs, infos, data; /* guest VAs of the three arrays */
	u32 count_bits;         /* 1 << count_bits descriptors (and infos) */
	u32 size_bits;          /* 1 << size_bits bytes of text data */
	u64 head_id, tail_id;   /* newest and oldest descriptor ids */
};

struct prb_record {
	u64 id, seq, ts_nsec;
	u32 text_len;           /* bytes in the text buffer, NUL excluded */
	bool finalized;         /* else committed: the writer may still have appended to it */
};

/*
 * The ring at rb_va, checked: 0, ERR_RANGE (unreadable) or ERR_INVAL (not a ring),
 * with msg saying why.
 */
int prb_open(const struct prb_mem *m, u64 rb_va, struct prb_ring *rb, char *msg, size_t len);

/* Number of descriptor ids from tail to head (1 .. 1 << count_bits after prb_open). */
u64 prb_nr_ids(const struct prb_ring *rb);

/*
 * The record of descriptor id: 0 with r and text (cap bytes, NUL-terminated, control
 * characters but '\n' made '?'); ERR_NOENT: no readable record under that id (being
 * written, or recycled); ERR_INVAL (a corrupted descriptor) or ERR_RANGE (unreadable),
 * with msg saying why.
 */
int prb_record(const struct prb_mem *m, const struct prb_ring *rb, u64 id,
	       struct prb_record *r, char *text, size_t cap, char *msg, size_t len);

/* Called by prb_dump for each record, oldest first; err: a corrupted one (r->id only). */
typedef void prb_emit_fn(void *ctx, const struct prb_record *r, const char *text,
			 const char *err);

/*
 * The last n readable records (fewer if the ring has fewer), oldest first. Returns how
 * many were emitted, or ERR_RANGE (memory unreadable) with msg.
 */
int prb_dump(const struct prb_mem *m, const struct prb_ring *rb, u32 n, prb_emit_fn *emit,
	     void *ctx, char *msg, size_t len);

#endif
