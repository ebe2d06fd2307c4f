#!/bin/sh
# /init of the test guest: mount the basics, load the modules the suite asks for,
# run one suite (named on the kernel command line as nm.suite=NAME), dump the
# kernel log, power off. TAP lines go to /dev/ttyS1 (the verdict channel), the
# full kernel log to /dev/ttyS2; the console carries everything for humans.
export PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts
mount -t tmpfs tmp /tmp
ip link set lo up 2>/dev/null

suite= shell=0
for a in $(cat /proc/cmdline); do
	case $a in
	nm.suite=*) suite=${a#nm.suite=} ;;
	nm.shell=*) shell=${a#nm.shell=} ;;
	nm.*=*)
		# nm.foo=bar on the kernel command line is NM_FOO=bar for the suite.
		k=${a%%=*}
		k=$(echo "${k#nm.}" | tr a-z A-Z)
		export "NM_$k=${a#*=}"
		;;
	esac
done

# "# kmods: a b" in the suite header names distribution modules to load first.
f=/tests/suites/$suite.sh
if [ -f "$f" ]; then
	for m in $(sed -n 's/^# kmods: *//p' "$f"); do
		for k in $(cat /etc/kmods/$m); do
			grep -q "^${k%.ko} " /proc/modules || insmod /lib/modules/$k
		done
	done
	echo "@@SUITE $suite" > /dev/ttyS1
	cd /tmp && NM_SUITE=$suite sh -c ". /tests/lib.sh; . $f"
	echo "@@END" > /dev/ttyS1
else
	echo "not ok - suite file $f exists" > /dev/ttyS1
fi
dmesg > /dev/ttyS2
if [ "$shell" = 1 ]; then
	echo "sandbox shell: exit to power off"
	setsid cttyhack sh
fi
sync
poweroff -f
