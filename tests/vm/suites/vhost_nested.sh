# vale-vhost under real guests: this guest runs two inner QEMU guests (stock
# QEMU, TCG, virtio-net-pci on -netdev vhost-user, RAM from a shared memfd)
# whose NICs are ports vale0:vm1 and vale0:vm2 served by two vale-vhost
# processes. The guests ping each other and pass TCP (iperf3) with checksum
# and segmentation offload on; a vale-vhost killed with -9 during a ping and
# started again takes the running guest back (QEMU is the vhost-user server,
# as libvirt runs it; vale-vhost --client reconnects). Ping RTT and iperf3
# throughput between the guests are reported (# BENCH lines), not asserted.
#
# The inner guests run this guest's own kernel. Booting it under TCG inside
# TCG takes minutes (three with the host otherwise idle), so
# tests/vm/nested/prepare.sh boots one on the host and saves it with its
# virtio modules loaded and its NIC bound to no driver (/prep/inner.state);
# here two QEMUs restore it (-incoming) and the guests bind their NICs, so
# virtio_net negotiates its features with vale-vhost. Their /init
# (tests/vm/nested/init.sh) runs commands sent on their second serial port:
# inner_run below.
# prepare: tests/vm/nested/prepare.sh
# kseries: 6.1
# bins: qemu-system-x86_64
# files: /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so /usr/share/seabios/bios-256k.bin
# timeout: 300
# mem: 1536
# smp: 2

t0=$(cut -d. -f1 /proc/uptime)
el() { echo $(($(cut -d. -f1 /proc/uptime) - t0)); }	# seconds since the suite began

t "insmod netmap.ko" load_netmap
t "the saved inner guest came along (prepare.sh)" test -s /prep/inner.state -a -s /prep/inner.env
. /tests/inner.sh

# ------------------------------------------------------------------
# Inner guest N: QEMU listens on /tmp/vmN.sock (server=on, as libvirt runs
# it) and waits there for its back-end before anything else; vale-vhost
# --client connects. Then QEMU restores the saved guest (paused, as it was
# saved) and is told to continue on its monitor. Console in /tmp/vmN.console,
# commands go to /tmp/vmN.ctl.in, the answers come in /tmp/vmN.rep.

