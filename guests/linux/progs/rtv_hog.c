/*
 * rtv_hog: a busy loop at SCHED_FIFO priority 99 on each CPU (one process per CPU it
 * may run on, pinned), the "hung primary" of the failover demo (docs/failover.md): with
 * real-time throttling off (/proc/sys/kernel/sched_rt_runtime_us = -1) nothing of normal
 * priority runs again, so busybox's watchdog daemon stops feeding /dev/watchdog0.
 * busybox has no chrt, and the cross toolchain here has no arm64 C library: so this is
 * freestanding, with raw Linux system calls (arm64: number in x8, `svc #0`), built
 * static by scripts/linux-images.sh into the initramfs's /bin.
 */
#define NR_WRITE 64
#define NR_EXIT 93
#define NR_SCHED_SETSCHEDULER 119
#define NR_SCHED_SETAFFINITY 122
#define NR_SCHED_GETAFFINITY 123
#define NR_CLONE 220
#define SCHED_FIFO 1
#define SIGCHLD 17
#define MAX_CPUS 64

static long sys3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory", "cc");
	return x0;
}

static void say(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	(void)sys3(NR_WRITE, 1, (long)s, n);
}

static void hog(int cpu)
{
	unsigned long mask[MAX_CPUS / 64] = { 0 };
	int prio = 99;
	char msg[] = "rtv_hog: cpu ?? spinning at SCHED_FIFO 99\n";

	mask[cpu / 64] = 1UL << (cpu % 64);
	if (sys3(NR_SCHED_SETAFFINITY, 0, sizeof(mask), (long)mask) ||
	    sys3(NR_SCHED_SETSCHEDULER, 0, SCHED_FIFO, (long)&prio)) {
		say("rtv_hog: cannot become SCHED_FIFO 99 on its CPU\n");
		(void)sys3(NR_EXIT, 1, 0, 0);
	}
	msg[13] = (char)('0' + cpu / 10);
	msg[14] = (char)('0' + cpu % 10);
	say(msg);
	for (;;)
		__asm__ volatile("" ::: "memory");
}

void hog_main(void);
void hog_main(void)
{
	unsigned long mask[MAX_CPUS / 64] = { 0 };
	int last = -1;

	if (sys3(NR_SCHED_GETAFFINITY, 0, sizeof(mask), (long)mask) < 0)
		mask[0] = 1;
	for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (!(mask[cpu / 64] & (1UL << (cpu % 64))))
			continue;
		if (last >= 0 && sys3(NR_CLONE, SIGCHLD, 0, 0) == 0)
			hog(last); /* a child per CPU but the last */
		last = cpu;
	}
	hog(last < 0 ? 0 : last);
}

__asm__(".text\n.global _start\n_start:\n\tbl hog_main\n\tb .\n");
