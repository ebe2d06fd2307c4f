#!/bin/bash
# Install every Debian package the build, tests and benchmarks need, then fetch and
# unpack the distribution kernel image matching each supported header package into
# build/kernels/<KVER>/ (never touching the host's /boot or bootloader).
#
# Idempotent: when everything is present it prints one line and changes nothing.
# usage: scripts/deps.sh [--kernels-only]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KCACHE:-$top/build/kernels}
export DEBIAN_FRONTEND=noninteractive

# Packages by purpose; keep this list the single source of truth.
pkgs=(
	# build
	build-essential pkg-config bc kmod cpio xz-utils zstd file
	linux-headers-amd64
	# userspace libraries
	libcmocka-dev libjansson-dev
	# make bench counts the per-port counters' instructions (callgrind)
	valgrind
	# the config corpus is also checked against valed's JSON Schema
	python3-jsonschema
	# guest harness
	qemu-system-x86 busybox-static iproute2
	# vhost-user front-ends in the guest (dpdk-testpmd), traffic between nested guests
	dpdk-dev iperf3 ethtool
	# the libvirt examples proven by libvirt itself (tests/vm/suites/valed_libvirt.sh
	# carries libvirtd, its QEMU driver and virsh into the guest; no service starts here)
	libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing+=("$p")
done

# The 6.12 series from bookworm-security: pick the newest ABI name the archive offers.
# The answer is remembered in build/kernels/series-6.12 so repeated runs stay offline.
need_update=0
if [ ! -s "$cache/series-6.12" ] && [ "${1:-}" != --no-612 ]; then
	need_update=1
fi
if [ ${#missing[@]} -gt 0 ] || [ $need_update = 1 ]; then
	echo "deps: apt-get update" >&2
	apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$cache"

# ABI name (e.g. 6.1.0-56-amd64) of the headers the metapackage depends on.
kver61=$(dpkg-query -W -f='${Depends}\n' linux-headers-amd64 |
	tr ',' '\n' | sed -n 's/^ *linux-headers-\([^ ]*\).*/\1/p' | head -1)
[ -n "$kver61" ] || { echo "deps: cannot find the 6.1 header ABI name" >&2; exit 1; }
echo "$kver61" > "$cache/series-6.1"

if [ ! -s "$cache/series-6.12" ]; then
	kver612=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sed 's/^linux-headers-//' | sort -V | tail -1)
	[ -n "$kver612" ] || { echo "deps: the archive offers no 6.12 headers" >&2; exit 1; }
	echo "$kver612" > "$cache/series-6.12"
fi
kver612=$(cat "$cache/series-6.12")

if ! dpkg-query -W -f='${Status}\n' "linux-headers-$kver612" 2>/dev/null |
	grep -q '^install ok installed'; then
	echo "deps: installing linux-headers-$kver612" >&2
	apt-get install -y -qq --no-install-recommends "linux-headers-$kver612" >/dev/null
fi

# Unpack one kernel image .deb into $cache/$kver (boot image + modules).
fetch_image() {
	local kver=$1 pkg dir
	dir=$cache/$kver
	[ -f "$dir/.done" ] && return 0
	pkg=linux-image-$kver
	# 6.12 ships its unsigned image under a -unsigned name; 6.1 has both, the plain one suffices.
	apt-cache show "$pkg" >/dev/null 2>&1 || pkg=$pkg-unsigned
	echo "deps: fetching $pkg" >&2
	rm -rf "$dir"; mkdir -p "$dir"
	(cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null)
	dpkg-deb -x "$dir"/"$pkg"_*.deb "$dir/root"
	rm -f "$dir"/*.deb
	depmod -b "$dir/root" "$kver"
	"$top/tests/vm/extract-vmlinux.sh" "$dir/root/boot/vmlinuz-$kver" "$dir/vmlinux"
	touch "$dir/.done"
}
fetch_image "$kver61"
fetch_image "$kver612"
echo "deps: ok (6.1 = $kver61, 6.12 = $kver612)" >&2