vm_start() {
	_n=$1
	inner_start $_n -chardev socket,id=vhu,path=/tmp/vm$_n.sock,server=on,wait=off \
		-netdev vhost-user,id=n0,chardev=vhu
	_i=0
	until [ -S /tmp/vm$_n.sock ]; do
		kill -0 $(cat /tmp/vm$_n.pid) 2>/dev/null && [ $_i -lt 300 ] ||
			{ echo "QEMU vm$_n did not create its socket"; cat /tmp/vm$_n.qemu; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
	vh_start $_n /tmp/vh$_n.log
	wait_for /tmp/vh$_n.log "front-end connected" 30 || { cat /tmp/vh$_n.log /tmp/vm$_n.qemu; return 1; }
}
vh_start() {	# vh_start N LOG: vale-vhost for guest N
	vale-vhost --client --socket-path /tmp/vm$1.sock --port vale0:vm$1 \
		--mac 52:54:00:00:07:0$1 > $2 2>&1 &
	echo $! > /tmp/vh$1.pid
}

net_up() {	# net_up N: eth0 with MAC 52:54:00:00:07:0N, 10.7.0.N/24
	inner_net_up $1 52:54:00:00:07:0$1 10.7.0.$1/24
}

t "vm1: QEMU waits, vale-vhost --client connected to it" vm_start 1
t "vm2: QEMU waits, vale-vhost --client connected to it" vm_start 2
t "vm1: the saved guest restored and running" inner_resume 1
t "vm2: the saved guest restored and running" inner_resume 2
diag "inner guests running at +$(el) s"
t "vm1: virtio-net driver bound, eth0 up" net_up 1
t "vm2: virtio-net driver bound, eth0 up" net_up 2
diag "inner NICs up at +$(el) s"

# ------------------------------------------------------------------
# Offloads as the guest drivers negotiated them.

offloads() {	# offloads N: checksum and TSO on in guest N
	inner_run $1 30 ethtool -k eth0 > /tmp/ek$1 || { cat /tmp/ek$1; return 1; }
	grep -E '^(tx-checksumming|rx-checksumming|tcp-segmentation-offload|generic-receive-offload):' /tmp/ek$1
	grep -q '^tx-checksumming: on' /tmp/ek$1 && grep -q '^tcp-segmentation-offload: on' /tmp/ek$1
}
t "vm1: ethtool -k: tx-checksumming and TSO on" offloads 1
t "vm2: ethtool -k: tx-checksumming and TSO on" offloads 2

# ------------------------------------------------------------------
# Ping and TCP through vale0.

reach() { inner_reach "$@"; }	# reach N ADDR: a first reply within 10 tries
t "vm1 pings vm2 through vale0" reach 1 10.7.0.2
t "vm2 pings vm1 through vale0" reach 2 10.7.0.1
rtt() {
	inner_run 2 60 ping -c 10 -i 0.2 10.7.0.1 > /tmp/rtt || { cat /tmp/rtt; return 1; }
	tail -n 2 /tmp/rtt
	grep -q ' 0% packet loss' /tmp/rtt
}
t "vm2 -> vm1: 10 pings, no loss" rtt
diag "BENCH nested.ping_ms $(sed -n 's|^round-trip.* = [0-9.]*/\([0-9.]*\)/.*|\1|p' /tmp/rtt)"

t "vm1: iperf3 server" inner_run 1 30 'iperf3 -s > /tmp/iperf3-s.log 2>&1 & sleep 1; pidof iperf3'
iperf() { inner_iperf 2 10.7.0.1 $1; }	# iperf LOG: TCP vm2 -> vm1, 3 s
mbps() { inner_mbps $1; }
t "vm2 -> vm1: iperf3 TCP, 3 s" iperf /tmp/iperf1
diag "BENCH nested.tcp_mbps $(mbps /tmp/iperf1)"

# vh_stats N: vale-vhost's counter line for guest N (SIGUSR1).
vh_stats() {
	_c=$(grep -c " tx [0-9]* pkts" $2)
	kill -USR1 $(cat /tmp/vh$1.pid)
	_i=0
	while [ $(grep -c " tx [0-9]* pkts" $2) = $_c ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep " tx [0-9]* pkts" $2 | tail -n 1 | sed 's/.*: tx /tx /'
}
# The frames vm2 sent: the TCP data went as TSO frames, larger than any
# wire frame, and crossed the switch as such.
tso_frames() {
	_s=$(vh_stats 2 /tmp/vh2.log)
	echo "vale-vhost vm2: $_s"
	echo "$_s" | awk '{ exit !($2 > 0 && $4 / $2 > 1514) }'
}
t "vm2's frames average more than 1514 bytes (TSO across the switch)" tso_frames
diag "vm1 back-end: $(vh_stats 1 /tmp/vh1.log)"
diag "this guest: $(grep MemAvailable /proc/meminfo | tr -s ' ') with both inner guests running"

# ------------------------------------------------------------------
# kill -9 vm1's back-end during a ping from vm2, start it again.

replies() {	# the ping replies vm2 has had so far
	inner_run 2 30 'grep -c "bytes from" /tmp/ping.log'
}
more_replies() {	# more_replies N SECONDS: until vm2 has had more than N
	_i=0
	while :; do
		_c=$(replies)
		[ "${_c:-0}" -gt $1 ] && { echo "$_c replies (had $1)"; return 0; }
		[ $_i -ge $2 ] && { echo "${_c:-no} replies (had $1)"; return 1; }
		sleep 1
		_i=$((_i + 1))
	done
}
inner_run 2 10 'ping -i 0.25 10.7.0.1 > /tmp/ping.log 2>&1 & echo $! > /tmp/ping.pid'
t "vm2 pings vm1 continuously" more_replies 3 30
vh_killed() {
	kill -9 $(cat /tmp/vh1.pid)
	wait $(cat /tmp/vh1.pid) 2>/dev/null
	sleep 0.5
	! vale-ctl -l | grep -q "^vale0:vm1 "
}
t "kill -9 vm1's vale-vhost during the ping: its port goes away" vh_killed
n_kill=$(replies)
sleep 2
n_gap=$(replies)
diag "replies at the kill: $n_kill, 2 s later: $n_gap; vm1's QEMU: $(tail -n 2 /tmp/vm1.qemu | tr '\n' ' ')"
vh_start 1 /tmp/vh1b.log
t "the restarted vale-vhost reconnects to vm1's running QEMU" \
	wait_for /tmp/vh1b.log "front-end connected" 30
resumed() {	# 3 replies more than in the gap, which the new back-end carried
	more_replies $((n_gap + 2)) 60 && return 0
	kill -USR1 $(cat /tmp/vh1.pid)
	sleep 1
	cat /tmp/vh1b.log
	tail -n 5 /tmp/vm1.qemu /tmp/vm1.console
	inner_run 2 10 'tail -n 5 /tmp/ping.log; ip -s link show eth0'
	return 1
}
t "vm2's ping to vm1 resumes after the restart" resumed
inner_run 2 10 'kill -INT $(cat /tmp/ping.pid); sleep 1; tail -n 2 /tmp/ping.log' > /tmp/ping.sum
diag "ping across the restart: $(grep transmitted /tmp/ping.sum)"
t "a second iperf3 vm2 -> vm1 completes after the restart" iperf /tmp/iperf2
diag "after the restart: $(mbps /tmp/iperf2) Mbit/s; vm1 back-end: $(vh_stats 1 /tmp/vh1b.log)"
t "neither inner QEMU restarted" sh -c 'kill -0 $(cat /tmp/vm1.pid) && kill -0 $(cat /tmp/vm2.pid)'

# ------------------------------------------------------------------
# The end: guests off, back-ends stopped with SIGTERM, module out.

vm_off() { inner_off $1; }
t "vm1 powers off" vm_off 1
t "vm2 powers off" vm_off 2
vh_term() {
	kill -TERM $(cat /tmp/vh$1.pid) && wait $(cat /tmp/vh$1.pid)
}
t "vale-vhost vm1 (restarted) exits 0 on SIGTERM" vh_term 1
t "vale-vhost vm2 exits 0 on SIGTERM" vh_term 2
t "inner guests' kernel logs clean" inner_clean 1 2
diag "suite done at +$(el) s"
t "rmmod netmap" rmmod netmap
