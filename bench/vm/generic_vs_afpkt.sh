# Benchmark (d): the generic adapter's transmit path against AF_PACKET on the
# same device, in the same guest, at 60 and 1514 bytes. The device is the
# veth end va; its peer vb sits in netns nsb, where "afpkt rx" (PACKET_MMAP,
# CPU 1) counts what arrives. The senders, each on CPU 0, take turns:
#   direct  pkt-gen -f tx on netmap:va (the generic adapter's NIC TX ring)
#   uplink  pkt-gen -f tx on vale0:s, a VALE port of a switch whose uplink
#           is va ("vale-ctl -a vale0:va"): out through the adapter's drain
#   afpkt   afpkt tx on va (TPACKET_V2 TX ring, PACKET_QDISC_BYPASS)
# Every sender sends the same bytes (afpkt pcap writes the frame pkt-gen -P
# sends): EtherType 0x88b5 to vb's MAC, which the stack in nsb drops at once.
# The three alternate for NM_BENCH_ROUNDS rounds; a figure is the median of the
# receiver's per-second reports of every round. Every result is a
# "# BENCH key value" line; bench/run.sh makes the table.
# timeout: 600
# mem: 1024
# smp: 2
# kmods: veth
# bins: ip
. /usr/local/bin/bench-lib
SECS=${NM_BENCH_SECS:-4}	# steady seconds per measurement
ROUNDS=${NM_BENCH_ROUNDS:-2}
# iproute2 by its full path: busybox sh runs its own "ip" applet first
# (lib.sh's function covers this shell, not the shells "ip netns exec" starts).
IP=/bin/ip
NS="$IP netns exec nsb"

t "insmod netmap.ko" load_netmap
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6

veth_setup() {
	$IP netns add nsb && $IP link add va type veth peer name vb &&
	$IP link set vb netns nsb &&
	$NS sh -c "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6" &&
	$IP link set va up && $NS $IP link set vb up || return 1
	MACA=$(cat /sys/class/net/va/address)
	MACB=$($NS cat /sys/class/net/vb/address)
	[ -n "$MACA" ] && [ -n "$MACB" ] || return 1
	for len in 60 1514; do
		afpkt pcap -l $len -D "$MACB" -S "$MACA" > /tmp/f.$len.pcap || return 1
	done
	echo "va $MACA -> vb $MACB"
}

vstat() {	# vstat IF FIELD: a counter of IF, in the root netns or nsb
	case $1 in
	vb) $NS cat /sys/class/net/vb/statistics/$2 ;;
	*) cat /sys/class/net/$1/statistics/$2 ;;
	esac
}

# backlog: frames dropped on full per-CPU input queues (netdev_max_backlog),
# and the times the softirq ran out of budget: /proc/net/softnet_stat, all CPUs.
backlog() {
	_bd=0 _bs=0
	while read -r _p _d _s _rest; do
		_bd=$((_bd + 0x$_d)) _bs=$((_bs + 0x$_s))
	done < /proc/net/softnet_stat
	echo "$_bd $_bs"
}

# rx_start: the receiver, a second before the sender starts.
rx_start() {
	set -- $(backlog)
	_bl_d=$1 _bl_s=$2
	_va_txd=$(vstat va tx_dropped)
	_vb_rx=$(vstat vb rx_packets)
	$NS taskset -c 1 afpkt rx -i vb -T $((SECS + 5)) > /tmp/rx.out 2> /tmp/rx.log &
	_rx=$!
	sleep 1
}

