#!/bin/bash
# Build the guest initramfs: busybox-static, the distribution kernel modules the
# suites ask for (with their dependencies), our module(s), our static test programs,
# host binaries with their shared libraries, and the suites themselves.
#
# usage: mkinitramfs.sh OUT KROOT KVER
#        mkinitramfs.sh --overlay OUT
# env:   NM_MODS    directory whose *.ko files go to /netmap/ (our module, self-test modules)
#        NM_PROGS   directory whose files go to /usr/local/bin/ (static test programs, tools)
#        NM_SUITES  directories whose *.sh files go to /tests/suites/
#        NM_KMODS   distribution module names to include (dependencies resolved here)
#        NM_BINS    host programs to include with their libraries (names found in PATH)
#        NM_FILES   host files or directories (absolute paths, shell patterns allowed)
#                   to include at the same paths; ELF files bring their libraries
#        NM_PREP    a directory whose contents go to /prep/ (symbolic links followed)
#
# --overlay builds only NM_BINS, NM_FILES and NM_PREP into OUT: an archive to
# append to a full one (the kernel unpacks concatenated archives in order), so what
# one suite carries (a QEMU, DPDK) does not weigh on the boot of every other suite.
set -euo pipefail
overlay=0
if [ "${1:-}" = --overlay ]; then
	overlay=1
	out=$2
else
	out=$1 kroot=$2 kver=$3
fi
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# put FILE: copy one host file to the same path, with the libraries ldd names
# (ldd prints nothing useful for non-ELF files, which then come alone). A
# symbolic link stays one, next to what it points to: a plugin directory read
# by a program (DPDK's) must not show one library under two files.
put() {
	local f
	if [ -L "$1" ]; then
		[ -e "$t$1" ] || [ -L "$t$1" ] || { mkdir -p "$t$(dirname "$1")"; cp -P "$1" "$t$1"; }
		put "$(readlink -f "$1")"
		return
	fi
	for f in "$1" $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+'); do
		[ -e "$t$f" ] && continue
		mkdir -p "$t$(dirname "$f")"
		cp -L "$f" "$t$f"
	done
}
bins_files() {
	local b p f
	for b in ${NM_BINS:-}; do
		p=$(command -v "$b") || { echo "mkinitramfs: no program '$b' on this host" >&2; exit 1; }
		put "$(readlink -f "$p")"
		mkdir -p "$t/bin" "$t/etc"
		ln -sf "$(readlink -f "$p")" "$t/bin/$(basename "$p")"
		# busybox sh runs its own applet before searching PATH, whatever /bin
		# holds: lib.sh turns this list into functions so the real one wins.
		echo "$(basename "$p") $(readlink -f "$p")" >> "$t/etc/bins"
	done
	for p in ${NM_FILES:-}; do
		case $p in
		/*) ;;
		*) echo "mkinitramfs: '$p' is not an absolute path" >&2; exit 1 ;;
		esac
		# A pattern that matches nothing stays as written and fails here.
		[ -e "$p" ] || { echo "mkinitramfs: no file '$p' on this host" >&2; exit 1; }
		if [ -d "$p" ]; then
			while IFS= read -r -d '' f; do
				put "$f"
			done < <(find "$p" \( -type f -o -type l \) -print0)
		else
			put "$p"
		fi
	done
	if [ -n "${NM_PREP:-}" ]; then
		mkdir -p "$t/prep"
		cp -rL "$NM_PREP"/. "$t/prep/"
	fi
}
if [ $overlay = 1 ]; then
	bins_files
	(cd "$t" && find . -print0 | cpio --null -o -H newc --quiet) > "$out.tmp"
	mv "$out.tmp" "$out"
	exit 0
fi

mkdir -p "$t"/{bin,sbin,dev,proc,sys,tmp,run,mnt,etc,root,netmap,tests/suites,usr/local/bin,lib/modules}
cp /bin/busybox "$t/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$t/bin/$a"
done
install -m 0755 "$here/init.sh" "$t/init"
install -m 0644 "$here/lib.sh" "$t/tests/lib.sh"
install -m 0644 "$here/inner.sh" "$t/tests/inner.sh"

# Distribution modules, decompressed (6.12 ships .ko.xz, busybox insmod wants plain
# ELF). /etc/kmods/NAME lists NAME and its dependencies in load order; it is
# empty when NAME is built into this kernel (virtio_pci is a module in 6.1, built
# in in 6.12), so the guest can ask for it on either.
mkdir -p "$t/etc/kmods"
for m in $(printf '%s\n' ${NM_KMODS:-} | sort -u); do
	: > "$t/etc/kmods/$m"
	modprobe -d "$kroot" -S "$kver" --show-depends "$m" | while read -r kw path _; do
		[ "$kw" = insmod ] || continue
		b=$(basename "$path")
		b=${b%.xz}; b=${b%.zst}
		case $path in
		*.xz) xz -dc "$path" > "$t/lib/modules/$b" ;;
		*.zst) zstd -qdc "$path" > "$t/lib/modules/$b" ;;
		*) cp "$path" "$t/lib/modules/$b" ;;
		esac
		echo "$b" >> "$t/etc/kmods/$m"
	done
done

[ -n "${NM_MODS:-}" ] && cp "$NM_MODS"/*.ko "$t/netmap/"
[ -n "${NM_PROGS:-}" ] && [ -d "$NM_PROGS" ] && cp -a "$NM_PROGS"/. "$t/usr/local/bin/"
for d in ${NM_SUITES:-}; do
	cp "$d"/*.sh "$t/tests/suites/"
done

bins_files

(cd "$t" && find . -print0 | cpio --null -o -H newc --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
