#!/bin/bash
# Boot a sandbox guest with our module loaded and show what is there.
# usage: tests/vm/sandbox.sh [-k KSERIES] [-i]
#   -i  stay in an interactive shell on the console (exit it to power off)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kseries=6.1 shell=0
while getopts k:i opt; do
	case $opt in
	k) kseries=$OPTARG ;;
	i) shell=1 ;;
	*) exit 2 ;;
	esac
done
kver=$(cat "$top/build/kernels/series-$kseries")
out=$top/build/vm/sandbox-$kver
mkdir -p "$out"
echo "sandbox: building the initramfs" >&2
NM_MODS=$top/build/kmod/$kver/kernel NM_PROGS=$top/build/vm/progs \
	NM_SUITES=$top/tests/vm/sandbox "$top/tests/vm/mkinitramfs.sh" "$out/initramfs.cpio" \
	"$top/build/kernels/$kver/root" "$kver"
echo "sandbox: booting Debian $kver under QEMU (TCG)" >&2
args=(-accel tcg -cpu qemu64 -M pc -nodefaults -no-user-config -display none -no-reboot
	-m 512 -smp 2 -serial mon:stdio -serial file:"$out/verdict" -serial file:"$out/dmesg"
	-kernel "$top/build/kernels/$kver/vmlinux" -initrd "$out/initramfs.cpio"
	-append "console=ttyS0 loglevel=4 panic=-1 nm.suite=sandbox nm.shell=$shell")
if [ $shell = 1 ]; then
	exec qemu-system-x86_64 "${args[@]}"
fi
timeout -k 5 300 qemu-system-x86_64 "${args[@]}" < /dev/null | tr -d '\r' | grep -v '^@@'
grep -q '^ok - load netmap.ko' "$out/verdict" || { echo "sandbox: the module did not load" >&2; exit 1; }
echo "sandbox: done (guest log: $out)" >&2
