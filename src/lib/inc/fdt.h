/*
 * Small flattened-devicetree reader (read-only), robust against malformed blobs:
 * every access is bounds-checked against the header's sizes and max_size.
 * Used for the firmware DTB (platform discovery) and for scenario blobs.
 * Errors are err.h codes: ERR_NOENT (no such node or property), ERR_FORMAT
 * (bad magic, version or structure), ERR_TRUNC (the blob ends too early).
 */
#ifndef RTV_FDT_H
#define RTV_FDT_H

#include <err.h>
#include <types.h>

#define FDT_MAGIC 0xd00dfeedU

struct fdt {
	const u8 *blob;
	u32 totalsize;
	u32 off_struct, size_struct;
	u32 off_strings, size_strings;
};

/* Validate the header and the whole structure block once. 0, ERR_FORMAT or ERR_TRUNC. */
int fdt_open(struct fdt *f, const void *blob, size_t max_size);
u32 fdt_blob_size(const void *blob); /* header totalsize, 0 if no magic */

/* Node handles are offsets into the structure block; negative = error/none. */
int fdt_root(const struct fdt *f);
int fdt_first_child(const struct fdt *f, int node);
int fdt_next_sibling(const struct fdt *f, int node);
int fdt_subnode(const struct fdt *f, int parent, const char *name); /* exact name incl. @unit */
int fdt_path(const struct fdt *f, const char *path);           /* "/a/b" */
const char *fdt_name(const struct fdt *f, int node);            /* "memory@40000000" */
const void *fdt_prop(const struct fdt *f, int node, const char *name, int *len);
bool fdt_has_prop(const struct fdt *f, int node, const char *name);
/* Next node in document order (depth first) after 'node' with the compatible string. */
int fdt_find_compatible(const struct fdt *f, int after, const char *compat);
bool fdt_is_compatible(const struct fdt *f, int node, const char *compat);
/* Parent of node (found by a bounded scan from the root); ERR_NOENT for the root. */
int fdt_parent(const struct fdt *f, int node);
/* Number of properties of node, and the name of the idx'th one (NULL if none). */
int fdt_prop_count(const struct fdt *f, int node);
const char *fdt_prop_name_at(const struct fdt *f, int node, int idx);
/* Does a node name ("memory@40000000") have the base name base (the part before '@')? */
bool fdt_node_name_is(const char *name, const char *base);

/*
 * Property values. A string property must end with its NUL; a string list is
 * strings back to back, each with its NUL (devicetree specification 2.2.4).
 */
/* Node's property name as a string (a string list gives its first string), or NULL. */
const char *fdt_prop_string(const struct fdt *f, int node, const char *name);
/* A property value that is exactly one string, with no NUL before its end; else NULL. */
const char *fdt_string(const void *val, int len);
/* Does the string list [list, list + len) contain str? */
bool fdt_stringlist_has(const void *list, int len, const char *str);
/* Non-empty strings of printable characters without spaces, as compatible wants them? */
bool fdt_stringlist_valid(const void *list, int len);
/* The idx'th entry of `cells` cells (1..4) of a property, or NULL if there is none. */
const void *fdt_prop_entry(const struct fdt *f, int node, const char *name, int idx, int cells);

u32 fdt_be32(const void *p);
u64 fdt_be64(const void *p);
/* Read a cells-wide big-endian number (1 or 2 cells). */
u64 fdt_cells(const void *p, int cells);
/* #address-cells / #size-cells of a node (defaults 2 / 1 per the spec). */
int fdt_address_cells(const struct fdt *f, int node);
int fdt_size_cells(const struct fdt *f, int node);
/* The idx'th (addr,size) pair of "reg", using the parent's cell sizes. 0 or error. */
int fdt_reg(const struct fdt *f, int parent, int node, int idx, u64 *addr, u64 *size);

#endif
