#!/usr/bin/env bash
# Install what rtvisor needs to build, run and test on Debian bookworm, if it is missing.
# Called by `make run`, `make test` and .ci/run. Needs root or sudo to install.
set -euo pipefail

# command-or-file : Debian package
NEEDS=(
	"make:make"
	"cc:gcc"
	"/usr/include/stdio.h:libc6-dev"
	"clang:clang"
	"aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu"
	"aarch64-linux-gnu-ld:binutils-aarch64-linux-gnu"
	"qemu-system-aarch64:qemu-system-arm"
	"dtc:device-tree-compiler"
	"cpio:cpio"
	"xz:xz-utils"
	"gnuplot:gnuplot-nox"
	"iperf3:iperf3"
	"gdb-multiarch:gdb-multiarch"
	"/usr/bin/python3:python3"
	"/usr/lib/python3/dist-packages/pytest/__init__.py:python3-pytest"
	"/usr/lib/python3/dist-packages/pexpect/__init__.py:python3-pexpect"
)

missing=()
for item in "${NEEDS[@]}"; do
	what=${item%%:*}
	pkg=${item#*:}
	if [[ $what == /* ]]; then
		[[ -e $what ]] || missing+=("$pkg")
	else
		command -v "$what" >/dev/null 2>&1 || missing+=("$pkg")
	fi
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "deps: missing ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq || ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
	echo "deps: could not install ${missing[*]} (no network or no Debian mirror?)" >&2
	exit 1
fi
