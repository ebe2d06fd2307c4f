# Benchmark (e): vhost-user back-ends measured with a real virtio front-end
# that needs no emulated CPU. DPDK testpmd with net_virtio_user stands in
# for each VM: one sends (--forward-mode=txonly, MAC 02:..:01, to 02:..:02),
# the other counts (--forward-mode=rxonly, MAC 02:..:02). Three paths, all
# set up at once in this guest and measured in turns:
#   vale  our back-end: two vale-vhost processes on vale0:vm1 (sender) and
#         vale0:vm2 (receiver), learned unicast (vm2's vale-vhost announces
#         the receiver's MAC with --mac when it connects)
#   valed our back-end as the appliance runs it: valed serving vale1:vm1 and
#         vale1:vm2 with "cpu_affinity": [0, 1], so from two worker threads,
#         one pinned to each CPU (the same vhu_vport code as vale-vhost; the
#         receiver's MAC is the port's "mac" in the config)
#   kern  Linux vhost-net: virtio_user's vhost-kernel back-end
#         (path=/dev/vhost-net,iface=tapt|tapr), both taps on bridge br0,
#         the receiver's MAC a static FDB entry (learned unicast, as VALE)
#   dpdk  DPDK's vhost PMD: a third testpmd forwards net_vhost0 <-> net_vhost1
#         (--forward-mode=io), the stand-in for OVS-DPDK
# Every testpmd gets the same options: split virtqueues of QSZ descriptors,
# bursts of BURST, MBUFS mbufs, and the sender "set txpkts LEN" (LEN is the
# frame without CRC: 64 and 1514 B; 64 is testpmd's own default, 4 bytes
# more than the 60 B of parts (a) and (d)).
#
# Placement, the same in every path: the sender testpmd (main and forwarding
# lcore) on CPU 0, the receiver on CPU 1. The back-end threads may run on
# either CPU and the scheduler places them: the two vale-vhost processes
# (event-driven; NM_BENCH_VHOST_COALESCE=N, 1 from bench/run.sh, adds
# --coalesce-ms N, which valed has not; NM_BENCH_VHOST_BUSY=1 adds --busy-poll
# instead, and "busy_poll": true for valed, whose workers are pinned one a
# CPU), the
# two vhost-net workers (on 6.12 they are threads of the testpmd that owns
# them and would inherit its CPU: set to both CPUs here), and the DPDK
# switch's lcores (it busy-polls: a third spinning process on two vCPUs).
#
# A measurement: "set txpkts LEN", start the receiver (and the DPDK switch),
# start the sender, WARM seconds, then a window of SECS seconds between two
# snapshots ("show port stats 0" asked of sender and receiver at once, the
# uptime noted as they are asked). The rate is the receiver's RX-packets
# delta over the window's uptime; testpmd's own Rx-pps for the same span
# (its clock, taken where it reads the counters) is kept as a cross-check.
# The sender's TX-packets delta is what its virtqueue took; what it made but
# found no room for (its "stop" forward stats, TX-dropped) is "refused".
# The scheduler's clock (schedstat) gives the CPU time of the back-end's
# threads, of the sender and of the receiver in the window, and how long
# the back-end waited for a CPU. The three paths take turns for
# NM_BENCH_ROUNDS rounds; the figures pool the windows of all rounds. Only
# the measured path's processes work: the others sit stopped (testpmd's
# forwarding lcores block while forwarding is stopped, the back-ends sleep).
# Every result is a "# BENCH key value" line; bench/run.sh makes the tables.
# timeout: 1500
# mem: 2560
# smp: 2
# kmods: tun bridge vhost_net
# bins: dpdk-testpmd stdbuf ip bridge
# files: /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_net_virtio.so* /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_net_vhost.so* /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_mempool_ring.so* /usr/libexec/coreutils/libstdbuf.so
. /usr/local/bin/bench-lib
SECS=${NM_BENCH_SECS:-4}	# steady seconds per measurement
ROUNDS=${NM_BENCH_ROUNDS:-3}
WARM=2				# seconds between the sender's start and the window
SIZES=$(echo "${NM_BENCH_SIZES:-64 1514}" | tr , " ")
PATHS="vale valed kern dpdk"
QSZ=1024			# virtqueue size (descriptors), every front-end
BURST=32
MBUFS=8192			# per testpmd
PMDMEM=128			# MB of (non-huge) memory per testpmd
MAC_TX=02:00:00:00:00:01
MAC_RX=02:00:00:00:00:02
TX_LCORES=0@0,1@0		# EAL main lcore 0, forwarding lcore 1
RX_LCORES=0@1,1@1
SW_LCORES="0@(0,1),1@(0,1)"
VH_OPTS=
# Busy polling has nothing to coalesce: it wins over NM_BENCH_VHOST_COALESCE.
if [ "${NM_BENCH_VHOST_BUSY:-0}" = 1 ]; then
	VH_OPTS=--busy-poll
	NM_BENCH_VHOST_COALESCE=0
