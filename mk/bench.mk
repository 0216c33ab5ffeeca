# Real-time benchmark suite: the bench guest natively and under rtvisor, under
# QEMU -icount shift=0,sleep=off (exact, repeatable numbers). docs/benchmarks.md.
#
#   make bench                     full run; prints the tables and writes
#                                  bench/results/<YYYY-MM-DD>.{md,json,png}
#   make bench BENCH_ARGS=--quick  tiny N: checks the plumbing, not the numbers
#   make bench-repeat              measures twice, fails unless the numbers are identical
#   make bench-io                  only the I/O part (bench/io.py, docs/benchmarks.md "I/O"):
#                                  shared-memory doorbell/channel (icount), console exits,
#                                  virtio-blk, iperf3 virtual network vs passthrough NIC,
#                                  the collector; wall-clock figures, noisy, never pass/fail
#   make bench BENCH_IO=0          the icount comparison alone
#
# bench/run.py builds the guests and the bench scenarios itself (make scenario).

BENCH_ARGS ?=
BENCH_IO ?= 1
BENCH_IO_ARGS ?=

.PHONY: bench bench-repeat bench-io
bench: deps
	$(PYTHON) bench/run.py $(BENCH_ARGS)
ifeq ($(BENCH_IO),1)
	$(PYTHON) bench/io.py $(BENCH_IO_ARGS)
endif

bench-io: deps
	$(PYTHON) bench/io.py $(BENCH_IO_ARGS)

bench-repeat: deps
	$(PYTHON) bench/run.py --repeat $(BENCH_ARGS)
