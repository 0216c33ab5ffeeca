/* Emulated PL011 UART, one per VM with a console (ARM DDI 0183 register map). */
#ifndef RTV_VUART_H
#define RTV_VUART_H

#include <arch/spinlock.h>
#include <types.h>

#define VUART_RX_FIFO 1024 /* deeper than a PL011: host input arrives unpaced */

struct vuart {
	spinlock_t lock;
	u32 intid;
	u32 cr, lcr_h, ibrd, fbrd, ifls, imsc, ris, dmacr;
	u8 rx[VUART_RX_FIFO];
	u32 rx_head, rx_count;
};

struct vm;

void vuart_init(struct vm *vm, u64 base, u32 intid);
void vuart_reset(struct vuart *u);
bool vuart_receive(struct vm *vm, u8 c);

#endif