elif [ "${NM_BENCH_VHOST_COALESCE:-0}" -gt 0 ]; then
	VH_OPTS="--coalesce-ms $NM_BENCH_VHOST_COALESCE"
fi

# The real programs by their paths: busybox sh has applets of some names, and
# lib.sh's functions for them do not reach a background job's pid.
bin() { sed -n "s/^$1 //p" /etc/bins; }
TESTPMD=$(bin dpdk-testpmd) STDBUF=$(bin stdbuf) IP=$(bin ip) BRIDGE=$(bin bridge)

t "insmod netmap.ko" load_netmap
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
mkdir -p /var/run /dev/shm
T0=$(uptime_s)
phase() { diag "  $1 at $(echo "$(uptime_s) $T0" | awk '{ printf "%.1f", $1 - $2 }') s"; }

# ------------------------------------------------------------------
# testpmd, driven through a fifo per instance.

# tp_start NAME LCORES VDEVS TESTPMD-ARGS...: an interactive testpmd reading
# commands from /tmp/NAME.in, output appended to /tmp/NAME.log (line-buffered).
# It opens its fifo read-write: it never sees end-of-file, and a writer never
# blocks while it lives.
tp_start() {
	_n=$1 _lc=$2 _vd=$3
	shift 3
	rm -f /tmp/$_n.in
	mkfifo /tmp/$_n.in
	: > /tmp/$_n.log
	$STDBUF -oL $TESTPMD --no-huge -m $PMDMEM --no-pci --no-telemetry \
		--lcores "$_lc" --file-prefix $_n $_vd -- -i \
		--rxd=$QSZ --txd=$QSZ --burst=$BURST --total-num-mbufs=$MBUFS "$@" \
		0<> /tmp/$_n.in >> /tmp/$_n.log 2>&1 &
	echo $! > /tmp/$_n.pid
}
alive() { kill -0 "$(cat /tmp/$1.pid 2>/dev/null)" 2>/dev/null; }
ask() {	# ask NAME COMMAND: one command line (nothing if it is gone)
	alive $1 && echo "$2" > /tmp/$1.in
}
loglen() { wc -c < /tmp/$1.log; }
# reply NAME OFFSET REGEX [SECONDS]: until the log past OFFSET matches REGEX;
# that part of the log is then in /tmp/NAME.reply.
reply() {
	local _w=0
	while :; do
		tail -c +$(($2 + 1)) /tmp/$1.log > /tmp/$1.reply
		grep -qE "$3" /tmp/$1.reply && return 0
		alive $1 && [ $_w -lt $((${4:-10} * 10)) ] || return 1
		sleep 0.1
		_w=$((_w + 1))
	done
}
# tp_up NAME: until its prompt (EAL and port set-up are slow under TCG).
tp_up() {
	reply $1 0 "testpmd> " 300 && return 0
	echo "$1: no prompt"; tail -n 30 /tmp/$1.log
	return 1
}
field() {	# field NAME KEY: the first value after "KEY:" in the reply
	awk -v k="$2:" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1) + 0; exit } }' \
		/tmp/$1.reply
}
tp_quit() {
	local _w=0
	alive $1 || return 0
	ask $1 stop
	ask $1 quit
	while alive $1 && [ $_w -lt 100 ]; do sleep 0.1; _w=$((_w + 1)); done
	alive $1 && kill -9 "$(cat /tmp/$1.pid)"
	return 0
}

