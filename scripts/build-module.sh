#!/bin/bash
# Build netmap.ko (and the harness self-test module) for one kernel, out of tree,
# in a shadow copy under build/kmod/<kver>/ so that several kernel versions can be
# built side by side from one source tree. Fails on any compiler warning.
# usage: scripts/build-module.sh KVER KDIR
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kver=$1 kdir=$2
out=$top/build/kmod/$kver
[ -d "$kdir" ] || { echo "build-module: no kernel headers at $kdir (run 'make deps')" >&2; exit 1; }
mkdir -p "$out/include" "$out/selftest"
# -u keeps up-to-date copies (and their objects) so rebuilds stay incremental.
cp -a -u "$top/kernel" "$out/"
cp -a -u "$top/include/uapi" "$out/include/"
cp -a -u "$top/tests/vm/selftest/warnmod/." "$out/selftest/"

build() {	# build DIR
	local log=$1/build.log
	if ! make -C "$kdir" M="$1" modules > "$log" 2>&1; then
		cat "$log" >&2
		echo "build-module: build failed in $1 (log $log)" >&2
		return 1
	fi
	# BTF is skipped because the headers package has no vmlinux: informational.
	if grep -iE 'warning|error' "$log" | grep -v 'Skipping BTF generation' >&2; then
		echo "build-module: warnings in $1 (log $log)" >&2
		return 1
	fi
}
build "$out/kernel"
build "$out/selftest"
echo "built $out/kernel/netmap.ko"
