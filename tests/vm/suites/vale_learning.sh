# Learning switch, as upstream integration test 007 and beyond, with pkt-gen:
# on three ports A, B, C a broadcast from A reaches B and C exactly once and
# never A; once B has replied with its own source MAC, unicast from A to B's
# MAC reaches only B (C, a running receiver, gets nothing), B's reply reached
# only A (learned from A's broadcast), and unicast to a MAC nobody announced
# is flooded to every other port. On eight ports a learned unicast reaches
# only its port and a broadcast reaches each other port exactly once. Every
# count is checked twice: with the receivers' pkt-gen totals and with the
# switch's per-port counters (vale-ctl -l: rx_pkts, rx_bytes, tx_pkts).
# timeout: 120

# rx_start NAME PORT: a pkt-gen receiver on PORT (which it creates with
# 256-slot rings), logging to /tmp/NAME.{out,err}; returns once it is bound.
rx_start() {
	pkt-gen -i "$2" -f rx -w 0 -N -T 100 -C 256 > /tmp/$1.out 2> /tmp/$1.err &
	eval "rxpid_$1=$!"
	wait_for /tmp/$1.out '^Receiving from' 20
}

# Packets a receiver has counted so far (sum of its periodic reports).
rx_sofar() {
	sed -n 's/.*main_thread.* (\([0-9]*\) pkts .*/\1/p' /tmp/$1.err |
		awk '{ s += $1 } END { print s + 0 }'
}

