# Host unit tests: every tests/unit/<area>/test_<x>.c is one binary (the areas mirror
# src/: lib, config, core, arch/arm64...). Its sibling
# test_<x>.deps lists (one per line) the repository source files it links with.
# Sources are compiled for the host with -DRTV_HOST and the sanitizers on.

UNIT_DIR := build/unit
UNIT_SRCS := $(sort $(shell find tests/unit -name 'test_*.c'))
UNIT_BINS := $(patsubst tests/unit/%.c,$(UNIT_DIR)/%,$(UNIT_SRCS))
HOSTCC ?= cc
# Every header a test can include (src/ include paths and tests/unit): editing any of
# them, arch headers included, rebuilds the tests.
UNIT_HDRS := $(SRC_HDRS) $(wildcard tests/unit/*.h guests/lib/include/guest/shm_ring.h)
UNIT_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -DRTV_HOST -g -O1 -pthread -Wall -Wextra -Werror -Wshadow \
	-Wno-unused-function -fsanitize=address,undefined -fno-sanitize-recover=all \
	$(SRC_INC) -Itests/unit -Iguests/lib/include

unit_deps = $(shell cat tests/unit/$(1).deps 2>/dev/null)

.SECONDEXPANSION:
$(UNIT_DIR)/%: tests/unit/%.c $$(call unit_deps,%) $(UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< $(call unit_deps,$*)

.PHONY: unit
unit: $(UNIT_BINS)
	@pass=0; fail=0; rc=0; \
	for t in $(UNIT_BINS); do \
		out=$$($$t) || rc=1; echo "$$out" | grep -v ' passed, ' ; \
		line=$$(echo "$$out" | grep ' passed, ' | tail -1); echo "$$line"; \
		p=$$(echo "$$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed/\1/p'); \
		f=$$(echo "$$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed/\2/p'); \
		[ -n "$$p" ] || { echo "$$t: no result line"; rc=1; p=0; f=1; }; \
		pass=$$((pass+p)); fail=$$((fail+f)); \
	done; \
	echo "unit: $$pass passed, $$fail failed"; exit $$rc