# snap TX RX PATH: ask both testpmds for their port stats, note the uptime
# and the CPU use (path_use) at once, then wait for the answers. Prints
# "uptime backend-run backend-wait backend-sleeps sender-run receiver-run
# rx_packets rx_pps tx_packets tx_pps" (run and wait times in ms).
# testpmd's own *-pps are the packets since its previous "show port stats 0"
# over the time between the two by its own clock (a cross-check).
snap() {
	_ot=$(loglen $1) _or=$(loglen $2)
	ask $1 "show port stats 0"
	ask $2 "show port stats 0"
	_t=$(uptime_s)
	_u=$(path_use $3)
	sed -n 's/^cpu  *//p' /proc/stat >> /tmp/cpustat
	# Polling costs CPU the path would use: give testpmd time to answer.
	sleep 0.2
	reply $1 $_ot "Tx-pps" && reply $2 $_or "Tx-pps" || return 1
	echo "$_t $_u $(field $2 RX-packets) $(field $2 Rx-pps) $(field $1 TX-packets) $(field $1 Tx-pps)"
}

# ------------------------------------------------------------------
# CPU use, from the scheduler's own clock (/proc/PID/task/TID/schedstat:
# time on a CPU, time waiting for one, in ns): of the back-end's threads,
# and of the sender's and the receiver's (all their threads). Tick-based
# figures would not do: under TCG on a busy host the guest loses ticks.

