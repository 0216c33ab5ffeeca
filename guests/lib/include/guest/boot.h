/*
 * Guest entry point: start.S calls main() on the boot CPU at EL1 with the
 * stack, bss, TPIDR_EL1 (= 0) and VBAR_EL1 set up; IRQs still masked.
 */
#ifndef GUEST_BOOT_H
#define GUEST_BOOT_H

int main(void);

#endif
