# inner.sh - guests inside the test guest, for suites with
# "# prepare: tests/vm/nested/prepare.sh" (the saved inner guest in /prep/) and
# the QEMU they carry ("# bins: qemu-system-x86_64", its firmware and TCG
# module in "# files:"). Sourced after lib.sh.
#
# An inner guest N restores the saved one (two copies boot in seconds where a
# boot under TCG inside TCG takes minutes), gets its NIC from the caller's QEMU
# options, and runs commands sent on its second serial port (tests/vm/nested/
# init.sh): inner_start, inner_resume, inner_run, inner_net_up, inner_off.

. /prep/inner.env

# inner_start N NETDEV-OPTIONS...: QEMU for guest N, restoring /prep/inner.state,
# with the NIC of the saved guest on the netdev those options define (id n0).
# Console in /tmp/vmN.console, QEMU's messages in /tmp/vmN.qemu.
inner_start() {
	_n=$1
	shift
	rm -f /tmp/vm$_n.* && mkfifo /tmp/vm$_n.ctl.in /tmp/vm$_n.ctl.out /tmp/vm$_n.mon.in /tmp/vm$_n.mon.out
	cat /tmp/vm$_n.ctl.out > /tmp/vm$_n.rep &
	cat /tmp/vm$_n.mon.out > /tmp/vm$_n.mon &
	qemu-system-x86_64 $INNER_ARGS \
		-chardev file,id=con,path=/tmp/vm$_n.console -serial chardev:con \
		-chardev pipe,id=ctl,path=/tmp/vm$_n.ctl -serial chardev:ctl \
		-chardev pipe,id=mon,path=/tmp/vm$_n.mon -mon chardev=mon,mode=readline \
		"$@" -device $INNER_NIC,netdev=n0 \
		-incoming "exec:cat /prep/inner.state" \
		< /dev/null > /tmp/vm$_n.qemu 2>&1 &
	echo $! > /tmp/vm$_n.pid
}

# inner_resume N: once the saved guest is loaded (paused), let it run.
inner_resume() {
	_i=0
	# "paused (inmigrate)" while loading, "paused" once done.
	until tr -d '\r' < /tmp/vm$1.mon | grep -q '^VM status: paused$'; do
		kill -0 $(cat /tmp/vm$1.pid) 2>/dev/null && [ $_i -lt 120 ] ||
			{ echo "vm$1 not restored"; cat /tmp/vm$1.qemu; return 1; }
		echo "info status" > /tmp/vm$1.mon.in
		sleep 0.5
		_i=$((_i + 1))
	done
	echo cont > /tmp/vm$1.mon.in
	inner_run $1 60 'echo up $(cut -d" " -f1 /proc/uptime)'
}

# inner_run N SECONDS WORD...: the words, joined by spaces, as one shell line
# in guest N; prints its output, returns its status (124: no answer in time).
inner_run() {
	_n=$1 _w=$2
	shift 2
	_id=$(($(cat /tmp/vm.seq 2>/dev/null || echo 0) + 1))
	echo $_id > /tmp/vm.seq
	echo "$_id $*" > /tmp/vm$_n.ctl.in
	if ! wait_for /tmp/vm$_n.rep "^$_id: @@rc " $_w; then
		echo "vm$_n: no answer in $_w s to: $*"
		return 124
	fi
	sed -n "s/^$_id: //p" /tmp/vm$_n.rep | tr -d '\r' > /tmp/vm.out
	grep -v '^@@rc ' /tmp/vm.out
	return $(sed -n 's/^@@rc //p' /tmp/vm.out)
}

# inner_net_up N MAC ADDR/LEN: the virtio-net driver binds the NIC (and
# negotiates its features with the back-end), eth0 gets MAC and address.
inner_net_up() {
	inner_run $1 90 'cat /etc/nic > /sys/bus/pci/drivers/virtio-pci/bind &&' \
		"ip link set eth0 address $2 && ip addr add $3 dev eth0 &&" \
		'ip link set eth0 up && ip addr show eth0 && cat /sys/class/net/eth0/device/features'
}

# inner_reach N ADDR: a first ping reply within 10 tries.
inner_reach() {
	inner_run $1 60 "i=0; until ping -c 1 -W 2 $2; do i=\$((i + 1)); [ \$i -lt 10 ] || exit 1; done"
}

# inner_iperf N ADDR LOG: a 3 s TCP run from guest N to ADDR (an iperf3 server
# there), retried while the server is not listening yet; its summary lines.
inner_iperf() {
	_k=0
	until inner_run $1 90 timeout 80 iperf3 -c $2 -t 3 -f m --connect-timeout 10000 > $3; do
		_k=$((_k + 1))
		[ $_k -lt 3 ] && grep -q "refused" $3 || { cat $3; return 1; }
		sleep 1
	done
	grep -E 'sender|receiver' $3
}

# inner_mbps LOG: the receiver's Mbit/s of an inner_iperf log.
inner_mbps() {
	awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print $i }' $1
}

# inner_off N: poweroff in the guest, its QEMU gone within 30 s.
inner_off() {
	echo "0 poweroff -f" > /tmp/vm$1.ctl.in
	_p=$(cat /tmp/vm$1.pid) _i=0
	while kill -0 $_p 2>/dev/null && [ $_i -lt 300 ]; do sleep 0.1; _i=$((_i + 1)); done
	kill -0 $_p 2>/dev/null && { echo "QEMU vm$1 still running"; kill -9 $_p; }
	wait $_p
}

# inner_clean N...: their kernels logged no warning.
inner_clean() {
	for _n; do
		! grep -aE 'WARNING:|BUG:|Oops|general protection fault|Call Trace|Kernel panic|RIP:' \
			/tmp/vm$_n.console || return 1
	done
}
