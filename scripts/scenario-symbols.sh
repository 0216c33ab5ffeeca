#!/usr/bin/env bash
# Scenario build step (mk/hyp.mk, mk/tools.mk), between dtc and the check: for each VM
# whose node names a Linux System.map (`system-map = "linux/cloud/System.map";`), find
# that file like dtc's /incbin/ does (the search directories, in order), read the few
# symbols the shell's `dmesg` needs and write them into the same VM node of the blob as
#   system-map-symbols = <_text prb linux_banner kimage_voffset>   (64-bit each)
# in the order of enum cfg_ksym (src/config/inc/config.h). The multi-MB map itself
# never goes into the hypervisor image.
#
# usage: scenario-symbols.sh [-k] <scenario.dtb> <search-dir>...
# A named System.map that is missing or lacks a symbol is an error naming the VM and
# the field (exit status 1). With -k it is a warning and that VM gets no symbols, so the
# hypervisor's own check refuses the scenario at boot (tests of configs/invalid/).
set -euo pipefail

SYMBOLS=(_text prb linux_banner kimage_voffset) # enum cfg_ksym order

KEEP_GOING=0
die() { echo "error: $*" >&2; exit 1; }
refuse() { # message
	((KEEP_GOING)) || die "$*"
	echo "warning: $* (left to the hypervisor's check)" >&2
}

[[ ${1:-} != -k ]] || { KEEP_GOING=1; shift; }
[[ $# -ge 1 ]] || die "usage: $0 [-k] <scenario.dtb> <search-dir>..."
DTB=$1
shift
DIRS=("$@")

# The file a relative name designates: the first search directory that has it.
find_map() { # name
	local d
	if [[ $1 == /* ]]; then
		[[ -f $1 ]] && echo "$1"
		return 0
	fi
	for d in "${DIRS[@]}"; do
		[[ -f $d/$1 ]] && { echo "$d/$1"; return 0; }
	done
	return 0
}

# "hi lo" cell pairs of each symbol's address, in SYMBOLS order; the first one missing
# is named on stdout as "missing <name>".
read_symbols() { # file
	awk -v want="${SYMBOLS[*]}" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) need[w[i]] = 1 }
		NF == 3 && ($3 in need) && !($3 in addr) && length($1) == 16 && $1 ~ /^[0-9a-f]+$/ { addr[$3] = $1 }
		END {
			for (i = 1; i <= n; i++)
				if (!(w[i] in addr)) { print "missing " w[i]; exit }
			for (i = 1; i <= n; i++)
				printf "0x%s 0x%s ", substr(addr[w[i]], 1, 8), substr(addr[w[i]], 9, 8)
			print ""
		}' "$1"
}

vm_symbols() { # vm
	local vm=$1 name file cells
	fdtget -p "$DTB" "/vms/$vm" | grep -qx system-map || return 0
	name=$(fdtget -t s "$DTB" "/vms/$vm" system-map)
	file=$(find_map "$name")
	[[ -n $file ]] || {
		refuse "vm '$vm': system-map: \"$name\" not found (searched: ${DIRS[*]}; make linux-images writes build/linux/<flavor>/System.map)"
		return 0
	}
	cells=$(read_symbols "$file")
	[[ $cells != missing* ]] || {
		refuse "vm '$vm': system-map: \"$name\" has no symbol '${cells#missing }' (not a Linux 6.1 System.map?)"
		return 0
	}
	# shellcheck disable=SC2086 # the cells are separate arguments
	fdtput -t x "$DTB" "/vms/$vm" system-map-symbols $cells
}

main() {
	local vm
	[[ -f $DTB ]] || die "$DTB: no such file"
	fdtget -l "$DTB" /vms >/dev/null 2>&1 || return 0 # no /vms: the check says why
	for vm in $(fdtget -l "$DTB" /vms); do
		vm_symbols "$vm"
	done
}

main
