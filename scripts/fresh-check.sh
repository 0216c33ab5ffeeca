#!/usr/bin/env bash
# `make fresh-check`: does a fresh Debian bookworm machine run README's commands?
#
# Builds a minimal bookworm root (debootstrap --variant=minbase, from this machine's
# Debian mirror; cached as build/fresh/bookworm-minbase.tar.gz and unpacked afresh
# each run), copies a clean `git clone` of HEAD into it, and runs there, as root in
# a chroot: make, make test, and make run driven through a pty (scripts/fresh-run.py:
# wait for the Linux shell, type a command, check the answer, Ctrl-A x).
# One "fresh-check: PASS|FAIL <step> ..." line per step; logs in build/fresh/logs/.
# The root downloads its own packages (tools, arm64 kernel): nothing is shared with
# this machine's build/. Needs root (debootstrap, chroot, bind mounts) and network.
#
#   FRESH_MIRROR=<uri>     Debian mirror instead of the one in /etc/apt
#   FRESH_RUN_TIMEOUT=<s>  time allowed to `make run` (default 120)
#   FRESH_FROM=<step>      start at step make, "make test" or "make run" and reuse the
#                          root and clone of the previous run as they are (after a fix)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/build/fresh
LOGS=$OUT/logs
TARBALL=$OUT/bookworm-minbase.tar.gz
CHROOT=$OUT/root
SRC_IN_ROOT=/root/rtvisor
RUN_TIMEOUT=${FRESH_RUN_TIMEOUT:-120}
MOUNTS=(proc sys dev dev/pts)   # bind-mounted from the host, in this order

say() { echo "fresh-check: $*"; }
die() { echo "fresh-check: error: $*" >&2; exit 1; }

# ------------------------------------------------------------------ mirror

# The URI of the first Debian source for bookworm in this machine's apt configuration.
apt_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -f $f ]] || continue
		# deb822: stanzas separated by blank lines; Types, URIs and Suites fields
		awk 'function flush() { if (deb && suite && uri != "") { print uri; found = 1; exit } deb = suite = 0; uri = "" }
			/^[ \t]*$/ { flush(); next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "uris:" { uri = $2 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite = 1 }
			END { if (!found) flush() }' "$f" | head -n1
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -f $f ]] || continue
		# deb [options] URI bookworm components...
		sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\)[[:space:]]\+bookworm[[:space:]].*/\2/p' "$f"
	done
}

mirror() {
	local m=${FRESH_MIRROR:-}
	[[ -n $m ]] || m=$(apt_mirror | head -n1)
	[[ -n $m ]] || m=http://deb.debian.org/debian
	echo "$m"
}

# ------------------------------------------------------------------ mounts

mounted_below() { # dir -> mount points at or below it, deepest first
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}

unmount_all() {
	local m
	for m in $(mounted_below "$CHROOT"); do
		umount "$m" 2>/dev/null || umount -l "$m" || echo "fresh-check: could not unmount $m" >&2
	done
}

mount_all() {
	local m
	for m in "${MOUNTS[@]}"; do
		mkdir -p "$CHROOT/$m"
		mount --bind "/$m" "$CHROOT/$m" || return 1
	done
}

# Remove the previous root; refuse while anything is still mounted in it (a bound
# /dev would be emptied on the host).
remove_root() {
	unmount_all
	if [[ -n $(mounted_below "$CHROOT") ]]; then
		echo "still mounted below $CHROOT, not removing it: $(mounted_below "$CHROOT" | xargs)"
		return 1
	fi
	rm -rf --one-file-system "$CHROOT"
}

# ------------------------------------------------------------------ steps

T_START=$SECONDS
FAILED=0

# step <name> <command...>: run it with output to build/fresh/logs/<name>.log and print
# one PASS/FAIL line; on FAIL also the end of the log.
step() {
	local name=$1 log t0 rc
	shift
	log=$LOGS/${name// /-}.log
	t0=$SECONDS
	"$@" >"$log" 2>&1
	rc=$?
	if ((rc == 0)); then
		say "PASS $name ($((SECONDS - t0)) s)"
		return 0
	fi
	say "FAIL $name (exit $rc after $((SECONDS - t0)) s; log ${log#"$ROOT"/})"
	tail -n 25 "$log" | sed 's/^/    | /' >&2
	FAILED=1
	return 1
}

ensure_debootstrap() {
	command -v debootstrap >/dev/null 2>&1 && return 0
	echo "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap ||
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap; }
}

