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

suite= shell=0 nicmods=
for a in $(cat /proc/cmdline); do
	case $a in
	nm.suite=*) suite=${a#nm.suite=} ;;
	nm.shell=*) shell=${a#nm.shell=} ;;
	nm.nicmods=*) nicmods=$(echo "${a#nm.nicmods=}" | tr , ' ') ;;
	nm.*=*)
		# nm.foo=bar on the kernel command line is NM_FOO=bar for the suite.
		k=${a%%=*}
		k=$(echo "${k#nm.}" | tr a-z A-Z)
		export "NM_$k=${a#*=}"
		;;
	esac
done

# kmod NAME: load a distribution module and its dependencies (listed by
# mkinitramfs.sh; the list is empty when NAME is built in).
kmod() {
	for k in $(cat /etc/kmods/$1); do
		grep -q "^${k%.ko} " /proc/modules || insmod /lib/modules/$k
	done
}

# The guest NICs of "# nics:" (run.sh passes the models as nm.nics, their
# drivers as nm.nicmods). The kernel names NICs in probe order, which is not
# the order asked for when models mix ("e1000 virtio" loads e1000 last), so
# name them by the MAC run.sh gave NIC i, 52:54:00:12:34:<i+1>: first out of
# the way, then eth<i>, as two NICs may hold each other's names.
nic_names() {
	for d in /sys/class/net/*; do
		a=$(cat $d/address)
		case $a in 52:54:00:12:34:??) ;; *) continue ;; esac
		i=$((0x${a##*:} - 1))
		[ "${d##*/}" = eth$i ] || ip link set dev "${d##*/}" name nmnic$i
	done
	for d in /sys/class/net/nmnic*; do
		[ -e "$d" ] && ip link set dev "${d##*/}" name eth${d##*/nmnic}
	done
}

# nic_check: one line for the verdict saying what each NIC became, or a
# failure for each NIC that is not the eth<i> the suite expects.
nic_check() {
	i=0 info=
	for m in $(echo "$NM_NICS" | tr , ' '); do
		mac=$(printf '52:54:00:12:34:%02x' $((i + 1)))
		if [ "$(cat /sys/class/net/eth$i/address 2>/dev/null)" = "$mac" ]; then
			drv=$(readlink /sys/class/net/eth$i/device/driver)
			info="$info eth$i=${drv##*/}/$mac"
		else
			echo "not ok - harness: NIC $i ($m, $mac) is eth$i" | tee /dev/ttyS1
			ls -l /sys/class/net/
		fi
		i=$((i + 1))
	done
	[ -z "$info" ] || echo "# nics:$info" | tee /dev/ttyS1
}

# "# kmods: a b" in the suite header names distribution modules to load first;
# the NIC drivers come after them.
f=/tests/suites/$suite.sh
if [ -f "$f" ]; then
	for m in $(sed -n 's/^# kmods: *//p' "$f") $nicmods; do
		kmod $m
	done
	[ -n "${NM_NICS:-}" ] && nic_names
	echo "@@SUITE $suite" > /dev/ttyS1
	[ -n "${NM_NICS:-}" ] && nic_check
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
