# Bare-metal AArch64 test guests: `make guests` builds build/guests/<name>.{elf,bin}
# for every directory listed in GUESTS, each linked with the guest library
# (guests/lib). The .bin is an arm64 Linux Image (loaded at RAM base + 0x80000).
#
# Link address: GUEST_LINK_ADDR (default), or GUEST_LINK_ADDR_<name> per guest.
# Needs CC, LD, OBJCOPY, TARGET_CFLAGS, TARGET_ASFLAGS (mk/toolchain.mk).

BUILD ?= build
GUESTS := hello intruder spin bench hammer busy noisy rtprobe adversary fpcheck edudma vbad shmchan shmbench netbm collector xlprobe wdogbm fochain
GUEST_LINK_ADDR ?= 0x40080000
GUEST_LINK_ADDR_intruder := 0x60080000
GUEST_LINK_ADDR_adversary := 0x60080000
GUEST_LINK_ADDR_edudma := 0x60080000

GUEST_OUT := $(BUILD)/guests
GUEST_INC := -Iguests/lib/include
GUEST_CFLAGS := $(TARGET_CFLAGS) $(GUEST_INC) -MMD -MP
GUEST_ASFLAGS := $(TARGET_ASFLAGS) $(GUEST_INC) -MMD -MP
GUEST_LDS := guests/lib/guest.ld

GUEST_LIB_SRCS := $(sort $(wildcard guests/lib/*.c guests/lib/*.S))
GUEST_LIB_OBJS := $(patsubst guests/%,$(GUEST_OUT)/%.o,$(GUEST_LIB_SRCS))

guest_srcs = $(sort $(wildcard guests/$(1)/*.c guests/$(1)/*.S))
guest_objs = $(patsubst guests/%,$(GUEST_OUT)/%.o,$(call guest_srcs,$(1)))
guest_link_addr = $(or $(GUEST_LINK_ADDR_$(1)),$(GUEST_LINK_ADDR))

GUEST_IMAGES := $(foreach g,$(GUESTS),$(GUEST_OUT)/$(g).bin $(GUEST_OUT)/$(g).elf) \
		$(GUEST_OUT)/edudma70.bin $(GUEST_OUT)/bench60.bin $(GUEST_OUT)/bench-xen.bin

.PHONY: guests
guests: $(GUEST_IMAGES) $(GUEST_OUT)/pattern.bin

# 1 MiB of 0x5a ('Z'): loaded into the well-behaved VM of configs/adversary.dts, the
# word the adversary guest looks for in everything it reads (guests/README.md).
$(GUEST_OUT)/pattern.bin: guests/guests.mk
	@mkdir -p $(dir $@)
	head -c 1048576 /dev/zero | tr '\000' 'Z' > $@

# Objects are named after the full source name (foo.c -> foo.c.o).
$(GUEST_OUT)/%.c.o: guests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OUT)/%.S.o: guests/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c -o $@ $<

define guest_rules
$(GUEST_OUT)/$(1).elf: $(call guest_objs,$(1)) $(GUEST_LIB_OBJS) $(GUEST_LDS) guests/guests.mk
	$$(LD) -nostdlib -static --gc-sections --build-id=none \
		--defsym=GUEST_LINK_ADDR=$(call guest_link_addr,$(1)) -T $(GUEST_LDS) \
		-o $$@ $(call guest_objs,$(1)) $(GUEST_LIB_OBJS)
endef
$(foreach g,$(GUESTS),$(eval $(call guest_rules,$(g))))

# edudma linked at 0x70080000: a second VM with identity-mapped RAM (an MSI needs bus
# mastering, which needs `dma`: configs/pci-msi.dts).
$(GUEST_OUT)/edudma70.elf: $(call guest_objs,edudma) $(GUEST_LIB_OBJS) $(GUEST_LDS) guests/guests.mk
	$(LD) -nostdlib -static --gc-sections --build-id=none \
		--defsym=GUEST_LINK_ADDR=0x70080000 -T $(GUEST_LDS) \
		-o $@ $(call guest_objs,edudma) $(GUEST_LIB_OBJS)

# bench linked at 0x60080000: the bench VM with identity-mapped RAM and an MSI event
# (configs/bench-msi.dts, the pci_msi_lat item of make bench).
$(GUEST_OUT)/bench60.elf: $(call guest_objs,bench) $(GUEST_LIB_OBJS) $(GUEST_LDS) guests/guests.mk
	$(LD) -nostdlib -static --gc-sections --build-id=none \
		--defsym=GUEST_LINK_ADDR=0x60080000 -T $(GUEST_LDS) \
		-o $@ $(call guest_objs,bench) $(GUEST_LIB_OBJS)

# bench-xen: the same bench sources and library for the map of a Xen dom0less domU
# (-DGUEST_XEN_DOMU: GIC, vpl011; guest/gic.h, guest/pl011.h), the "xen" run of make bench
# (docs/benchmarks.md). Its objects live apart, under xen-domu/.
XEN_DOMU_OUT := $(GUEST_OUT)/xen-domu
XEN_DOMU_OBJS := $(patsubst guests/%,$(XEN_DOMU_OUT)/%.o,$(call guest_srcs,bench) $(GUEST_LIB_SRCS))

$(XEN_DOMU_OUT)/%.c.o: guests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -DGUEST_XEN_DOMU -c -o $@ $<

$(XEN_DOMU_OUT)/%.S.o: guests/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -DGUEST_XEN_DOMU -c -o $@ $<

$(GUEST_OUT)/bench-xen.elf: $(XEN_DOMU_OBJS) $(GUEST_LDS) guests/guests.mk
	$(LD) -nostdlib -static --gc-sections --build-id=none \
		--defsym=GUEST_LINK_ADDR=$(GUEST_LINK_ADDR) -T $(GUEST_LDS) -o $@ $(XEN_DOMU_OBJS)

$(GUEST_OUT)/%.bin: $(GUEST_OUT)/%.elf
	$(OBJCOPY) -O binary $< $@

.PRECIOUS: $(GUEST_OUT)/%.elf

-include $(patsubst %.o,%.d,$(GUEST_LIB_OBJS) $(foreach g,$(GUESTS),$(call guest_objs,$(g))) \
	$(XEN_DOMU_OBJS))
