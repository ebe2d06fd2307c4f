#!/bin/bash
# Extract the uncompressed ELF vmlinux from a Debian bzImage (xz for 6.1, zstd for 6.12).
# QEMU boots the ELF through its PVH entry point, about twice as fast as the bzImage
# decompressor under TCG. When no ELF can be recovered, OUT becomes a copy of the bzImage,
# which QEMU also boots.
# usage: extract-vmlinux.sh VMLINUZ OUT
set -euo pipefail
in=$1 out=$2
tmp=$out.tmp
try() {	# try MAGIC DECOMPRESSOR...
	local off
	off=$(LC_ALL=C grep -aboP "$1" "$in" | head -1 | cut -d: -f1) || true
	[ -n "$off" ] || return 1
	# Trailing data after the compressed stream makes the decompressor complain: expected.
	tail -c +$((off + 1)) "$in" | "${@:2}" > "$tmp" 2>/dev/null || true
	[ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]
}
if try '\xfd\x37\x7a\x58\x5a\x00' xz -dcq || try '\x28\xb5\x2f\xfd' zstd -dcq; then
	mv "$tmp" "$out"
else
	rm -f "$tmp"
	cp "$in" "$out"
fi
