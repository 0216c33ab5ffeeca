# `make fresh-check`: README's commands on a fresh Debian bookworm root (debootstrap
# minbase in a chroot): make, make test, make run. Needs root and network; takes
# 20-40 minutes. Not part of `make test` or .ci/run. See scripts/fresh-check.sh.

.PHONY: fresh-check
fresh-check:
	@scripts/fresh-check.sh
