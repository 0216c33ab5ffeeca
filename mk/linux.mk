# Linux guest images from Debian bookworm's arm64 packages (scripts/linux-images.sh).
#   make linux-images      build/linux/{cloud,rt}/{Image,initramfs.cpio.gz,System.map}; .debs cached in
#                          build/download/. Root or sudo needed once (dpkg --add-architecture
#                          arm64, apt-get update); later runs download nothing.
#   make linux-run-bare    boot one on plain QEMU, no hypervisor (LINUX_FLAVOR=cloud|rt;
#                          `poweroff` in the guest, or Ctrl-A x, ends QEMU).
#   make linux-clean       remove build/linux (keeps the downloaded .debs).
#   make xen-image         build/xen/xen: Debian's Xen 4.17 hypervisor for make bench's "xen"
#                          runs (scripts/linux-images.sh --xen; .deb cached in build/download/).

LINUX_OUT := $(BUILD)/linux
LINUX_FLAVOR ?= cloud
# Non-empty when configs/$(SCENARIO).dts embeds a Linux image (/incbin/("linux/...")):
# then `make` and `make run` build the images first.
SCENARIO_USES_LINUX := $(shell grep -qs 'incbin/."linux/' configs/$(SCENARIO).dts && echo yes)

.PHONY: linux-images linux-run-bare linux-clean xen-image
linux-images:
	@RTV_BUILD="$(abspath $(BUILD))" scripts/linux-images.sh

xen-image:
	@RTV_BUILD="$(abspath $(BUILD))" scripts/linux-images.sh --xen

linux-run-bare: linux-images
	$(QEMU) -M virt,gic-version=3 -cpu cortex-a72 -smp 2 -m 512M -nographic -no-reboot -nic none \
		-kernel $(LINUX_OUT)/$(LINUX_FLAVOR)/Image \
		-initrd $(LINUX_OUT)/$(LINUX_FLAVOR)/initramfs.cpio.gz \
		-append "console=ttyAMA0 panic=-1"

linux-clean:
	rm -rf $(LINUX_OUT)
