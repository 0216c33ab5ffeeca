# The hypervisor image: build/<platform>/rtvisor.{elf,bin} for $(SCENARIO);
# other scenarios: build/<platform>/scenarios/<name>/rtvisor.bin (make scenario-<name>).

include src/platform/$(PLATFORM)/platform.mk

HV_SRC_DIRS := src/lib src/config src/core src/core/sched src/core/console src/core/pci src/core/debug src/core/power src/vdev src/arch/arm64 \
	src/arch/arm64/gic src/drivers src/platform/$(PLATFORM)
HV_C_SRCS := $(filter-out src/arch/arm64/asm-offsets.c,$(foreach d,$(HV_SRC_DIRS),$(wildcard $(d)/*.c)))
HV_S_SRCS := $(foreach d,$(HV_SRC_DIRS),$(wildcard $(d)/*.S))
HV_OBJ := $(HV_BUILD)/obj
HV_OBJS := $(patsubst %.c,$(HV_OBJ)/%.o,$(HV_C_SRCS)) $(patsubst %.S,$(HV_OBJ)/%.o,$(HV_S_SRCS))
HV_INC := $(SRC_INC) -I$(HV_BUILD)/include
# Link-time optimisation (gcc): the core/arch boundary and the device units are source-level
# structure; -flto lets calls across it inline, so the exit paths cost what they did when
# core called the GIC and vGIC directly (docs/benchmarks.md, issue 9 tables).
# The objects are "fat" (machine code beside the LTO bytecode) so that the broken scenarios
# of configs/invalid/, which only have to be refused at boot, link without LTO in a fraction
# of a second (HV_LINK_NOLTO below) instead of about 5 s each.
HV_LTO := $(if $(filter clang,$(CC)),,-flto=auto -ffat-lto-objects)
# x18 is entry.S's across the fast path's C call (the guest frame: fast_exit_done loads the
# guest's registers from it without looking it up again); no hypervisor C code uses it.
HV_FIXED := -ffixed-x18
HV_CFLAGS = $(TARGET_CFLAGS) $(HV_FIXED) $(HV_LTO) $(HV_INC) -MMD -MP
# gcc links through its driver (the LTO plugin); clang objects link with plain ld.
HV_LINK_LD = $(LD) -nostdlib -T $(HV_LDS) --gc-sections
HV_LINK_GCC = $(CC) $(TARGET_CFLAGS) $(HV_FIXED) $(HV_LTO) -nostartfiles -static -no-pie -Wl,-T,$(HV_LDS) \
	-Wl,--gc-sections -Wl,--build-id=none
HV_LINK = $(if $(filter clang,$(CC)),$(HV_LINK_LD),$(HV_LINK_GCC))
HV_LDS := src/platform/$(PLATFORM)/linker.ld
ASM_OFFSETS := $(HV_BUILD)/include/asm-offsets.h

# memcpy/memset: the compiler emits calls to them after LTO has run, so they stay
# ordinary objects (else the LTO partition drops them as unused).
$(HV_OBJ)/src/lib/string.o: HV_LTO :=

.PHONY: hypervisor
hypervisor: $(HV_BUILD)/rtvisor.bin

$(ASM_OFFSETS): src/arch/arm64/asm-offsets.c $(SRC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TARGET_CFLAGS) $(HV_INC) -S -o $@.s $<
	@{ echo "/* generated from asm-offsets.c */"; \
	  sed -n 's/.*->\([A-Z_0-9]*\) #\?\([0-9-]*\).*/#define \1 \2/p' $@.s; } > $@
	@rm -f $@.s

$(HV_OBJ)/%.o: %.c | $(ASM_OFFSETS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(HV_CFLAGS) -c -o $@ $<

$(HV_OBJ)/%.o: %.S $(ASM_OFFSETS)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(TARGET_ASFLAGS) $(HV_INC) -MMD -MP -c -o $@ $<

-include $(HV_OBJS:.o=.d)

# Flags live in these files: a change there rebuilds everything.
$(HV_OBJS) $(ASM_OFFSETS): mk/toolchain.mk mk/hyp.mk

# A scenario: configs/<name>.dts -> .dtb (guest images resolved by dtc -i build/guests),
# checked by the host tool, wrapped into an object, linked with the core.
SCN_DIR = $(HV_BUILD)/scenarios/$(1)

# A VM's `system-map` gets its symbols extracted into the blob (scripts/scenario-symbols.sh);
# the .dtb is written under a temporary name so a refused scenario leaves none behind, and
# replaces the old one only if it differs (the same blob again needs no new link).
# SKIP_CHECK (configs/invalid/ at boot) only warns about a missing map: the hypervisor refuses.
$(HV_BUILD)/scenarios/%/scenario.dtb: configs/%.dts guests $(RTV_CHECK) scripts/scenario-symbols.sh
	@mkdir -p $(dir $@)
	$(DTC) -q $(SCENARIO_DTC_FLAGS) -i build/guests -i build -i configs -o $@.tmp $<
	scripts/scenario-symbols.sh $(if $(SKIP_CHECK),-k) $@.tmp build/guests build configs || \
		{ rm -f $@.tmp; exit 1; }
	$(if $(SKIP_CHECK),@echo "host check skipped for $*",$(RTV_CHECK) $@.tmp || { rm -f $@.tmp; exit 1; })
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(HV_BUILD)/scenarios/%/scenario.o: $(HV_BUILD)/scenarios/%/scenario.dtb
	printf '\t.section .scenario, "a"\n\t.global _scenario_start\n_scenario_start:\n\t.incbin "%s"\n\t.global _scenario_end\n_scenario_end:\n' $< > $@.S
	$(CC) $(TARGET_ASFLAGS) -c -o $@ $@.S

$(HV_BUILD)/scenarios/%/rtvisor.elf: $(HV_OBJS) $(HV_BUILD)/scenarios/%/scenario.o $(HV_LDS)
	$(HV_LINK) $(HV_LINK_NOLTO) -o $@ $(HV_OBJS) $(HV_BUILD)/scenarios/$*/scenario.o

# Scenarios that are only refused at boot (tests/boot/test_invalid_scenarios.py) run the
# same sources through the same checks; they need not be link-time optimised.
$(HV_BUILD)/scenarios/invalid/%/rtvisor.elf: HV_LINK_NOLTO = $(if $(HV_LTO),-fno-lto)

$(HV_BUILD)/scenarios/%/rtvisor.bin: $(HV_BUILD)/scenarios/%/rtvisor.elf
	$(OBJCOPY) -O binary $< $@

.SECONDARY:

# make scenario SCN=<name>: configs/<name>.dts (may be in a subfolder, e.g. invalid/no-vms)
.PHONY: scenario
scenario: $(HV_BUILD)/scenarios/$(SCN)/rtvisor.bin
	@echo "built $<"

$(HV_BUILD)/rtvisor.bin: $(HV_BUILD)/scenarios/$(SCENARIO)/rtvisor.bin
	cp $< $@
	cp $(HV_BUILD)/scenarios/$(SCENARIO)/rtvisor.elf $(HV_BUILD)/rtvisor.elf

.PHONY: hv-objs
hv-objs: $(HV_OBJS)