# backend_threads PATH: the /proc/PID/task/TID of every back-end thread.
backend_threads() {
	case $1 in
	vale)
		for _p in $(cat /tmp/vh1.pid /tmp/vh2.pid); do ls -d /proc/$_p/task/*; done ;;
	valed)
		ls -d /proc/$(cat /tmp/valed.pid)/task/* ;;
	kern)
		# 6.1: kernel threads vhost-<owner pid>; 6.12: threads of the owner.
		for _d in /proc/[0-9]*/task/[0-9]*; do
			case $(cat $_d/comm 2>/dev/null) in vhost-[0-9]*) echo $_d ;; esac
		done ;;
	dpdk)
		ls -d /proc/$(cat /tmp/dpdk_sw.pid)/task/* ;;
	esac
}
# use DIR...: "run-ms wait-ms sleeps" summed over the threads DIR...
# (sleeps: voluntary context switches).
use() {
	_f=
	for _d; do _f="$_f $_d/schedstat $_d/status"; done
	awk 'FILENAME ~ /schedstat$/ { r += $1; w += $2; next }
		$1 == "voluntary_ctxt_switches:" { v += $2 }
		END { printf "%d %d %d\n", r / 1e6, w / 1e6, v }' $_f
}
# path_use PATH: "backend-run backend-wait backend-sleeps sender-run receiver-run"
path_use() {
	echo "$(use $(cat /tmp/threads.$1)) $(use /proc/$(cat /tmp/$1_tx.pid)/task/* |
		cut -d' ' -f1) $(use /proc/$(cat /tmp/$1_rx.pid)/task/* | cut -d' ' -f1)"
}

# backend_drops PATH: frames the back-end dropped so far (vale: the switch
# found vm2's RX ring full; kern: tapr's queue was full; dpdk: counted at stop).
backend_drops() {
	case $1 in
	vale) ctr vale0:vm2 drop_noroom ;;
	valed) ctr vale1:vm2 drop_noroom ;;
	kern) cat /sys/class/net/tapr/statistics/tx_dropped ;;
	dpdk) echo 0 ;;
	esac
}

# ------------------------------------------------------------------
# Set-up: every path at once.

vale_serve() {	# vale_serve N [--mac MAC]: vale-vhost on vale0:vmN, /tmp/vmN.sock
	_k=$1
	shift
	taskset -c 0,1 vale-vhost --port vale0:vm$_k --socket-path /tmp/vm$_k.sock \
		$VH_OPTS "$@" > /tmp/vh$_k.log 2>&1 &
	echo $! > /tmp/vh$_k.pid
}
vale_serving() {
	wait_for /tmp/vh1.log "serving /tmp/vm1.sock" 30 &&
	wait_for /tmp/vh2.log "serving /tmp/vm2.sock" 30 || { cat /tmp/vh1.log /tmp/vh2.log; return 1; }
}
vale_connected() {
	tp_up vale_rx && tp_up vale_tx || return 1
	wait_for /tmp/vh1.log "front-end connected" 60 &&
	wait_for /tmp/vh2.log "front-end connected" 60 || { cat /tmp/vh1.log /tmp/vh2.log; return 1; }
	# The announcement of the receiver's MAC reached the switch.
	sleep 0.5
	kill -USR1 "$(cat /tmp/vh2.pid)"
	wait_for /tmp/vh2.log "announces [1-9]" 10 || { cat /tmp/vh2.log; return 1; }
	vale-ctl -l
}
# valed as its unit starts it (foreground), one switch with two VM ports.
valed_serve() {
	mkdir -p /run/valed
	cat > /tmp/valed.json <<-EOF
	{ "global": { "cpu_affinity": [0, 1], "busy_poll": $([ "$VH_OPTS" = --busy-poll ] && echo true || echo false) },
	  "switches": [ { "name": "vale1", "ports": [
		{ "type": "vhost-user", "name": "vm1", "socket": "/tmp/vd1.sock" },
		{ "type": "vhost-user", "name": "vm2", "socket": "/tmp/vd2.sock", "mac": "$MAC_RX" } ] } ] }
	EOF
	taskset -c 0,1 valed start --config /tmp/valed.json > /tmp/valed.log 2>&1 &
	echo $! > /tmp/valed.pid
	_i=0
	while ! { [ -S /tmp/vd1.sock ] && [ -S /tmp/vd2.sock ]; }; do
		[ $_i -lt 300 ] || { cat /tmp/valed.log; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
}
valed_connected() {
	tp_up valed_rx && tp_up valed_tx || return 1
	wait_for /tmp/valed.log "vm1: front-end connected" 60 &&
	wait_for /tmp/valed.log "vm2: front-end connected" 60 || { cat /tmp/valed.log; return 1; }
	sleep 0.5
	valed status
}
dpdk_listening() {
	tp_up dpdk_sw && [ -S /tmp/vhu0.sock ] && [ -S /tmp/vhu1.sock ] ||
		{ ls -l /tmp/*.sock; tail -n 20 /tmp/dpdk_sw.log; return 1; }
}
kern_bridge() {
	tp_up kern_rx && tp_up kern_tx || return 1
	# DPDK gives a tap the MAC of its virtio_user port. As a bridge port that
	# would be a local FDB entry of br0, which would take the frames to the
	# receiver's MAC for itself: the taps get MACs of their own.
	$IP link add br0 type bridge &&
	$IP link set tapt address 02:00:00:00:10:01 &&
	$IP link set tapr address 02:00:00:00:10:02 &&
	$IP link set tapt master br0 && $IP link set tapr master br0 &&
	$IP link set tapt up && $IP link set tapr up && $IP link set br0 up &&
	$BRIDGE fdb add $MAC_RX dev tapr master static || return 1
	backend_threads kern > /tmp/threads.kern
	[ -s /tmp/threads.kern ] || { echo "no vhost worker threads"; return 1; }
	for _d in $(cat /tmp/threads.kern); do
		taskset -p 3 ${_d##*/} > /dev/null || return 1
		echo "$(cat $_d/comm) ($_d): $(taskset -p ${_d##*/})"
	done
	$BRIDGE fdb show br br0 | grep -i "$MAC_RX"
	$IP -br link
}
all_connected() {
	for _n in vale_tx vale_rx valed_tx valed_rx kern_tx kern_rx dpdk_tx dpdk_rx; do
		tp_up $_n || return 1
	done
	# The switch testpmd saw both front-ends: both its ports are up.
	_i=0
	while [ $_i -lt 20 ]; do
		_o=$(loglen dpdk_sw)
		ask dpdk_sw "show port info all"
		reply dpdk_sw $_o "Link status" 20 && sleep 0.5
		tail -c +$((_o + 1)) /tmp/dpdk_sw.log > /tmp/dpdk_sw.reply
		[ "$(grep -c "Link status: up" /tmp/dpdk_sw.reply)" -ge 2 ] && return 0
		sleep 1
		_i=$((_i + 1))
	done
	grep -iE "link|vhost" /tmp/dpdk_sw.log | tail -n 20
	return 1
}

