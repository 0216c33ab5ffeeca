# Target (AArch64, freestanding) compiler flags shared by hypervisor and guests.
ifeq ($(CC),clang)
TARGET_CFLAGS_CC := --target=aarch64-linux-gnu -Wno-unused-command-line-argument
else
TARGET_CFLAGS_CC :=
endif

TARGET_CFLAGS := $(TARGET_CFLAGS_CC) -std=c11 -ffreestanding -fno-builtin -nostdlib -nostdinc \
	-isystem $(shell $(CC) $(TARGET_CFLAGS_CC) -print-file-name=include 2>/dev/null) \
	-fno-stack-protector -fno-pic -fno-pie -mgeneral-regs-only -mstrict-align -mno-outline-atomics \
	-march=armv8-a -O2 -g -Wall -Wextra -Werror -Wshadow -Wvla -Wmissing-prototypes \
	-Wstrict-prototypes -Wconversion -Wsign-conversion -Wno-sign-conversion -fno-common \
	-ffunction-sections -fdata-sections
TARGET_ASFLAGS := $(TARGET_CFLAGS_CC) -march=armv8-a -g -D__ASSEMBLY__
