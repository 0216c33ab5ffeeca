# Host tools (included from the top Makefile).
#
#   make tools          build/tools/rtvisor-check
#   make check-configs  compile every configs/*.dts and check it (must pass), and
#                       every configs/invalid/*.dts (must fail with the message
#                       substring given by its "// expect: ..." first line)
#
# Scenario sources are compiled with $(DTC) $(SCENARIO_DTC_FLAGS) -i $(SCENARIO_IMG_DIR):
# /incbin/("hello.bin") finds the guest images there (they must be built first).
# A VM's `system-map` is then read by scripts/scenario-symbols.sh (same directories).

TOOLS_BUILD := $(or $(BUILD),build)/tools
CONFIGS_BUILD := $(or $(BUILD),build)/configs
HOSTCC ?= cc
DTC ?= dtc
TOOLS_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -DRTV_HOST -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wvla -Wmissing-prototypes -Wstrict-prototypes -Wconversion $(SRC_INC)

# dtc checks that do not fit the scenario format: image@N has no reg, "phys" is
# not the PHY phandle binding, passthrough "interrupts" are plain INTIDs.
SCENARIO_DTC_FLAGS := -I dts -O dtb -W no-unit_address_vs_reg -W no-phys_property \
	-W no-interrupts_property -W no-avoid_unnecessary_addr_size
SCENARIO_IMG_DIR ?= $(or $(BUILD),build)/guests

RTV_CHECK := $(TOOLS_BUILD)/rtvisor-check
RTV_CHECK_SRCS := tools/rtvisor-check.c $(CONFIG_SRCS)

$(RTV_CHECK): $(RTV_CHECK_SRCS) $(SRC_HDRS) | $(TOOLS_BUILD)
	$(HOSTCC) $(TOOLS_CFLAGS) -o $@ $(RTV_CHECK_SRCS)

$(TOOLS_BUILD) $(CONFIGS_BUILD) $(CONFIGS_BUILD)/invalid:
	mkdir -p $@

.PHONY: tools check-configs
tools: $(RTV_CHECK)

# the guest images (/incbin/) come from guests/guests.mk when the top Makefile is used
check-configs: $(RTV_CHECK) $(if $(GUEST_IMAGES),guests) | $(CONFIGS_BUILD)/invalid
	@rc=0; \
	for f in $(wildcard configs/*.dts); do \
		b=$(CONFIGS_BUILD)/$$(basename $$f .dts).dtb; \
		$(DTC) $(SCENARIO_DTC_FLAGS) -i $(SCENARIO_IMG_DIR) -i $(or $(BUILD),build) -o $$b $$f || { rc=1; continue; }; \
		scripts/scenario-symbols.sh $$b $(SCENARIO_IMG_DIR) $(or $(BUILD),build) configs || { rc=1; continue; }; \
		$(RTV_CHECK) $$b || rc=1; \
	done; \
	for f in $(wildcard configs/invalid/*.dts); do \
		b=$(CONFIGS_BUILD)/invalid/$$(basename $$f .dts).dtb; \
		exp=$$(sed -n '1s|^// expect: ||p' $$f); \
		[ -n "$$exp" ] || { echo "$$f: no '// expect:' first line"; rc=1; continue; }; \
		$(DTC) -q $(SCENARIO_DTC_FLAGS) -i $(SCENARIO_IMG_DIR) -o $$b $$f || { rc=1; continue; }; \
		out=$$(scripts/scenario-symbols.sh $$b $(SCENARIO_IMG_DIR) $(or $(BUILD),build) configs 2>&1 && \
			$(RTV_CHECK) $$b); \
		case "$$out" in \
		*"error: "*"$$exp"*) echo "$$f: refused as expected";; \
		*) echo "$$f: expected error containing '$$exp', got: $$out"; rc=1;; \
		esac; \
	done; exit $$rc
