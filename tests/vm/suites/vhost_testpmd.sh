# vale-vhost, the vhost-user-net back-end on a VALE port: the program's
# conventions (capabilities, one listener per socket, SIGTERM), then DPDK
# testpmd as the front-end (net_virtio_user: a virtio driver in a process,
# no VM needed): frames cross from testpmd to a VALE port and back, and a
# vale-vhost killed with -9 comes back under a running front-end.
#
# testpmd comes from Debian's dpdk-dev (scripts/deps.sh); the PMDs it needs
# (virtio_user, the ring mempool) are plugins the EAL loads from its plugin
# directory, carried at their host paths, and libstdbuf line-buffers its output.
# bins: dpdk-testpmd stdbuf
# files: /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_net_virtio.so* /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_mempool_ring.so* /usr/libexec/coreutils/libstdbuf.so
# timeout: 300
# mem: 1024
# smp: 2

t "insmod netmap.ko" load_netmap

# ------------------------------------------------------------------
# The program alone.

t "--print-capabilities prints the net type and exits 0" sh -c '
	vale-vhost --print-capabilities > /tmp/caps && cat /tmp/caps &&
	tr -d " \n" < /tmp/caps | grep -qx "{\"type\":\"net\"}"'
t "--port is required (usage error, exit 2)" sh -c '
	vale-vhost --socket-path /tmp/x.sock; [ $? = 2 ]'
t "--socket-path and --fd exclude each other" sh -c '
	vale-vhost --port vale0:x --socket-path /tmp/x.sock --fd 0; [ $? = 2 ]'

# vh_stop PIDFILE: SIGTERM, and its exit status once it is gone (1 s at most).
vh_stop() {
	_p=$(cat $1) _i=0
	kill -TERM $_p || return 1
	while kill -0 $_p 2>/dev/null && [ $_i -lt 10 ]; do sleep 0.1; _i=$((_i + 1)); done
	kill -0 $_p 2>/dev/null && { echo "still running after 1 s"; kill -9 $_p; }
	wait $_p
}
vm0_term() {
	vh_stop /tmp/vh0.pid; _rc=$?
	cat /tmp/vh0.log
	[ $_rc = 0 ] && [ ! -e /tmp/vm0.sock ] && ! vale-ctl -l | grep -q "^vale0:vm0 "
}

vale-vhost --socket-path /tmp/vm0.sock --port vale0:vm0 > /tmp/vh0.log 2>&1 &
echo $! > /tmp/vh0.pid
t "vale-vhost listens on /tmp/vm0.sock" wait_for /tmp/vh0.log "serving /tmp/vm0.sock" 10
t "its VALE port vale0:vm0 exists" sh -c 'vale-ctl -l | grep -q "^vale0:vm0 "'
t "its RX ring is deeper than the kernel's default: 4096 RX slots, 1024 TX" sh -c '
	vale-ctl -g vale0:vm0 > /tmp/g0; cat /tmp/g0
	grep -q "^rx_slots: *4096$" /tmp/g0 && grep -q "^tx_slots: *1024$" /tmp/g0'
t "a second vale-vhost on the same socket is refused" sh -c '
	vale-vhost --socket-path /tmp/vm0.sock --port vale0:vm0b > /tmp/vh0b.log 2>&1
	rc=$?; cat /tmp/vh0b.log; [ $rc = 1 ] && grep -q "listening there" /tmp/vh0b.log'
t "SIGTERM: a prompt exit 0, the socket removed, the port gone" vm0_term

# ------------------------------------------------------------------
# DPDK testpmd as the front-end.

mkdir -p /var/run /dev/shm
diag "DPDK plugins: $(ls /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/ | tr '\n' ' ')"

