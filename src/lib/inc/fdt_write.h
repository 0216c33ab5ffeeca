/*
 * Small flattened-devicetree writer: builds a DTB (version 17, last compatible
 * 16) directly in a caller-provided buffer, without dynamic memory.
 *
 * Layout while writing: header + empty reservation map at the start, the
 * structure block growing up after them, property names (deduplicated)
 * growing down from the end of the buffer. fdtw_finish() moves the strings
 * block right after the structure block and writes the header.
 *
 * Every call is bounds-checked against the buffer: nothing is ever written
 * outside [buf, buf + size). Errors are sticky: after the first one every
 * further call (and fdtw_finish) returns it, so a caller may chain calls and
 * test only the result of fdtw_finish(). Errors (err.h): ERR_FULL, the buffer
 * is too small; ERR_BUSY, a call out of order (unbalanced nodes, a property
 * after a child); ERR_INVAL, a NULL or invalid argument.
 */
#ifndef RTV_FDT_WRITE_H
#define RTV_FDT_WRITE_H

#include <err.h>
#include <types.h>

struct fdt_writer {
	u8 *buf;
	u32 size;        /* usable bytes of buf */
	u32 off;         /* end of the structure block written so far (from buf) */
	u32 str_len;     /* bytes of strings at the end of buf */
	u32 depth;       /* open nodes */
	bool root_done;  /* the root node was opened (and maybe closed) */
	bool had_child;  /* the current node has a child: no more properties */
	bool finished;
	int err;         /* first error, sticky */
};

/* Start a DTB in buf. 0 or a negative ERR_*. */
int fdtw_init(struct fdt_writer *w, void *buf, size_t size);

/* The first node is the root; give it the name "". */
int fdtw_begin_node(struct fdt_writer *w, const char *name);
int fdtw_end_node(struct fdt_writer *w);

/* Raw property (data may be NULL if len is 0). Properties precede child nodes. */
int fdtw_prop(struct fdt_writer *w, const char *name, const void *data, u32 len);
int fdtw_prop_empty(struct fdt_writer *w, const char *name);
int fdtw_prop_u32(struct fdt_writer *w, const char *name, u32 v);
int fdtw_prop_u64(struct fdt_writer *w, const char *name, u64 v); /* two cells, high first */
int fdtw_prop_cells(struct fdt_writer *w, const char *name, const u32 *cells, u32 n);
int fdtw_prop_string(struct fdt_writer *w, const char *name, const char *s);
int fdtw_prop_stringlist(struct fdt_writer *w, const char *name, const char *const *strs,
			 u32 n);

/* Close the blob: all nodes must be closed. Total size of the DTB, or a negative ERR_*. */
int fdtw_finish(struct fdt_writer *w);

#endif
