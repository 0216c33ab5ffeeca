# Real-time benchmark suite: the bench guest natively and under rtvisor, under
# QEMU -icount shift=0,sleep=off (exact, repeatable numbers). docs/benchmarks.md.
#
#   make bench                     full run; prints the tables and writes
#                                  bench/results/<YYYY-MM-DD>.{md,json,png}
#   make bench BENCH_ARGS=--quick  tiny N: checks the plumbing, not the numbers
#   make bench-repeat              measures twice, fails unless the numbers are identical
#
# bench/run.py builds the guests and the bench scenarios itself (make scenario).

BENCH_ARGS ?=

.PHONY: bench bench-repeat
bench: deps
	$(PYTHON) bench/run.py $(BENCH_ARGS)

bench-repeat: deps
	$(PYTHON) bench/run.py --repeat $(BENCH_ARGS)