# rx_finish WHAT LEN: collect the receiver's reports and the losses.
rx_finish() {
	wait $_rx
	samples /tmp/rx.log >> /tmp/s.$1.$2
	samples /tmp/tx.log >> /tmp/s.$1_tx.$2
	# Frames that reached vb but not the socket's ring (it was full).
	sed -n 's/.*, \([0-9]*\) socket drops$/\1/p' /tmp/rx.out >> /tmp/d.$1_sock.$2
	# Frames veth dropped on the way (the CPU's input backlog was full).
	echo $(($(vstat va tx_dropped) - _va_txd)) >> /tmp/d.$1_veth.$2
	echo $(($(vstat vb rx_packets) - _vb_rx)) >> /tmp/d.$1_vbrx.$2
	_w=$1 _l=$2
	set -- $(backlog)
	echo $(($1 - _bl_d)) >> /tmp/d.${_w}_backlog.$_l
	{ echo "== $_w $_l B"; cat /tmp/tx.log /tmp/tx.out /tmp/rx.log /tmp/rx.out
	  echo "veth va tx_dropped +$(tail -1 /tmp/d.${_w}_veth.$_l)," \
		"vb rx_packets +$(tail -1 /tmp/d.${_w}_vbrx.$_l)," \
		"softnet dropped +$(($1 - _bl_d)) time_squeeze +$(($2 - _bl_s))"
	} >> /tmp/log.$_w.$_l
}

# pg_run PORT: pkt-gen -f tx on PORT for SECS + 2 seconds.
pg_run() {
	taskset -c 0 pkt-gen -i "$1" -f tx -N -w 0 -P /tmp/f.$2.pcap \
		> /tmp/tx.out 2> /tmp/tx.log &
	_tx=$!
	sleep $((SECS + 2))
	kill -INT $_tx; wait $_tx
}

direct_run() {	# direct_run LEN: pkt-gen on netmap:va
	rx_start
	pg_run netmap:va $1
	rx_finish direct $1
}

uplink_run() {	# uplink_run LEN: pkt-gen on vale0:s, out through uplink va
	if ! vale-ctl -a vale0:va > /tmp/attach.out 2>&1; then
		diag "vale-ctl -a vale0:va failed: $(cat /tmp/attach.out)"
		return 1
	fi
	rx_start
	pg_run vale0:s $1
	vale-ctl -l vale0:va >> /tmp/log.uplink.$1
	# What the switch could not hand to the uplink's ring.
	ctr vale0:va drop_noroom >> /tmp/d.uplink_noroom.$1
	vale-ctl -d vale0:va || diag "vale-ctl -d vale0:va failed"
	rx_finish uplink $1
}

afpkt_run() {	# afpkt_run LEN: afpkt tx on va
	rx_start
	taskset -c 0 afpkt tx -i va -l "$1" -D "$MACB" -T $((SECS + 2)) \
		> /tmp/tx.out 2> /tmp/tx.log
	rx_finish afpkt $1
}

t "veth va <-> vb, vb in netns nsb; the frames written" veth_setup
r=0
while [ $r -lt "$ROUNDS" ]; do
	for len in 60 1514; do
		direct_run $len
		uplink_run $len
		afpkt_run $len
	done
	r=$((r + 1))
done
sum() { awk '{ s += $1 } END { printf "%.0f\n", s }' "$@" 2>/dev/null; }
for len in 60 1514; do
	for what in direct uplink afpkt; do
		for k in "$what" "${what}_tx"; do
			diag "BENCH gen_$k.$len.pps $(median < /tmp/s.$k.$len 2>/dev/null)"
			diag "BENCH gen_$k.$len.samples $(tr '\n' ' ' < /tmp/s.$k.$len 2>/dev/null)"
		done
		# Totals over every round.
		diag "BENCH gen_$what.$len.sock_drops $(sum /tmp/d.${what}_sock.$len)"
		diag "BENCH gen_$what.$len.veth_drops $(sum /tmp/d.${what}_veth.$len)"
		diag "BENCH gen_$what.$len.backlog_drops $(sum /tmp/d.${what}_backlog.$len)"
		diag "BENCH gen_$what.$len.vb_rx $(sum /tmp/d.${what}_vbrx.$len)"
		t "$what $len B: the receiver counted frames" \
			test "$(median < /tmp/s.$what.$len)" -gt 0
	done
	diag "BENCH gen_uplink.$len.noroom $(sum /tmp/d.uplink_noroom.$len)"
done
for f in /tmp/log.*; do
	echo "== $f"; cat "$f"
done
t "rmmod netmap" rmmod netmap