vale_serve 1
vale_serve 2 --mac $MAC_RX
t "vale-vhost serves vale0:vm1 and vale0:vm2" vale_serving
t "valed serves vale1:vm1 and vale1:vm2" valed_serve
rm -f /tmp/vhu0.sock /tmp/vhu1.sock
tp_start dpdk_sw "$SW_LCORES" \
	"--vdev net_vhost0,iface=/tmp/vhu0.sock,queues=1 --vdev net_vhost1,iface=/tmp/vhu1.sock,queues=1" \
	--forward-mode=io
t "DPDK vhost switch listens on /tmp/vhu0.sock and /tmp/vhu1.sock" dpdk_listening
phase "back-ends up"

# The endpoints: receivers, then senders, of every path.
vu() {	# vu PATH MAC [more virtio_user arguments]: the --vdev of an endpoint
	echo "--vdev net_virtio_user0,path=$1,queues=1,queue_size=$QSZ,mac=$2$3"
}
tp_start vale_rx $RX_LCORES "$(vu /tmp/vm2.sock $MAC_RX)" --forward-mode=rxonly
tp_start valed_rx $RX_LCORES "$(vu /tmp/vd2.sock $MAC_RX)" --forward-mode=rxonly
tp_start kern_rx $RX_LCORES "$(vu /dev/vhost-net $MAC_RX ,iface=tapr)" --forward-mode=rxonly
tp_start dpdk_rx $RX_LCORES "$(vu /tmp/vhu1.sock $MAC_RX)" --forward-mode=rxonly
tp_start vale_tx $TX_LCORES "$(vu /tmp/vm1.sock $MAC_TX)" --forward-mode=txonly \
	--eth-peer=0,$MAC_RX
tp_start valed_tx $TX_LCORES "$(vu /tmp/vd1.sock $MAC_TX)" --forward-mode=txonly \
	--eth-peer=0,$MAC_RX
tp_start kern_tx $TX_LCORES "$(vu /dev/vhost-net $MAC_TX ,iface=tapt)" --forward-mode=txonly \
	--eth-peer=0,$MAC_RX
tp_start dpdk_tx $TX_LCORES "$(vu /tmp/vhu0.sock $MAC_TX)" --forward-mode=txonly \
	--eth-peer=0,$MAC_RX
t "(vale) testpmds connected to vale-vhost, receiver's MAC announced" vale_connected
t "(valed) testpmds connected to valed" valed_connected
t "(kern) testpmds on vhost-net, taps on bridge br0" kern_bridge
t "(dpdk) testpmds connected to the DPDK vhost switch" all_connected
backend_threads vale > /tmp/threads.vale
backend_threads valed > /tmp/threads.valed
backend_threads dpdk > /tmp/threads.dpdk
for p in $PATHS; do
	diag "$p back-end threads: $(for d in $(cat /tmp/threads.$p); do
		printf '%s(%s) ' $(cat $d/comm) ${d##*/}; done)"
done
if [ -n "${NM_BENCH_NICE:-}" ]; then
	for n in vale_tx vale_rx valed_tx valed_rx kern_tx kern_rx dpdk_tx dpdk_rx; do
		for d in /proc/$(cat /tmp/$n.pid)/task/*; do
			renice -n "$NM_BENCH_NICE" -p ${d##*/} > /dev/null
		done
	done
	diag "endpoints' threads at nice $NM_BENCH_NICE"
fi
phase "eight endpoints up"

# ------------------------------------------------------------------
# Measurements.