# tp_start NAME VDEV [testpmd args]: interactive testpmd fed from a fifo (fd 7),
# output in /tmp/NAME.log (line-buffered through libstdbuf).
tp_start() {
	_n=$1 _v=$2
	shift 2
	rm -f /tmp/$_n.in
	mkfifo /tmp/$_n.in
	# The writer must be open before testpmd opens the fifo, or that blocks.
	exec 7<>/tmp/$_n.in
	stdbuf -oL dpdk-testpmd --no-huge -m 256 \
		--no-pci -l 0,1 --file-prefix $_n --vdev "$_v" -- -i \
		--txd=256 --rxd=256 --total-num-mbufs=4096 "$@" \
		< /tmp/$_n.in > /tmp/$_n.log 2>&1 &
	echo $! > /tmp/$_n.pid
}
tp() {	# tp COMMAND...: one testpmd command line
	echo "$*" >&7
}
# tp_stat NAME FIELD: the last value of FIELD (RX-packets, TX-packets) it printed.
tp_stat() {
	awk -v f="$2:" '$1 == f { v = $2 } END { print v + 0 }' /tmp/$1.log
}
tp_quit() {	# tp_quit NAME: quit and reap, or kill after 10 s
	tp quit
	_p=$(cat /tmp/$1.pid) _i=0
	while kill -0 $_p 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	kill -9 $_p 2>/dev/null
	wait $_p 2>/dev/null
	exec 7>&-
	return 0
}

