#!/usr/bin/env bash
# Build the Linux guest images from Debian bookworm's arm64 packages:
#   build/linux/<flavor>/Image               the kernel (Debian's vmlinuz: a plain arm64 Image)
#   build/linux/<flavor>/initramfs.cpio.gz   busybox + guests/linux/{init,rootfs} + modules
#                                            + USER_BINS (iperf3, nc.openbsd) with the
#                                            shared libraries they load
#   build/linux/<flavor>/kernel-release      `uname -r` of that kernel
#   build/linux/<flavor>/System.map          the kernel's symbol addresses (`dmesg`, gdb's
#                                            linux_banner). The image package's
#                                            /boot/System.map-<release> is only a placeholder
#                                            line: the real one is in the matching -dbg
#                                            package (/usr/lib/debug/boot/), fetched and
#                                            cached like the others (cloud 262 MB, rt 783 MB).
#   build/linux/<flavor>/packages            the .deb files it was made from
#   build/linux/<flavor>/rtv_tty.ko          guests/linux-modules/rtv_tty built against that
#                                            kernel (also in the initramfs, loaded by /init);
#                                            rtv_uio.ko the same (shared regions as UIO)
# The initramfs also holds guests/linux/progs/*.c, freestanding static arm64 programs
# (no C library: the cross toolchain has none), in /bin.
# for flavor cloud (linux-image-cloud-arm64) and rt (linux-image-rt-arm64, PREEMPT_RT).
#
# Out-of-tree modules are cross-compiled here (amd64 or any host) with the kernel's own
# build files: linux-headers-<release> (arm64), its -common (-common-rt for rt) package
# (all) and linux-kbuild-<x.y> of the *host's* architecture (its fixdep and modpost run
# here), unpacked with dpkg-deb -x into a scratch tree — never installed: installing the
# arm64 headers on amd64 would make apt remove build-essential. Compiler:
# aarch64-linux-gnu-gcc (gcc-aarch64-linux-gnu, the same gcc 12 Debian built the kernel with).
#
# Idempotent: .debs are cached in build/download/ and never fetched twice; a flavor
# is rebuilt only when its packages, guests/linux/ or this script change.
# Needs root or sudo only the first time: dpkg --add-architecture arm64, apt-get update.
# Called by `make linux-images` (mk/linux.mk); with --xen (`make xen-image`) it fetches and
# unpacks only Xen 4.17 for make bench (see "Xen" below).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${RTV_BUILD:-$ROOT/build}
DOWNLOAD=$BUILD/download
OUT=$BUILD/linux
GUEST_SRC=$ROOT/guests/linux

# flavor -> meta package that depends on the versioned kernel package
declare -A KERNEL_META=([cloud]=linux-image-cloud-arm64:arm64 [rt]=linux-image-rt-arm64:arm64)
# flavor -> suffix of the headers' arch-independent half (linux-headers-<abi>-<suffix>)
declare -A HEADERS_COMMON=([cloud]=common [rt]=common-rt)
# Out-of-tree modules built against each kernel (guests/linux-modules/<name>), loaded
# after MODULES.
EXTRA_MODULES=(rtv_tty rtv_uio)
FLAVORS=(cloud rt)
BUSYBOX_PKG=busybox-static:arm64
# Loaded by /init in dependency order; one missing from a kernel is only a warning.
MODULES=(virtio_mmio virtio_pci virtio_console virtio_blk virtio_net uio uio_pdrv_genirq sbsa_gwdt
	cpufreq_dt cpufreq_userspace cpufreq_powersave)
# Programs beyond busybox (docs/virtio.md: iperf3 for the network bench, nc.openbsd for
# UDP, which busybox's nc lacks), the packages that ship them and the packages of the
# shared libraries they load; install_userland copies each program's whole DT_NEEDED
# closure and dies if a library is in none of these packages.
USER_PKGS=(iperf3 libiperf0 libsctp1 libssl3 netcat-openbsd libbsd0 libmd0 libc6)
USER_BINS=(usr/bin/iperf3 bin/nc.openbsd)
MIN_INITRAMFS_BYTES=$((512 * 1024))   # busybox alone compresses to ~1 MiB

