# QEMU virt (virtualization=on, gic-version=3): hypervisor load address is fixed
# by the Image header's text_offset (boot.S) and linker.ld.
PLATFORM_QEMU_MACHINE := virt,virtualization=on,gic-version=3
PLATFORM_QEMU_CPU := cortex-a72
PLATFORM_QEMU_SMP := 4
PLATFORM_QEMU_MEM := 2G