tp_up() {	# tp_up NAME VHLOG: testpmd prompt, and vale-vhost saw it connect
	_p=$(cat /tmp/$1.pid) _i=0
	until grep -q "testpmd> " /tmp/$1.log; do
		kill -0 $_p 2>/dev/null && [ $_i -lt 900 ] ||
			{ echo "testpmd gone or stuck"; tail -n 30 /tmp/$1.log $2; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
	wait_for $2 "front-end connected" 30 || { tail -n 30 /tmp/$1.log $2; return 1; }
}
# more_than N PORT FIELD [SECONDS]: until the switch counter passes N.
more_than() {
	_i=0 _s=$((${4:-5} * 4))
	while :; do
		_v=$(ctr $2 $3)
		[ "${_v:-0}" -gt $1 ] && { echo "$2 $3 $_v"; return 0; }
		[ $_i -ge $_s ] && { echo "$2 $3 ${_v:-none}"; return 1; }
		sleep 0.25
		_i=$((_i + 1))
	done
}
rx_from_vale() {
	pkt-gen -i vale0:s -f tx -w 0 -n 1000 -R 1000 > /tmp/s.out 2>&1 || { cat /tmp/s.out; return 1; }
	sleep 1
	tp "show port stats 0"
	sleep 1
	_rx=$(tp_stat tp1 RX-packets)
	echo "testpmd RX-packets $_rx"
	grep -E "RX-packets|RX-errors" /tmp/tp1.log | tail -n 2
	[ "$_rx" -ge 950 ]
}
vh_killed() {	# vh_killed PIDFILE PORT: kill -9, and its port is gone
	kill -9 $(cat $1)
	wait $(cat $1) 2>/dev/null
	sleep 0.5
	! vale-ctl -l | grep -q "^$2 "
}
vh_alive_then_term() {
	kill -0 $(cat $1) && vh_stop $1
}

# --- vale-vhost as the server, testpmd connects (virtio_user's default).
vale-vhost --socket-path /tmp/vm1.sock --port vale0:vm1 --mac 02:00:00:00:00:01 \
	> /tmp/vh1.log 2>&1 &
echo $! > /tmp/vh1.pid
t "vale-vhost serves vale0:vm1 on /tmp/vm1.sock" wait_for /tmp/vh1.log "serving /tmp/vm1.sock" 10
pkt-gen -i vale0:r -f rx -w 0 > /tmp/r.out 2>&1 &
echo $! > /tmp/r.pid
tp_start tp1 net_virtio_user0,path=/tmp/vm1.sock,queues=1 --forward-mode=txonly
t "testpmd (net_virtio_user) connects to vale-vhost" tp_up tp1 /tmp/vh1.log
tp start
t "testpmd txonly -> vale0:vm1 -> switch -> pkt-gen on vale0:r" more_than 100 vale0:r rx_pkts 10
tp stop
diag "vale0:vm1 tx_pkts $(ctr vale0:vm1 tx_pkts), vale0:r rx_pkts $(ctr vale0:r rx_pkts)"
kill -INT $(cat /tmp/r.pid) 2>/dev/null
wait $(cat /tmp/r.pid) 2>/dev/null

tp set fwd rxonly
tp start
sleep 1
t "pkt-gen broadcasts on vale0:s reach testpmd rxonly" rx_from_vale
tp stop
tp_quit tp1
t "after the front-end left, vale-vhost waits for the next one" \
	wait_for /tmp/vh1.log "waiting for the next front-end" 10
t "the --mac announcement went into the switch at connect" \
	grep -qE "announces [1-9]" /tmp/vh1.log
t "SIGTERM ends the server (exit 0)" vh_stop /tmp/vh1.pid

# --- testpmd as the server (server=1), vale-vhost connects and reconnects.
vale-vhost --client --socket-path /tmp/vm2.sock --port vale0:vm2 > /tmp/vh2.log 2>&1 &
echo $! > /tmp/vh2.pid
tp_start tp2 net_virtio_user0,path=/tmp/vm2.sock,queues=1,server=1 --forward-mode=txonly
t "testpmd (server=1) up, vale-vhost --client connected" tp_up tp2 /tmp/vh2.log
tp start
t "frames flow through the client-mode vale-vhost" more_than 100 vale0:vm2 tx_pkts 10
t "kill -9 vale-vhost: its port goes away" vh_killed /tmp/vh2.pid vale0:vm2
vale-vhost --client --socket-path /tmp/vm2.sock --port vale0:vm2 > /tmp/vh2b.log 2>&1 &
echo $! > /tmp/vh2.pid
t "the restarted vale-vhost reconnects to the running testpmd" \
	wait_for /tmp/vh2b.log "front-end connected" 30
resumed() {
	more_than 100 vale0:vm2 tx_pkts 15 && return 0
	kill -USR1 $(cat /tmp/vh2.pid)
	sleep 0.5
	tail -n 20 /tmp/vh2b.log /tmp/tp2.log
	return 1
}
t "traffic resumes after the restart" resumed
tp stop
tp_quit tp2
t "vale-vhost --client outlives its front-end, exits on SIGTERM" vh_alive_then_term /tmp/vh2.pid
diag "server: $(grep -E "tx [0-9]+ pkts" /tmp/vh1.log | tail -n 1 | cut -d" " -f3-)"
diag "restarted client: $(grep -E "tx [0-9]+ pkts" /tmp/vh2b.log | tail -n 1 | cut -d" " -f3-)"
# --- Two queue pairs: virtio queue pair i on ring pair i of the VALE port.
# A back-end that served only the first pair would leave testpmd's second TX
# queue stuck after one ring's worth (256) of frames.
vale-vhost --socket-path /tmp/vm3.sock --port vale0:vm3 --queues 2 > /tmp/vh3.log 2>&1 &
echo $! > /tmp/vh3.pid
t "vale-vhost --queues 2 serves vale0:vm3" wait_for /tmp/vh3.log "2 queue pair" 10
tp_start tp3 net_virtio_user0,path=/tmp/vm3.sock,queues=2 --forward-mode=txonly --txq=2 --rxq=2
t "testpmd with two queue pairs connects" tp_up tp3 /tmp/vh3.log
tp start
sleep 3
tp stop
tp "show port xstats 0"
sleep 1
q_tx() {	# q_tx N: the last per-queue TX packet count testpmd printed for queue N
	awk -v k="tx_q$1_good_packets:" '$1 == k { v = $2 } END { print v + 0 }' /tmp/tp3.log
}
both_queues() {
	echo "queue 0: $(q_tx 0), queue 1: $(q_tx 1), switch: $(ctr vale0:vm3 tx_pkts)"
	[ "$(q_tx 0)" -gt 1000 ] && [ "$(q_tx 1)" -gt 1000 ] &&
		[ "$(ctr vale0:vm3 tx_pkts)" -ge $(( $(q_tx 0) + $(q_tx 1) - 600 )) ]
}
t "both TX queues are served and their frames reach the switch" both_queues
tp_quit tp3
t "SIGTERM ends the two-pair server (exit 0)" vh_stop /tmp/vh3.pid

t "rmmod netmap" rmmod netmap