# rx_stop NAME EXPECTED: wait (10 s at most) until the receiver counted
# EXPECTED packets, give it a moment for any extra one, stop it with SIGINT.
rx_stop() {
	_i=0
	while [ "$(rx_sofar $1)" -lt "$2" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 0.3
	eval "kill -INT \$rxpid_$1; wait \$rxpid_$1"
}

# rx_total NAME: the receiver's final count ("Received nothing." is 0).
rx_total() {
	if grep -q '^Received nothing\.$' /tmp/$1.out; then
		echo 0
	else
		sed -n 's/^Received \([0-9]*\) packets .*/\1/p' /tmp/$1.out
	fi
}

# rx_is NAME COUNT: the receiver's final count is COUNT.
rx_is() {
	_got=$(rx_total $1)
	echo "$1 received '$_got', want $2"
	cat /tmp/$1.out
	[ "$_got" = "$2" ]
}

# tx PORT SRC DST COUNT: send COUNT 60-byte frames; pkt-gen must report them.
tx() {
	pkt-gen -i "$1" -f tx -w 0 -T 100 -n "$4" -S "$2" -D "$3" > /tmp/tx.out 2>&1
	_rc=$?
	cat /tmp/tx.out
	[ $_rc = 0 ] && grep -q "^Sent $4 packets $(($4 * 60)) bytes " /tmp/tx.out
}

# ctrs_are FIELD PORT=VALUE...: each port's counter FIELD has that value.
ctrs_are() {
	_f=$1
	shift
	_bad=0
	for _pv in "$@"; do
		_v=$(ctr "${_pv%=*}" $_f)
		echo "${_pv%=*} $_f: '$_v' (want ${_pv#*=})"
		[ "$_v" = "${_pv#*=}" ] || _bad=1
	done
	return $_bad
}

BC=ff:ff:ff:ff:ff:ff
MA=02:00:00:00:01:0a
MB=02:00:00:00:01:0b
MC=02:00:00:00:01:0c
NOBODY=02:00:00:00:01:ee

t "insmod netmap.ko" load_netmap

# --- three ports ---
t "receiver on vale1:a" rx_start a vale1:a
t "receiver on vale1:b" rx_start b vale1:b
t "receiver on vale1:c" rx_start c vale1:c
t "A sends 100 broadcasts" tx vale1:a $MA $BC 100
t "the broadcasts reached B and C once each, not A (rx_pkts)" \
	ctrs_are rx_pkts vale1:a=0 vale1:b=100 vale1:c=100
t "A's tx_pkts is 100" ctrs_are tx_pkts vale1:a=100
t "B replies once with its own MAC to A's MAC" tx vale1:b $MB $MA 1
t "the reply reached only A: A was learned from its broadcasts" \
	ctrs_are rx_pkts vale1:a=1 vale1:b=100 vale1:c=100
t "A sends 50 unicasts to B's MAC" tx vale1:a $MA $MB 50
t "the unicasts reached only B (rx_pkts)" \
	ctrs_are rx_pkts vale1:a=1 vale1:b=150 vale1:c=100
t "A sends 7 frames to a MAC nobody announced" tx vale1:a $MA $NOBODY 7
t "unknown unicast is flooded to B and C, not back to A" \
	ctrs_are rx_pkts vale1:a=1 vale1:b=157 vale1:c=107
t "rx_bytes count 60 bytes a frame" \
	ctrs_are rx_bytes vale1:a=60 vale1:b=9420 vale1:c=6420
t "tx_pkts: A 157, B 1, C 0" ctrs_are tx_pkts vale1:a=157 vale1:b=1 vale1:c=0
t "no port dropped anything" \
	ctrs_are drop_noroom vale1:a=0 vale1:b=0 vale1:c=0
rx_stop a 1
rx_stop b 157
rx_stop c 107
t "pkt-gen on A received only B's reply (1)" rx_is a 1
t "pkt-gen on B received 100 + 50 + 7 = 157" rx_is b 157
t "pkt-gen on C received 100 + 7 = 107, none of A's unicasts to B" rx_is c 107
t "the three ports are gone" sh -c '[ -z "$(vale-ctl -l)" ]'

# --- eight ports ---
n=0
while [ $n -lt 8 ]; do
	t "receiver on vale2:p$n" rx_start p$n vale2:p$n
	n=$((n + 1))
done
t "p0 broadcasts once" tx vale2:p0 02:00:00:00:02:00 $BC 1
t "every other port got it once, p0 did not" \
	ctrs_are rx_pkts vale2:p0=0 vale2:p1=1 vale2:p2=1 vale2:p3=1 \
		vale2:p4=1 vale2:p5=1 vale2:p6=1 vale2:p7=1
n=1
while [ $n -lt 8 ]; do
	t "p$n sends one frame to p0's MAC" tx vale2:p$n 02:00:00:00:02:0$n 02:00:00:00:02:00 1
	n=$((n + 1))
done
t "p0 got the seven (learned), nobody else did" \
	ctrs_are rx_pkts vale2:p0=7 vale2:p1=1 vale2:p2=1 vale2:p3=1 \
		vale2:p4=1 vale2:p5=1 vale2:p6=1 vale2:p7=1
t "p0 sends 37 unicasts to p5's MAC" tx vale2:p0 02:00:00:00:02:00 02:00:00:00:02:05 37
t "p3 sends 11 unicasts to p6's MAC" tx vale2:p3 02:00:00:00:02:03 02:00:00:00:02:06 11
t "the unicasts reached only p5 and p6" \
	ctrs_are rx_pkts vale2:p0=7 vale2:p1=1 vale2:p2=1 vale2:p3=1 \
		vale2:p4=1 vale2:p5=38 vale2:p6=12 vale2:p7=1
t "p0 sends 23 broadcasts" tx vale2:p0 02:00:00:00:02:00 $BC 23
t "each other port got each broadcast once" \
	ctrs_are rx_pkts vale2:p0=7 vale2:p1=24 vale2:p2=24 vale2:p3=24 \
		vale2:p4=24 vale2:p5=61 vale2:p6=35 vale2:p7=24
t "tx_pkts: p0 61, p3 12, the others 1" \
	ctrs_are tx_pkts vale2:p0=61 vale2:p1=1 vale2:p2=1 vale2:p3=12 \
		vale2:p4=1 vale2:p5=1 vale2:p6=1 vale2:p7=1
for n in 0 1 2 3 4 5 6 7; do
	case $n in 0) want=7 ;; 5) want=61 ;; 6) want=35 ;; *) want=24 ;; esac
	rx_stop p$n $want
	t "pkt-gen on p$n received $want" rx_is p$n $want
done
t "no port is left" sh -c '[ -z "$(vale-ctl -l)" ]'
t "rmmod netmap" rmmod netmap