APT_OPTS=(-q -o DPkg::Lock::Timeout=300)
LISTS_UPDATED=0

msg() { echo "linux-images: $*"; }
warn() { echo "linux-images: warning: $*" >&2; }
die() { echo "linux-images: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------- host checks

need_tool() { # command debian-package
	command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install it with: apt-get install $2"
}

check_host_tools() {
	need_tool cpio cpio   # without it the initramfs pipeline silently yields an empty archive
	need_tool xz xz-utils
	need_tool gzip gzip
	need_tool dpkg-deb dpkg
	need_tool apt-get apt
	need_tool flock util-linux
	need_tool aarch64-linux-gnu-readelf binutils-aarch64-linux-gnu   # reads the userland ELFs
	need_tool make make
	need_tool aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu   # out-of-tree modules
}

SUDO=
need_root() { # why
	[[ $(id -u) -eq 0 ]] && return
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO=sudo
		return
	fi
	die "$1 needs root; run once: sudo dpkg --add-architecture arm64 && sudo apt-get update"
}

# ------------------------------------------------------------- apt: arm64 lists

arm64_lists_present() {
	local lists
	eval "$(apt-config shell lists Dir::State::lists/d)"
	compgen -G "${lists}*_binary-arm64_Packages*" >/dev/null
}

# Run an apt command quietly; on failure show its errors and die naming it.
apt_run() { # what-failed command...
	local what=$1 log
	shift
	log=$(mktemp)
	if ! "$@" >"$log" 2>&1; then
		grep -E '^(E|Err|W):' "$log" >&2 || tail -n 5 "$log" >&2
		rm -f "$log"
		die "$what: '$*' failed (no network, or no Debian mirror?)"
	fi
	rm -f "$log"
}

update_lists() {
	need_root "apt-get update"
	msg "apt-get update (arm64 package lists)"
	# Some unrelated source may fail; only the arm64 lists matter here.
	$SUDO apt-get "${APT_OPTS[@]}" update >/dev/null 2>&1 || true
	arm64_lists_present || apt_run "arm64 package lists" $SUDO apt-get "${APT_OPTS[@]}" update
	LISTS_UPDATED=1
}

ensure_arm64() {
	local archs
	archs=" $(dpkg --print-architecture) $(dpkg --print-foreign-architectures | xargs) "
	if [[ $archs != *" arm64 "* ]]; then
		need_root "dpkg --add-architecture arm64"
		msg "dpkg --add-architecture arm64"
		$SUDO dpkg --add-architecture arm64
		update_lists
	elif ! arm64_lists_present; then
		update_lists
	fi
}

# ------------------------------------------------------- package resolution

# Section of `apt-cache depends|policy` output about one package: the lines after
# its unindented header line, up to the next one. (apt prints no ":<arch>" for the
# host's own architecture or for "all": on an arm64 host the header has no ":arm64".)
section() { # header text
	awk -v h="$1" 'BEGIN { h2 = h; sub(/:[a-z0-9]+:$/, ":", h2); sub(/:arm64$/, "", h2) }
		$0 == h || $0 == h2 { on = 1; next }
		/^[^ ]/ { on = 0 }
		on' <<<"$2"
}

# PKG[key], VER[key] for key in FLAVORS and busybox: the versioned kernel package each
# meta package depends on now (linux-image-6.1.0-NN-cloud-arm64:arm64) and the
# candidate versions. apt-cache takes a second or two a run here, so this runs it
# twice in all and keeps the answer in build/linux/.resolved while the lists stay.
declare -A PKG VER
resolve_packages() {
	local f key metas=() out dep
	for f in "${FLAVORS[@]}"; do metas+=("${KERNEL_META[$f]}"); done
	out=$(apt-cache depends "${metas[@]}" 2>&1) || true
	for f in "${FLAVORS[@]}"; do
		dep=$(section "${KERNEL_META[$f]}" "$out" |
			awk '$1 == "Depends:" && $2 ~ /^<?linux-image-[0-9]/ { gsub(/[<>]/, "", $2); print $2; exit }')
		[[ -n $dep ]] || die "package ${KERNEL_META[$f]} not found: 'apt-cache depends ${KERNEL_META[$f]}' names no linux-image-<version>"
		[[ $dep == *:* ]] || dep=$dep:arm64
		PKG[$f]=$dep
		PKG[$f-dbg]=${dep%:arm64}-dbg:arm64
		headers_packages "$f" "${dep%:arm64}"
	done
	PKG[busybox]=$BUSYBOX_PKG
	for key in "${USER_PKGS[@]}"; do PKG[u-$key]=$key:arm64; done
	out=$(apt-cache policy "${PKG[@]}" 2>&1) || true
	for key in "${!PKG[@]}"; do
		VER[$key]=$(section "${PKG[$key]}:" "$out" | awk '$1 == "Candidate:" { print $2; exit }')
		[[ -n ${VER[$key]} && ${VER[$key]} != "(none)" ]] ||
			die "package ${PKG[$key]} not found: 'apt-cache policy ${PKG[$key]}' has no candidate"
	done
}

# PKG[<flavor>-hdr], PKG[<flavor>-common], PKG[kbuild] for the kernel package
# linux-image-<abi>-<flavor>-arm64 (apt-cache policy below checks that they exist).
headers_packages() { # flavor linux-image-package
	local f=$1 release=${2#linux-image-} abi xy
	abi=${release%-"$f"-arm64}
	xy=$(cut -d. -f1,2 <<<"$abi")
	PKG[$f-hdr]=linux-headers-$release:arm64
	PKG[$f-common]=linux-headers-$abi-${HEADERS_COMMON[$f]}:all
	PKG[kbuild]=linux-kbuild-$xy:$(dpkg --print-architecture)
}

lists_state() {
	local lists
	eval "$(apt-config shell lists Dir::State::lists/d)"
	{
		echo "${KERNEL_META[*]} $BUSYBOX_PKG dbg hdr ${USER_PKGS[*]}"
		stat -c '%n %s %Y' "$lists"*_binary-arm64_Packages*
	} | sha256sum | cut -d' ' -f1
}

resolve_packages_cached() {
	local cache=$OUT/.resolved state key pkg ver
	state=$(lists_state)
	if [[ -f $cache && $(head -n1 "$cache") == "$state" ]]; then
		while read -r key pkg ver; do
			PKG[$key]=$pkg VER[$key]=$ver
		done < <(tail -n +2 "$cache")
		return
	fi
	resolve_packages
	{
		echo "$state"
		for key in "${!PKG[@]}"; do echo "$key ${PKG[$key]} ${VER[$key]}"; done
	} >"$cache"
}

deb_file() { # pkg:arch version  ->  the name apt-get download gives it
	local name=${1%%:*} arch=${1##*:}
	echo "$DOWNLOAD/${name}_${2//:/%3a}_${arch}.deb"
}

# DEBS[key]: the .deb of PKG[key]=VER[key] in build/download, downloaded unless it
# is there already. A failed download sets FETCH_ERROR to the failed command, and
# FETCH_STALE if the mirror no longer has that version (404: lists out of date).
declare -A DEBS
FETCH_ERROR=
FETCH_STALE=0
fetch() { # key
	local pkg=${PKG[$1]} ver=${VER[$1]} deb tmp cmd
	deb=$(deb_file "$pkg" "$ver")
	DEBS[$1]=$deb
	[[ ! -s $deb ]] || return 0
	mkdir -p "$DOWNLOAD"
	tmp=$(mktemp -d "$DOWNLOAD/.tmp.XXXXXX")
	cmd="apt-get download $pkg=$ver"
	msg "$cmd"
	if (cd "$tmp" && apt-get "${APT_OPTS[@]}" download "$pkg=$ver") >"$tmp/log" 2>&1 &&
		[[ -s $tmp/${deb##*/} ]]; then
		mv "$tmp/${deb##*/}" "$deb"
	else
		grep -E '^(E|Err):' "$tmp/log" >&2 || tail -n 3 "$tmp/log" >&2
		FETCH_ERROR=$cmd
		! grep -q ' 404 ' "$tmp/log" || FETCH_STALE=1
	fi
	rm -rf "$tmp"
}

fetch_all() {
	local key
	FETCH_ERROR='' FETCH_STALE=0
	resolve_packages_cached
	for key in "${FLAVORS[@]}" busybox "${FLAVORS[@]/%/-dbg}" "${FLAVORS[@]/%/-hdr}" \
		"${FLAVORS[@]/%/-common}" kbuild "${USER_PKGS[@]/#/u-}"; do
		fetch "$key"
		[[ -z $FETCH_ERROR ]] || return 0
	done
}

# ------------------------------------------------------------------ modules

# Module name -> path relative to /lib/modules/<release>, for one unpacked kernel.
declare -A MODPATH
index_modules() { # moddir
	local rel name
	MODPATH=()
	while IFS= read -r rel; do
		name=${rel##*/}
		name=${name%.xz}
		name=${name%.ko}
		MODPATH[${name//-/_}]=$rel
	done < <(cd "$1" && find kernel -name '*.ko' -o -name '*.ko.xz')
}

is_builtin() { # moddir name
	[[ -f $1/modules.builtin ]] && grep -q "/${2//_/[-_]}\.ko$" "$1/modules.builtin"
}

# Direct dependencies of a module, as paths. Debian's packages ship no modules.dep
# (depmod runs at install time), so read the "depends=" of the module's .modinfo
# (the list modpost wrote at build time) when there is none.
deps_of() { # moddir rel
	local moddir=$1 rel=$2 line names name
	if [[ -f $moddir/modules.dep ]]; then
		line=$(grep -m1 "^$rel:" "$moddir/modules.dep" || true)
		echo "${line#*:}"
		return
	fi
	case $rel in
	*.xz) names=$(xz -dc "$moddir/$rel" | tr '\0' '\n' | sed -n 's/^depends=//p') ;;
	*) names=$(tr '\0' '\n' <"$moddir/$rel" | sed -n 's/^depends=//p') ;;
	esac
	for name in ${names//,/ }; do
		[[ -n ${MODPATH[${name//-/_}]:-} ]] || die "$rel depends on $name, which is not in the package"
		echo "${MODPATH[${name//-/_}]}"
	done
}

# Depth-first, so LOAD_ORDER has every module after its dependencies;
# CLOSURE[rel] is all that the module needs, directly or not.
declare -A SEEN CLOSURE
LOAD_ORDER=()
resolve_module() { # moddir rel
	local moddir=$1 rel=$2 direct d
	[[ -z ${SEEN[$rel]:-} ]] || return 0
	SEEN[$rel]=1
	direct=$(deps_of "$moddir" "$rel")
	CLOSURE[$rel]=
	for d in $direct; do
		resolve_module "$moddir" "$d"
		CLOSURE[$rel]+=" $d ${CLOSURE[$d]}"
	done
	LOAD_ORDER+=("$rel")
}

# A modules.dep line: the closure in reverse load order (as depmod writes it).
dep_line() { # rel
	local rel=$1 i d line=${1%.xz}:
	for ((i = ${#LOAD_ORDER[@]} - 1; i >= 0; i--)); do
		d=${LOAD_ORDER[i]}
		[[ " ${CLOSURE[$rel]} " == *" $d "* ]] && line+=" ${d%.xz}"
	done
	echo "$line"
}

# Copy MODULES and their dependencies into the staging tree, decompressed; write
# rtvisor.load (load order, read by /init) and a modules.dep for busybox modprobe.
install_modules() { # moddir stagedir release
	local moddir=$1 dst=$2/lib/modules/$3 m rel out
	SEEN=() CLOSURE=() LOAD_ORDER=()
	index_modules "$moddir"
	for m in "${MODULES[@]}"; do
		if [[ -n ${MODPATH[$m]:-} ]]; then
			resolve_module "$moddir" "${MODPATH[$m]}"
		elif is_builtin "$moddir" "$m"; then
			msg "$3: $m is built into the kernel"
		else
			warn "$3: module $m not in this kernel, skipped"
		fi
	done
	mkdir -p "$dst"
	: >"$dst/rtvisor.load"
	: >"$dst/modules.dep"
	for rel in "${LOAD_ORDER[@]}"; do
		out=${rel%.xz}
		mkdir -p "$dst/${out%/*}"
		case $rel in
		*.xz) xz -dc "$moddir/$rel" >"$dst/$out" ;;
		*) cp "$moddir/$rel" "$dst/$out" ;;
		esac
		echo "$out" >>"$dst/rtvisor.load"
		dep_line "$rel" >>"$dst/modules.dep"
	done
	msg "$3: modules: $(sed 's#.*/##; s/\.ko$//' "$dst/rtvisor.load" | xargs)"
}

# ------------------------------------------------------ out-of-tree modules

# The kernel's build tree for one flavor, unpacked (not installed) under dir; prints
# its path. The arch package's Makefile includes the -common one by its absolute
# /usr/src path: point that into the scratch tree.
unpack_headers() { # flavor release dir
	local f=$1 release=$2 dir=$3 key kdir
	for key in "$f-hdr" "$f-common" kbuild; do
		dpkg-deb -x "${DEBS[$key]}" "$dir"
	done
	kdir=$dir/usr/src/linux-headers-$release
	[[ -f $kdir/Makefile && -f $kdir/Module.symvers && -d $kdir/scripts/ ]] ||
		die "${DEBS[$f-hdr]##*/}: no usable build tree at /usr/src/linux-headers-$release"
	sed -i "s#^include /usr/src/#include $dir/usr/src/#" "$kdir/Makefile"
	echo "$kdir"
}

# A module's sources in a scratch copy: its folder, plus the files its shared.list
# names ("<path in the repository> <path in the module>": code shared with guests/lib).
module_sources() { # name dir
	local from to
	cp -r "$ROOT/guests/linux-modules/$1" "$2"
	[[ -f $2/shared.list ]] || return 0
	while read -r from to; do
		[[ -n $from ]] || continue
		install -D -m 0644 "$ROOT/$from" "$2/$to"
	done <"$2/shared.list"
}

# Cross-compile EXTRA_MODULES against the flavor's kernel; add them to the initramfs
# (loaded after MODULES) and put a copy beside the Image.
build_extra_modules() { # flavor release stagedir outdir
	local f=$1 release=$2 dst=$3/lib/modules/$2 out=$4 kdir m src log
	kdir=$(unpack_headers "$f" "$release" "$WORK/headers")
	for m in "${EXTRA_MODULES[@]}"; do
		src=$WORK/mod-$m log=$WORK/mod-$m.log
		module_sources "$m" "$src"
		if ! make -C "$kdir" M="$src" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
			KCFLAGS=-Werror modules >"$log" 2>&1; then
			tail -n 30 "$log" >&2
			die "$release: module $m does not build (guests/linux-modules/$m)"
		fi
		grep -qx "vermagic=$release .*" < <(tr '\0' '\n' <"$src/$m.ko") ||
			die "$release: $m.ko has another kernel's vermagic"
		aarch64-linux-gnu-objcopy --strip-debug "$src/$m.ko"   # 400 KiB of DWARF
		install -D -m 0644 "$src/$m.ko" "$dst/extra/$m.ko"
		echo "extra/$m.ko" >>"$dst/rtvisor.load"
		echo "extra/$m.ko:" >>"$dst/modules.dep"
		cp "$src/$m.ko" "$out/$m.ko"
	done
	msg "$release: built ${EXTRA_MODULES[*]}"
}

# ------------------------------------------------------------------ programs

# guests/linux/progs/<name>.c -> /bin/<name>: freestanding (raw system calls), static.
build_progs() { # stagedir
	local src name
	for src in "$GUEST_SRC"/progs/*.c; do
		[[ -f $src ]] || continue
		name=$(basename "$src" .c)
		aarch64-linux-gnu-gcc -static -nostdlib -ffreestanding -fno-stack-protector -O2 \
			-Wall -Wextra -Werror -o "$1/bin/$name" "$src" || die "$src does not build"
	done
}

# ------------------------------------------------------------------ busybox

# Applet names, read from the binary's applet table ("[", "[[", "acpid", ... "zcat",
# then an empty string): it is an arm64 binary, so it cannot be run here.
busybox_applets() { # busybox-binary
	tr '\0' '\n' <"$1" | awk '
		!done && prev == "[" && $0 == "[[" { on = 1; print "["; print; next }
		on && $0 == "" { on = 0; done = 1 }
		on { print }
		{ prev = $0 }'
}

install_busybox() { # busybox-binary stagedir
	local bb=$1 dst=$2 applets a
	install -D -m 0755 "$bb" "$dst/bin/busybox"
	applets=$(busybox_applets "$bb")
	if ! grep -qx sh <<<"$applets" || ! grep -qx init <<<"$applets" ||
		grep -qvE '^[][a-z0-9_.-]+$' <<<"$applets"; then
		warn "cannot read busybox's applet list; linking a core set (/init adds the rest)"
		applets=$(printf '%s\n' sh mount mkdir insmod uname hostname init cttyhack poweroff reboot)
	fi
	for a in $applets; do
		[[ $a == busybox ]] || ln -sf busybox "$dst/bin/$a"
	done
}

# ------------------------------------------------------------------ userland

# The DT_NEEDED sonames of an arm64 ELF file.
needed_of() { # elf
	aarch64-linux-gnu-readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

# Copy the libraries elf needs, and theirs, from the unpacked packages (root) into
# stagedir/lib/aarch64-linux-gnu (on the loader's built-in multiarch search path).
copy_libs() { # root stagedir elf
	local root=$1 dst=$2/lib/aarch64-linux-gnu so src
	mkdir -p "$dst"
	for so in $(needed_of "$3"); do
		[[ ! -e $dst/$so ]] || continue
		src=$(find "$root/lib" "$root/usr/lib" -name "$so" -print -quit 2>/dev/null)
		[[ -n $src ]] || die "$3 needs $so, which none of USER_PKGS ships"
		cp -L "$src" "$dst/$so"
		copy_libs "$root" "$2" "$dst/$so"
	done
}

install_userland() { # workdir stagedir
	local root=$1/user dst=$2 key bin interp
	mkdir -p "$root"
	for key in "${USER_PKGS[@]}"; do dpkg -x "${DEBS[u-$key]}" "$root"; done
	for bin in "${USER_BINS[@]}"; do
		[[ -f $root/$bin ]] || die "$bin is in none of USER_PKGS"
		install -m 0755 "$root/$bin" "$dst/bin/${bin##*/}"
		copy_libs "$root" "$dst" "$root/$bin"
		interp=$(aarch64-linux-gnu-readelf -l "$root/$bin" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
		[[ -e $dst$interp ]] || cp -L "$(find "$root" -name "${interp##*/}" -print -quit)" "$dst$interp" ||
			die "$bin: its loader $interp is in none of USER_PKGS"
	done
	msg "userland: ${USER_BINS[*]##*/} with $(ls "$dst/lib/aarch64-linux-gnu" | xargs)"
}

# ------------------------------------------------------------------- images

# Stamp of everything a flavor's outputs are made from.
stamp_of() { # flavor
	local key
	{
		echo "${DEBS[$1]##*/} ${DEBS[$1-dbg]##*/} ${DEBS[busybox]##*/} ${MODULES[*]}"
		for key in "${USER_PKGS[@]}"; do echo "${DEBS[u-$key]##*/}"; done
		echo "${USER_BINS[*]}"
		echo "${DEBS[$1-hdr]##*/} ${DEBS[$1-common]##*/} ${DEBS[kbuild]##*/} ${EXTRA_MODULES[*]}"
		(cd "$ROOT" && find guests/linux guests/linux-modules -type f | sort | xargs sha256sum)
		(cd "$ROOT" && cat guests/linux-modules/*/shared.list | awk '{ print $1 }' |
			sort -u | xargs sha256sum)
		sha256sum <"${BASH_SOURCE[0]}"
	} | sha256sum | cut -d' ' -f1
}

check_image() { # Image
	[[ $(dd if="$1" bs=1 skip=56 count=4 2>/dev/null) == $'ARM\x64' ]] ||
		die "$1 is not an arm64 Image (no ARM\\x64 magic at 0x38)"
}

# Only the System.map member of the -dbg package (its vmlinux is 270 MB and more).
extract_system_map() { # dbg.deb release output
	dpkg-deb --fsys-tarfile "$1" | tar -xO "./usr/lib/debug/boot/System.map-$2" >"$3" ||
		die "${1##*/}: no /usr/lib/debug/boot/System.map-$2 in it"
	grep -qE '^[0-9a-f]{16} [A-Za-z] linux_banner$' "$3" ||
		die "${1##*/}: System.map-$2 has no linux_banner symbol: not a kernel System.map"
}

make_cpio() { # stagedir output
	local size
	find "$1" -exec touch -h -d @0 {} +   # same inputs, same archive
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9 -n >"$2.tmp"
	size=$(stat -c %s "$2.tmp")
	((size >= MIN_INITRAMFS_BYTES)) ||
		die "$2: only $size bytes (expected >= $MIN_INITRAMFS_BYTES): cpio/gzip pipeline broken?"
	mv "$2.tmp" "$2"
}

build_flavor() { # flavor
	local f=$1 dir=$OUT/$1 stamp work kroot release stage key
	stamp=$(stamp_of "$f")
	if [[ -s $dir/Image && -s $dir/initramfs.cpio.gz && -s $dir/System.map &&
		$(cat "$dir/.stamp" 2>/dev/null) == "$stamp" ]]; then
		msg "$f: up to date ($(cat "$dir/kernel-release"))"
		return
	fi
	mkdir -p "$dir"
	rm -f "$dir/.stamp"
	WORK=$(mktemp -d "$OUT/.work.XXXXXX")
	work=$WORK

	kroot=$work/kernel
	dpkg -x "${DEBS[$f]}" "$kroot"
	dpkg -x "${DEBS[busybox]}" "$work/busybox"
	release=$(ls "$kroot/lib/modules")
	[[ $release != *$'\n'* && -f $kroot/boot/vmlinuz-$release ]] ||
		die "${DEBS[$f]##*/}: expected one kernel in /lib/modules, found: $release"
	msg "$f: kernel $release"

	stage=$work/rootfs
	mkdir -p "$stage"/{bin,dev,proc,sys,tmp,run,root,mnt,usr,lib/modules}
	ln -s bin "$stage/sbin"
	ln -s ../bin "$stage/usr/bin"
	ln -s ../bin "$stage/usr/sbin"
	cp -a "$GUEST_SRC/rootfs/." "$stage/"
	install -m 0755 "$GUEST_SRC/init" "$stage/init"
	install_busybox "$work/busybox/bin/busybox" "$stage"
	build_progs "$stage"
	install_modules "$kroot/lib/modules/$release" "$stage" "$release"
	install_userland "$work" "$stage"
	build_extra_modules "$f" "$release" "$stage" "$dir"

	cp "$kroot/boot/vmlinuz-$release" "$dir/Image.tmp"
	check_image "$dir/Image.tmp"
	mv "$dir/Image.tmp" "$dir/Image"
	extract_system_map "${DEBS[$f-dbg]}" "$release" "$dir/System.map.tmp"
	mv "$dir/System.map.tmp" "$dir/System.map"
	make_cpio "$stage" "$dir/initramfs.cpio.gz"
	echo "$release" >"$dir/kernel-release"
	printf '%s\n' "${DEBS[$f]##*/}" "${DEBS[$f-dbg]##*/}" "${DEBS[busybox]##*/}" \
		"${DEBS[$f-hdr]##*/}" "${DEBS[$f-common]##*/}" "${DEBS[kbuild]##*/}" >"$dir/packages"
	for key in "${USER_PKGS[@]}"; do echo "${DEBS[u-$key]##*/}"; done >>"$dir/packages"
	echo "$stamp" >"$dir/.stamp"
	rm -rf "$WORK"
	msg "$f: $dir/Image ($(stat -c %s "$dir/Image") bytes)," \
		"$dir/initramfs.cpio.gz ($(stat -c %s "$dir/initramfs.cpio.gz") bytes), $dir/System.map"
}

# ------------------------------------------------------------- Xen (make xen-image)

# The peer hypervisor of make bench's "xen" runs (docs/benchmarks.md, "Xen 4.17 on the
# same QEMU"): Debian's Xen 4.17 for arm64, resolved, fetched and cached like the packages
# above, only unpacked (dpkg-deb, never installed; it is an arm64 package):
#   build/xen/xen        the hypervisor, an arm64 Image (QEMU -kernel)
#   build/xen/config     the Kconfig it was built with (which schedulers it has)
#   build/xen/version    the package version
#   build/xen/package    the .deb it came from
# `scripts/linux-images.sh --xen`; make and make test do not need it.
XEN_PKG=xen-hypervisor-4.17-arm64:arm64
XEN_BIN=boot/xen-4.17-arm64

resolve_xen() {
	local out
	PKG[xen]=$XEN_PKG
	out=$(apt-cache policy "$XEN_PKG" 2>&1) || true
	VER[xen]=$(section "$XEN_PKG:" "$out" | awk '$1 == "Candidate:" { print $2; exit }')
	[[ -n ${VER[xen]} && ${VER[xen]} != "(none)" ]] ||
		die "package $XEN_PKG not found: 'apt-cache policy $XEN_PKG' has no candidate"
}

fetch_xen() {
	FETCH_ERROR='' FETCH_STALE=0
	resolve_xen
	fetch xen
}

# Run a fetch function; if the mirror had newer packages than the local lists (a 404),
# refresh the lists once and run it again; die if it still failed.
fetch_fresh() { # fetch-function
	"$1"
	if [[ -n $FETCH_ERROR ]] && ((FETCH_STALE && !LISTS_UPDATED)); then
		msg "the mirror has newer packages than the local lists: refreshing them"
		update_lists
		"$1"
	fi
	[[ -z $FETCH_ERROR ]] || die "'$FETCH_ERROR' failed (no network, or no Debian mirror?)"
}

# One member of the package, to a file (replaced only once it is complete).
deb_member() { # deb member output
	dpkg-deb --fsys-tarfile "$1" | tar -xO "./$2" >"$3.tmp" ||
		die "${1##*/}: no /$2 in it"
	mv "$3.tmp" "$3"
}

xen_main() {
	local out=$BUILD/xen deb
	need_tool dpkg-deb dpkg
	need_tool apt-get apt
	need_tool flock util-linux
	mkdir -p "$out"
	exec 9>"$out/.lock"
	flock 9
	ensure_arm64
	fetch_fresh fetch_xen
	deb=${DEBS[xen]}
	if [[ -s $out/xen && -s $out/config && $(cat "$out/package" 2>/dev/null) == "${deb##*/}" ]]; then
		msg "xen: up to date ($(cat "$out/version"))"
		return
	fi
	deb_member "$deb" "$XEN_BIN" "$out/xen"
	check_image "$out/xen"
	deb_member "$deb" "$XEN_BIN.config" "$out/config"
	echo "${VER[xen]}" >"$out/version"
	echo "${deb##*/}" >"$out/package"
	msg "xen: $out/xen (${VER[xen]}, $(stat -c %s "$out/xen") bytes)"
}

main() {
	local f
	if [[ ${1:-} == --xen ]]; then
		xen_main
		return
	fi
	check_host_tools
	mkdir -p "$OUT"
	exec 9>"$OUT/.lock"
	flock 9   # one build at a time

	trap 'rm -rf "${WORK:-}"' EXIT

	ensure_arm64
	fetch_fresh fetch_all
	for f in "${FLAVORS[@]}"; do
		build_flavor "$f"
	done
}

main "$@"
