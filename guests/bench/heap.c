/*
 * A small first-fit heap over a static arena: address-ordered free list,
 * blocks split on allocation and coalesced with both neighbours on free.
 * Sizes are rounded up to 16 bytes; every block has a 16-byte header.
 */
#include "bench.h"

#define HEAP_SIZE (64U * 1024U)
#define HDR 16U

struct blk {
	uint32_t size;		/* whole block, header included */
	uint32_t free;
	struct blk *next;	/* next free block (free blocks only) */
};

static uint8_t arena[HEAP_SIZE] __attribute__((aligned(16)));
static struct blk *free_list;

void heap_init(void)
{
	free_list = (struct blk *)(void *)arena;
	free_list->size = HEAP_SIZE;
	free_list->free = 1;
	free_list->next = 0;
}

void *heap_alloc(uint32_t size)
{
	uint32_t need = ((size + 15U) & ~15U) + HDR;
	struct blk **link = &free_list;

	for (struct blk *b = free_list; b; link = &b->next, b = b->next) {
		if (b->size < need)
			continue;
		if (b->size - need >= HDR + 16U) {
			struct blk *rest = (struct blk *)(void *)((uint8_t *)b + need);

			rest->size = b->size - need;
			rest->free = 1;
			rest->next = b->next;
			b->size = need;
			*link = rest;
		} else {
			*link = b->next;
		}
		b->free = 0;
		b->next = 0;
		return (uint8_t *)b + HDR;
	}
	return 0;
}

void heap_free(void *p)
{
	struct blk *b, *prev = 0, *next;

	if (!p)
		return;
	b = (struct blk *)(void *)((uint8_t *)p - HDR);
	b->free = 1;
	next = free_list;
	while (next && next < b) {
		prev = next;
		next = next->next;
	}
	b->next = next;
	if (next && (uint8_t *)b + b->size == (uint8_t *)next) {
		b->size += next->size;
		b->next = next->next;
	}
	if (prev) {
		prev->next = b;
		if ((uint8_t *)prev + prev->size == (uint8_t *)b) {
			prev->size += b->size;
			prev->next = b->next;
		}
	} else {
		free_list = b;
	}
}