debootstrap_root() {
	local m
	m=$(mirror)
	ensure_debootstrap || return 1
	remove_root || return 1
	echo "debootstrap --variant=minbase bookworm $CHROOT $m"
	debootstrap --variant=minbase bookworm "$CHROOT" "$m" || return 1
	# cache the pristine root; the mirror it came from is noted beside it
	tar -C "$CHROOT" --numeric-owner -czf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL" &&
		echo "$m" >"$TARBALL.mirror"
}

unpack_root() {
	remove_root || return 1
	mkdir -p "$CHROOT"
	tar -C "$CHROOT" --numeric-owner -xzpf "$TARBALL"
}

# Give the root this machine's Debian sources (a real install has main, updates and
# security, not only the one suite debootstrap writes) and name resolution.
configure_root() {
	local f copied=0
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
		[[ -f $f ]] && grep -qs debian "$f" || continue
		cp "$f" "$CHROOT/etc/apt/sources.list.d/" && copied=1
	done
	if [[ -f /etc/apt/sources.list ]] && grep -qs '^deb ' /etc/apt/sources.list; then
		cp /etc/apt/sources.list "$CHROOT/etc/apt/sources.list"
	elif ((copied)); then
		rm -f "$CHROOT/etc/apt/sources.list"
	fi
	cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true
	echo "apt sources: $(cd "$CHROOT/etc/apt" && ls sources.list sources.list.d/* 2>/dev/null | xargs)"
}

# scripts/fresh-run.py drives `make run`: it is the checker's tool, so it is taken from
# this tree (the clone may be of a commit without it) and put into the root's /tmp.
run_demo() {
	install -m 0755 "$ROOT/scripts/fresh-run.py" "$CHROOT/tmp/fresh-run.py" &&
		in_root "python3 /tmp/fresh-run.py --timeout $RUN_TIMEOUT"
}

# Run a command in the root, in the clone, as root, with a clean environment.
in_root() { # shell-command
	chroot "$CHROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "cd $SRC_IN_ROOT 2>/dev/null; $1"
}

# The source as a user gets it: a clone of the commit checked out here (committed
# work only), and `make` itself, which README asks for and minbase lacks.
clone_source() {
	local head
	head=$(git -C "$ROOT" rev-parse HEAD) || return 1
	[[ -z $(git -C "$ROOT" status --porcelain --untracked-files=no) ]] ||
		echo "note: uncommitted changes in $ROOT are not part of the check"
	git clone -q --no-checkout "$ROOT" "$CHROOT$SRC_IN_ROOT" &&
		git -C "$CHROOT$SRC_IN_ROOT" checkout -q --detach "$head" || return 1
	echo "cloned $(git -C "$CHROOT$SRC_IN_ROOT" log --oneline -1)"
	in_root "command -v make || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends make; }"
}

main() {
	[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, chroot, mounts): sudo make fresh-check"
	mkdir -p "$LOGS"
	[[ -n ${FRESH_FROM:-} ]] || rm -f "$LOGS"/*.log
	trap unmount_all EXIT
	trap 'exit 130' INT TERM

	local from=${FRESH_FROM:-} s
	case $from in
	"" | make | "make test" | "make run") ;;
	*) die "FRESH_FROM='$from': give make, \"make test\" or \"make run\"" ;;
	esac
	if [[ -z $from ]]; then
		if [[ -s $TARBALL ]]; then
			step unpack unpack_root
		else
			step debootstrap debootstrap_root
		fi || return 1
		configure_root >"$LOGS/configure.log" 2>&1
	else
		[[ -d $CHROOT$SRC_IN_ROOT ]] || die "FRESH_FROM: no previous root with a clone in $CHROOT"
		say "reusing $CHROOT from the previous run, from step '$from'"
	fi
	mount_all || { say "FAIL mounts"; return 1; }

	[[ -n $from ]] || step clone clone_source || return 1
	for s in make "make test" "make run"; do
		[[ -z $from || $s == "$from" ]] || continue
		from=
		case $s in
		"make run") step "$s" run_demo ;;
		*) step "$s" in_root "$s" ;;
		esac || return 1
	done
}

main
rc=$?
((rc == 0 && FAILED == 0)) || rc=1
say "total $((SECONDS - T_START)) s wall: $( ((rc == 0)) && echo PASS || echo FAIL)"
exit $rc
