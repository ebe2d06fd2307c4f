# Netmap pipes (vale0:p{N master, vale0:p}N slave) with pkt-gen: traffic in
# each direction at a moderate rate (-R) arrives complete (same packets and
# bytes as sent), so does traffic in both directions at once at full speed
# (TX-only /T and RX-only /R bindings of the two ends), on several pipes of
# one parent at once, and ping/pong round trips; the parent VALE port exists
# while a pipe is open; a pipe whose parent is not a VALE port or a device
# gets an auto-created persistent parent that cannot be removed by hand and
# disappears with the pipe. Finally: a pkt-gen receiver stopping by itself
# at -n N and a sender of N frames on the other end both finish.
# timeout: 150

# Packets a receiver has counted so far (sum of its periodic reports).
rx_sofar() {
	sed -n 's/.*main_thread.* (\([0-9]*\) pkts .*/\1/p' /tmp/$1.rxerr |
		awk '{ s += $1 } END { print s + 0 }'
}

# flow NAME RXPORT TXPORT N [pkt-gen tx args]: a receiver on RXPORT, then N
# frames sent from TXPORT (killed after 60 s); once the receiver counted N
# (30 s at most) it is stopped; it must have counted exactly the packets and
# bytes the sender reports. Leaves "ok" or "fail" in /tmp/NAME.res.
flow() {
	x_nm=$1 x_rxp=$2 x_txp=$3 x_n=$4
	shift 4
	echo fail > /tmp/$x_nm.res
	pkt-gen -i "$x_rxp" -f rx -w 0 -N -T 100 > /tmp/$x_nm.rx 2> /tmp/$x_nm.rxerr &
	x_rx=$!
	if ! wait_for /tmp/$x_nm.rx '^Receiving from' 20; then
		kill -INT $x_rx
		wait $x_rx
		cat /tmp/$x_nm.rx /tmp/$x_nm.rxerr
		return 1
	fi
	timeout -s KILL 60 pkt-gen -i "$x_txp" -f tx -w 0 -T 100 -n $x_n "$@" > /tmp/$x_nm.tx 2>&1
	x_rc=$?
	x_i=0
	while [ "$(rx_sofar $x_nm)" -lt $x_n ] && [ $x_i -lt 300 ]; do
		sleep 0.1
		x_i=$((x_i + 1))
	done
	sleep 0.3
	kill -INT $x_rx
	wait $x_rx
	grep -v '^[0-9]*\.[0-9]* ' /tmp/$x_nm.tx
	grep -v '^[0-9]*\.[0-9]* ' /tmp/$x_nm.rx
	x_sent=$(sed -n "s/^Sent $x_n packets \([0-9]*\) bytes .*/\1/p" /tmp/$x_nm.tx)
	x_recv=$(sed -n "s/^Received $x_n packets \([0-9]*\) bytes .*/\1/p" /tmp/$x_nm.rx)
	echo "tx exit $x_rc, sent $x_n packets '$x_sent' bytes, received '$x_recv' bytes"
	if [ $x_rc = 0 ] && [ -n "$x_sent" ] && [ "$x_sent" = "$x_recv" ]; then
		echo ok > /tmp/$x_nm.res
		return 0
	fi
	tail -5 /tmp/$x_nm.tx /tmp/$x_nm.rxerr
	return 1
}

# flow_res NAME: the verdict and the log of a flow run in the background.
flow_res() {
	cat /tmp/$1.log
	[ "$(cat /tmp/$1.res)" = ok ]
}

# port_listed PORT: vale-ctl -l PORT finds the port (index other than 255).
port_listed() {
	vale-ctl -l "$1" > /tmp/pl.out 2>&1
	cat /tmp/pl.out
	grep -q '^port_idx: *[0-9]' /tmp/pl.out && ! grep -q '^port_idx: *255$' /tmp/pl.out
}

t "insmod netmap.ko" load_netmap

t "master to slave at 2000 pps: 4000 frames, none lost" \
	flow ms 'vale0:p}1' 'vale0:p{1' 4000 -R 2000
t "slave to master at 2000 pps: 4000 frames of 1000 bytes, none lost" \
	flow sm 'vale0:p{1' 'vale0:p}1' 4000 -R 2000 -l 1000

# Both directions of one pipe at once: each end bound twice, TX-only and RX-only.
flow bi1 'vale0:p}2/R' 'vale0:p{2/T' 50000 > /tmp/bi1.log 2>&1 &
b1=$!
flow bi2 'vale0:p{2/R' 'vale0:p}2/T' 50000 -l 300 > /tmp/bi2.log 2>&1 &
b2=$!
sleep 1
t "the parent vale0:p is a port of vale0 while its pipes are open" port_listed vale0:p
wait $b1 $b2
t "both directions at once, full speed: 50000 frames master to slave" flow_res bi1
t "both directions at once, full speed: 50000 frames slave to master" flow_res bi2

