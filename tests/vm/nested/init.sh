#!/bin/sh
# /init of the guests that vhost_nested runs inside its test guest (prepare.sh
# builds their initramfs): mount the basics, then answer commands on the second
# serial port. A line "ID COMMAND" runs COMMAND (a shell line, stdin /dev/null)
# and answers with COMMAND's output and "@@rc STATUS", each line prefixed "ID: ".
# prepare.sh saves the guest once it waits for its first command ("@@READY"),
# its virtio modules loaded but its NIC bound to no driver (the PCI address is
# in /etc/nic); the copies restored in the test guest bind it, so that the
# driver negotiates its features with their own back-end, take their MAC and
# address, and run the test by commands.
export PATH=/bin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
# The modules (a minute under nested TCG, a moment here). virtio_pci binds
# the NIC (built in, as in 6.12, it did at boot): unbind it before virtio_net
# comes, which would negotiate features with the NIC as saved (no back-end).
kmod() {
	for k in $(cat /etc/kmods/$1); do
		grep -q "^${k%.ko} " /proc/modules || insmod /lib/modules/$k
	done
}
kmod virtio_pci
for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor)" = 0x1af4 ] && echo ${d##*/} > /etc/nic
done
echo $(cat /etc/nic) > /sys/bus/pci/devices/$(cat /etc/nic)/driver/unbind
kmod virtio_net
# Zero the free memory (a tmpfs file as large as it, gone again): the saved
# state then carries only the pages in use, the rest are zero pages.
free=$(awk '/^MemFree:/ { print int($2 / 1024) - 24 }' /proc/meminfo)
mount -t tmpfs -o size=${free}m zero /mnt
dd if=/dev/zero of=/mnt/zero bs=1M 2> /dev/null
umount /mnt
stty -F /dev/ttyS1 raw -echo
exec 3<> /dev/ttyS1
echo "@@READY $(cut -d' ' -f1 /proc/uptime)" >&3
while read -r id cmd <&3; do
	sh -c "$cmd" < /dev/null > /tmp/out 2>&1
	rc=$?
	sed "s/^/$id: /" /tmp/out >&3
	echo "$id: @@rc $rc" >&3
done
poweroff -f
