#!/bin/bash
# Host-side step of the vhost_nested suite ("# prepare:"): the initramfs of the
# inner guests (busybox, the distribution's virtio modules, iperf3 and ethtool
# with their libraries, init.sh), and one such guest booted here under QEMU and
# saved (a migration to a file) once its /init waits for commands. Booting the
# Debian kernel under TCG inside a TCG guest takes minutes; the test guest
# restores two copies of this one in seconds instead.
#
# usage: prepare.sh DIR    (env from run.sh: NM_KVER, NM_KROOT, NM_KIMAGE)
# DIR gets inner.state (the saved guest) and inner.env (shell variables:
# INNER_ARGS, the QEMU options the restoring side must repeat, and INNER_NIC,
# the NIC device without its netdev). The saved guest has a NIC nothing is
# plugged into and no driver for it yet: the restored one negotiates its
# features with whatever back-end the restoring QEMU gives the NIC.
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
qpid=
trap '[ -n "$qpid" ] && kill -9 $qpid 2> /dev/null; rm -rf "$t"' EXIT

# --- the initramfs
r=$t/root
mkdir -p "$r"/{bin,proc,sys,dev,tmp,mnt,etc/kmods,lib/modules}
cp /bin/busybox "$r/bin/"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
done
# As mkinitramfs.sh: /etc/kmods/NAME lists NAME and its dependencies in load
# order, empty when built in (virtio_pci in 6.12); modules decompressed.
for m in virtio_pci virtio_net; do
	: > "$r/etc/kmods/$m"
	modprobe -d "$NM_KROOT" -S "$NM_KVER" --show-depends $m | while read -r kw path _; do
		[ "$kw" = insmod ] || continue
		b=$(basename "$path")
		b=${b%.xz}; b=${b%.zst}
		case $path in
		*.xz) xz -dc "$path" > "$r/lib/modules/$b" ;;
		*.zst) zstd -qdc "$path" > "$r/lib/modules/$b" ;;
		*) cp "$path" "$r/lib/modules/$b" ;;
		esac
		echo "$b" >> "$r/etc/kmods/$m"
	done
done
for p in iperf3 ethtool; do
	bin=$(readlink -f "$(command -v $p)")
	for f in "$bin" $(ldd "$bin" | grep -oE '/[^ ]+'); do
		[ -e "$r$f" ] && continue
		mkdir -p "$r$(dirname "$f")"
		cp -L "$f" "$r$f"
	done
	[ -e "$r/bin/$p" ] || ln -s "$bin" "$r/bin/$p"
done
install -m 0755 "$here/init.sh" "$r/init"
(cd "$r" && find . -print0 | cpio --null -o -H newc --quiet) > "$t/inner.cpio"

# --- one guest, booted and saved. What the state depends on is in
# INNER_ARGS and INNER_NIC (machine, memory backend, NIC in slot 3, two
# serial ports in that order); -kernel, -initrd and -append are not needed
# to restore. RAM is a shared memfd, as vhost-user wants.
mem=192
INNER_ARGS="-accel tcg,tb-size=128 -M pc,memory-backend=mem -m $mem -smp 1
 -object memory-backend-memfd,id=mem,size=${mem}M,share=on
 -nodefaults -no-user-config -display none -no-reboot"
INNER_NIC="virtio-net-pci,addr=3,vectors=0,romfile="
mkfifo "$t/mon.in" "$t/mon.out"
for attempt in 1 2 3; do
	: > "$t/ctl"
	: > "$t/mon.log"
	cat "$t/mon.out" > "$t/mon.log" &
	qemu-system-x86_64 $INNER_ARGS \
		-chardev file,id=con,path="$t/console" -serial chardev:con \
		-chardev file,id=ctl,path="$t/ctl" -serial chardev:ctl \
		-chardev pipe,id=mon,path="$t/mon" -mon chardev=mon,mode=readline \
		-device "$INNER_NIC" \
		-kernel "$NM_KIMAGE" -initrd "$t/inner.cpio" \
		-append "console=ttyS0 loglevel=5 panic=-1 oops=panic cryptomgr.notests mitigations=off" \
		< /dev/null > "$t/qemu.log" 2>&1 &
	qpid=$!
	s=$SECONDS
	while ! grep -q '^@@READY' "$t/ctl" && kill -0 $qpid 2> /dev/null && [ $((SECONDS - s)) -lt 120 ]; do
		sleep 0.2
	done
	grep -q '^@@READY' "$t/ctl" && break
	# Under TCG the 6.12 kernel now and then dies early (an int3 left by
	# boot-time code patching): boot again.
	echo "prepare: attempt $attempt: the inner guest did not reach its /init:"
	tail -n 20 "$t/console" "$t/qemu.log"
	kill -9 $qpid 2> /dev/null
	wait $qpid 2> /dev/null
	qpid=
	[ $attempt = 3 ] && exit 1
done
echo "prepare: inner guest up in $((SECONDS - s)) s (guest clock $(sed -n 's/^@@READY //p' "$t/ctl") s)"
hmp() { echo "$*" > "$t/mon.in"; }
hmp stop
hmp "migrate \"exec:cat > '$out/inner.state'\""
s=$SECONDS
until tr -d '\r' < "$t/mon.log" | grep -qE '^Migration status: (completed|failed)'; do
	[ $((SECONDS - s)) -lt 60 ] || { echo "prepare: migration did not end"; exit 1; }
	hmp info migrate
	sleep 0.5
done
tr -d '\r' < "$t/mon.log" | grep -qE '^Migration status: completed' ||
	{ echo "prepare: migration failed:"; tr -d '\r' < "$t/mon.log" | tail -n 20; exit 1; }
hmp quit
wait $qpid
qpid=
{
	echo "INNER_ARGS='$(echo $INNER_ARGS)'"
	echo "INNER_NIC='$INNER_NIC'"
} > "$out/inner.env"
echo "prepare: saved $(du -m "$out/inner.state" | cut -f1) MiB in $((SECONDS - s)) s"
grep -aE 'WARNING:|BUG:|Oops|Call Trace|RIP:' "$t/console" && { echo "prepare: the inner guest's kernel complained"; exit 1; }
exit 0
