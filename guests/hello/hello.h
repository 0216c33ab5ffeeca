/*
 * hello guest: timer jitter, console commands, PSCI/SMP smoke test.
 * Console line formats: guests/README.md.
 */
#ifndef HELLO_H
#define HELLO_H

#define HELLO_TICK_HZ 1000U
#define HELLO_REPORT_TICKS 1000U

/* Bring cpu1 up, SGI it, wait for it to turn itself off. */
void hello_smp_test(void);

/* UART RX interrupt -> single-byte commands. */
void hello_console_init(void);

/* 1 kHz periodic virtual timer with period statistics. */
void hello_tick_start(void);

/* Print the statistics line if the tick handler published one. */
void hello_tick_report_poll(void);

extern volatile int hello_active_check_req;
void hello_active_check(void);

#endif