# measure PATH LEN: one measurement; appends to /tmp/{w,s,r,d}.PATH.LEN
measure() {
	_p=$1 _len=$2
	_tx=${_p}_tx _rx=${_p}_rx
	ask $_tx "set txpkts $_len"
	_d0=$(backend_drops $_p)
	[ $_p = dpdk ] && ask dpdk_sw start
	ask $_rx start
	sleep 0.5
	ask $_tx start
	sleep $WARM
	: > /tmp/cpustat
	snap $_tx $_rx $_p > /tmp/snaps || { echo "no stats"; return 1; }
	# The window lasts SECS seconds from the first snapshot.
	sleep $(awk -v a="$(cut -d' ' -f1 /tmp/snaps)" -v b="$(uptime_s)" -v s="$SECS" \
		'BEGIN { r = s - (b - a); printf "%.2f", (r < 0.1 ? 0.1 : r) }')
	snap $_tx $_rx $_p >> /tmp/snaps || { echo "no stats"; return 1; }
	# Stop the sender first, the receiver (and switch) once the rest is in.
	_o=$(loglen $_tx)
	ask $_tx stop
	reply $_tx $_o 'Done\.' 20 || { echo "sender did not stop"; return 1; }
	# Frames the sender made that its virtqueue had no room for.
	echo "$(field $_tx TX-dropped) $(field $_tx TX-total)" >> /tmp/r.$_p.$_len
	sleep 0.5
	if [ $_p = dpdk ]; then
		_o=$(loglen dpdk_sw)
		ask dpdk_sw stop
		reply dpdk_sw $_o 'Done\.' 20 || { echo "switch did not stop"; return 1; }
		# Port 1's forward stats: what the receiver's ring had no room for.
		awk '/Forward statistics for port 1/ { p = 1 }
			p && /TX-dropped:/ { print $4 + 0; exit }' /tmp/dpdk_sw.reply > /tmp/dd
		_d1=$(cat /tmp/dd)
	else
		_d1=$(($(backend_drops $_p) - _d0))
	fi
	_o=$(loglen $_rx)
	ask $_rx stop
	reply $_rx $_o 'Done\.' 20 || { echo "receiver did not stop"; return 1; }
	echo "${_d1:-0}" >> /tmp/d.$_p.$_len
	# The window: frames received and sent, uptime seconds, back-end run,
	# wait (ms) and sleeps, sender and receiver run, testpmd's rx and tx rates.
	awk 'NR == 1 { split($0, a, " ") } NR == 2 { split($0, b, " ") }
		END {
			printf "%d %d %.2f %d %d %d %d %d %d %d\n", b[7] - a[7], b[9] - a[9],
				b[1] - a[1], b[2] - a[2], b[3] - a[3], b[4] - a[4],
				b[5] - a[5], b[6] - a[6], b[8], b[10]
		}' /tmp/snaps >> /tmp/w.$_p.$_len
	tail -n 1 /tmp/w.$_p.$_len | awk '{ printf "%.0f\n", $1 / $3 }' >> /tmp/s.$_p.$_len
	echo "$_p $_len: rx $(tail -n 1 /tmp/s.$_p.$_len) pps; window $(tail -n 1 /tmp/w.$_p.$_len)" \
		"(rx tx secs; back-end run-ms wait-ms sleeps; run-ms sender receiver;" \
		"testpmd's rx_pps tx_pps);" \
		"refused $(tail -n 1 /tmp/r.$_p.$_len) (dropped total), back-end drops $_d1"
	# Where both CPUs went in the window, by the guest's (lossy) ticks.
	awk 'NR == 1 { split($0, a, " ") } NR == 2 { split($0, b, " ")
		for (i = 1; i <= 8; i++) { d[i] = b[i] - a[i]; t += d[i] } }
		END { if (t > 0) printf "  CPU: user %.0f%% system %.0f%% idle %.0f%% irq %.0f%% softirq %.0f%%\n",
			100 * d[1] / t, 100 * d[3] / t, 100 * d[4] / t, 100 * d[6] / t, 100 * d[7] / t }' \
		/tmp/cpustat
	# Some frames arrived.
	[ "$(tail -n 1 /tmp/w.$_p.$_len | cut -d' ' -f1)" -gt 0 ]
}

r=0
while [ $r -lt "$ROUNDS" ]; do
	for len in $SIZES; do
		for p in $PATHS; do
			t "round $((r + 1)) $p $len B: the receiver counted frames" measure $p $len
			cat /tmp/t.out
		done
	done
	r=$((r + 1))
done
phase "measurements done"

# ------------------------------------------------------------------
# Results.

