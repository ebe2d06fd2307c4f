#!/bin/bash
# stage-dpdk.sh - a guest-programs directory that also carries DPDK's testpmd,
# for the vhost_testpmd guest suite.
#
# usage: qemu-backend/stage-dpdk.sh OUTDIR [PROGSDIR]
#   OUTDIR    created afresh: everything of PROGSDIR (default build/vm/progs)
#             plus dpdk/, a private root holding dpdk-testpmd, the PMDs it
#             loads with -d (virtio_user, the ring mempool), libstdbuf.so and
#             every shared library those need, at their host paths
#   then:     NM_PROGS=OUTDIR tests/vm/run.sh -s vhost_testpmd ...
#
# Why a directory of its own: the harness's "# bins:" resolves each name with
# "command -v", which rejects the PMDs (dlopen()ed libraries, mode 0644), and a
# name it cannot resolve aborts the initramfs of every suite; testpmd itself
# is not installed by scripts/deps.sh (Debian package dpdk-dev). The suite
# skips its DPDK half when dpdk/ is absent from the guest.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: stage-dpdk.sh OUTDIR [PROGSDIR]}
progs=${2:-$top/build/vm/progs}

tp=$(command -v dpdk-testpmd) || {
	echo "stage-dpdk.sh: dpdk-testpmd not found (install the Debian package dpdk-dev)" >&2
	exit 1
}
# The PMDs are named by the EAL's plugin directory of this DPDK version.
pmdir=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* 2>/dev/null | sort -V | tail -1)
[ -n "$pmdir" ] || { echo "stage-dpdk.sh: no DPDK PMD directory" >&2; exit 1; }
pmds=()
for p in net_virtio mempool_ring; do
	f=$(ls "$pmdir"/librte_"$p".so.* 2>/dev/null | head -1)
	[ -n "$f" ] || { echo "stage-dpdk.sh: no librte_$p in $pmdir" >&2; exit 1; }
	pmds+=("$(readlink -f "$f")")
done
stdbuf_so=/usr/libexec/coreutils/libstdbuf.so

rm -rf "$out"
mkdir -p "$out"
[ -d "$progs" ] && cp -a "$progs"/. "$out"/
root=$out/dpdk
copy() {	# copy FILE...: each with every library ldd names, at the same paths
	local f g
	for f; do
		for g in $(readlink -f "$f") $(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+'); do
			[ -e "$root$g" ] && continue
			mkdir -p "$root$(dirname "$g")"
			cp -L "$g" "$root$g"
		done
	done
}
copy "$tp" "${pmds[@]}"
[ -f "$stdbuf_so" ] && copy "$stdbuf_so"

# What the suite needs to know, as shell assignments.
{
	echo "DPDK_TESTPMD=$(readlink -f "$tp")"
	# Where the loader must look: testpmd's RUNPATH names host paths.
	echo "DPDK_LIBDIRS=$(cd "$root" && find . -name '*.so*' -printf '%h\n' |
		sed 's|^\.||' | sort -u | paste -sd:)"
	echo "DPDK_PMDS=\"${pmds[*]}\""
	[ -f "$stdbuf_so" ] && echo "DPDK_STDBUF=$stdbuf_so"
	echo "DPDK_VERSION=$(dpkg-query -W -f='${Version}' dpdk-dev 2>/dev/null || echo unknown)"
} > "$root/env"
echo "stage-dpdk.sh: $out: $(du -sh "$root" | cut -f1) of DPDK ($(basename "$tp"), ${#pmds[@]} PMDs)" >&2