# Three pipes of one parent at once.
for i in 3 4 5; do
	flow multi$i "vale0:p}$i" "vale0:p{$i" 20000 -l $((100 * i)) > /tmp/multi$i.log 2>&1 &
	eval "m$i=\$!"
done
wait $m3 $m4 $m5
for i in 3 4 5; do
	t "three pipes of one parent at once: pipe $i carried 20000 frames" flow_res multi$i
done

pkt-gen -i 'vale0:p}6' -f pong -w 0 -n 200 > /tmp/pong.out 2>&1 &
pong=$!
t "pong is ready on the slave end" wait_for /tmp/pong.out '^Working on' 20
t "ping sends 200 requests from the master end" \
	sh -c 'timeout -s KILL 60 pkt-gen -i "vale0:p{6" -f ping -w 0 -n 200 > /tmp/ping.out 2>&1; rc=$?;
		cat /tmp/ping.out | tail -5; [ $rc = 0 ] && grep -q "RTT over 200 packets" /tmp/ping.out'
t "pong answered all 200 and stopped by itself" \
	sh -c "i=0; while kill -0 $pong 2>/dev/null && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done;
		! kill -0 $pong 2>/dev/null"
kill -INT $pong 2>/dev/null
wait $pong
t "ping timed the replies (average round trip > 0 ns)" \
	grep -q 'RTT over 200 packets: min [0-9]* av [1-9][0-9]* ns' /tmp/ping.out
t "the parent is gone with its pipes" sh -c '! vale-ctl -l | grep -q "^vale0:p "'

# A parent that is neither a VALE port nor a device: made for the pipe.
pkt-gen -i 'netmap:apar}1' -f rx -w 0 -N -T 100 > /tmp/apar.rx 2> /tmp/apar.rxerr &
apar=$!
t "a pipe on a missing parent opens" wait_for /tmp/apar.rx '^Receiving from' 20
t "its parent apar is a network interface" test -d /sys/class/net/apar
t "the auto-created parent cannot be removed by hand (EINVAL)" \
	sh -c '[ "$(vale-ctl -r apar 2>&1)" = "failed to remove apar: Invalid argument" ]'
t "traffic over it arrives: 1000 frames" \
	sh -c 'timeout -s KILL 60 pkt-gen -i "netmap:apar{1" -f tx -w 0 -T 100 -n 1000 > /tmp/apar.tx 2>&1 &&
		grep -q "^Sent 1000 packets" /tmp/apar.tx'
t "the receiver counted the 1000" \
	sh -c 'i=0; while [ "$(sed -n "s/.*main_thread.* (\([0-9]*\) pkts .*/\1/p" /tmp/apar.rxerr |
		awk "{ s += \$1 } END { print s + 0 }")" != 1000 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; [ $i -lt 100 ]'
kill -INT $apar
wait $apar
t "the auto-created parent disappears with the pipe" sh -c '! test -e /sys/class/net/apar'

# A receiver that stops by itself after -n frames, and a sender of as many.
# A pipe's sender gets its slots back only when the receiver syncs its RX
# ring (netmap-abi.md 6.5), so the receiver must return what it read (a last
# NIOCRXSYNC or poll) before it closes; otherwise the sender's final drain
# ("pending tx tail T head H") never ends.
pkt-gen -i 'vale0:p}7' -f rx -w 0 -n 1000 > /tmp/rxn.out 2>&1 &
rxn=$!
wait_for /tmp/rxn.out '^Receiving from' 20
t "pkt-gen tx -n 1000 into a pipe read by pkt-gen rx -n 1000 finishes (20 s)" \
	sh -c 'timeout -s KILL 20 pkt-gen -i "vale0:p{7" -f tx -w 0 -T 100 -n 1000 > /tmp/txn.out 2>&1; rc=$?;
		grep -v "^[0-9]*\.[0-9]* main_thread" /tmp/txn.out | tail -4; [ $rc = 0 ]'
kill -INT $rxn 2>/dev/null
wait $rxn
t "pkt-gen rx -n 1000 received 1000" grep -q '^Received 1000 packets' /tmp/rxn.out

t "no port is left" sh -c '[ -z "$(vale-ctl -l)" ]'
t "rmmod netmap" rmmod netmap