for p in $PATHS; do
	for len in $SIZES; do
		# Pooled windows: frames over uptime seconds; testpmd's own rate
		# (each window's frames over its rx_pps) is a cross-check.
		# CPU: ms per second / 10 is percent of one CPU.
		set -- $(awk '{ r += $1; x += $2; s += $3; k += $4; w += $5; v += $6
				kt += $7; kr += $8; if ($9 > 0) e += $1 / $9 }
			END { if (s > 0)
				printf "%.0f %.0f %.0f %.1f %.0f %.1f %.1f %.0f %.1f", r / s, x / s,
					(x - r) / s, k / s / 10, v / s, kt / s / 10, kr / s / 10,
					(e > 0 ? r / e : 0), w / s / 10
				else print "0 0 0 0 0 0 0 0 0" }' /tmp/w.$p.$len 2>/dev/null)
		diag "BENCH vh_$p.$len.pps ${1:-0}"
		diag "BENCH vh_$p.$len.tx_pps ${2:-0}"
		diag "BENCH vh_$p.$len.lost_pps ${3:-0}"
		diag "BENCH vh_$p.$len.cpu_pct ${4:-0}"
		diag "BENCH vh_$p.$len.sleeps_ps ${5:-0}"
		diag "BENCH vh_$p.$len.tx_cpu_pct ${6:-0}"
		diag "BENCH vh_$p.$len.rx_cpu_pct ${7:-0}"
		diag "BENCH vh_$p.$len.pps_testpmd ${8:-0}"
		diag "BENCH vh_$p.$len.wait_pct ${9:-0}"
		diag "BENCH vh_$p.$len.samples $(tr '\n' ' ' < /tmp/s.$p.$len 2>/dev/null)"
		diag "BENCH vh_$p.$len.refused_pct $(awk '{ d += $1; n += $2 }
			END { printf "%.1f", (n > 0 ? 100 * d / n : 0) }' /tmp/r.$p.$len 2>/dev/null)"
		diag "BENCH vh_$p.$len.drops $(awk '{ d += $1 } END { print d + 0 }' \
			/tmp/d.$p.$len 2>/dev/null)"
	done
done

diag "BENCH vh.busy_poll ${NM_BENCH_VHOST_BUSY:-0}"
diag "BENCH vh.coalesce_ms ${NM_BENCH_VHOST_COALESCE:-0}"

# What the back-ends say about themselves.
for k in 1 2; do
	kill -USR1 "$(cat /tmp/vh$k.pid)"
done
sleep 0.5
for k in 1 2; do
	diag "vale-vhost vm$k: $(grep -E ' tx [0-9]+ pkts' /tmp/vh$k.log | tail -n 1 | cut -d' ' -f3-)"
done
diag "vale0:vm2 $(vale-ctl -l vale0:vm2 | tr -s ' \n' ' ')"
diag "vale1:vm2 $(vale-ctl -l vale1:vm2 | tr -s ' \n' ' ')"
# Every thread of the paths, totals over the whole run (a path's threads
# work only while it is measured): CPU time, time waiting for a CPU,
# voluntary and involuntary context switches.
for p in $PATHS; do
	for d in $(cat /tmp/threads.$p) $(ls -d /proc/$(cat /tmp/${p}_tx.pid)/task/* \
			/proc/$(cat /tmp/${p}_rx.pid)/task/*); do
		[ "$(awk '{ print int($1 / 1e7) }' $d/schedstat)" -gt 0 ] || continue
		diag "$p thread $(cat $d/comm)(${d##*/}): $(awk '{ printf "run %d ms, wait %d ms", $1 / 1e6, $2 / 1e6 }' \
			$d/schedstat), $(awk '/ctxt_switches/ { printf "%s %s ", $1, $2 }' $d/status)"
	done
done
for f in tapt tapr; do
	diag "$f: $(cd /sys/class/net/$f/statistics && for c in rx_packets rx_dropped tx_packets tx_dropped; do
		printf '%s %s ' $c $(cat $c); done)"
done

for n in vale_tx vale_rx valed_tx valed_rx kern_tx kern_rx dpdk_tx dpdk_rx dpdk_sw; do
	tp_quit $n
done
kill -TERM "$(cat /tmp/valed.pid)" 2>/dev/null
for k in 1 2; do
	kill -TERM "$(cat /tmp/vh$k.pid)" 2>/dev/null
done
sleep 1
for n in dpdk_sw vale_tx vale_rx valed_tx valed_rx kern_tx kern_rx dpdk_tx dpdk_rx; do
	echo "== $n (start-up and last lines)"
	head -n 40 /tmp/$n.log
	echo "..."
	tail -n 25 /tmp/$n.log
done
for k in 1 2; do
	echo "== vale-vhost vm$k"
	cat /tmp/vh$k.log
done
echo "== valed"
cat /tmp/valed.log
t "rmmod netmap" rmmod netmap
