# Multi-slot packets (NS_MOREFRAG chains), as upstream integration tests
# 021-023, with pkt-gen: frames of 10000 and 65536 bytes over 2048-byte
# buffers, frames split with -F into 8 and 63 fragments, random sizes between
# 50 and 10049 bytes, sent over a VALE switch and over a pipe; the receiver
# counts exactly the packets and bytes the sender sent, the switch counters
# (vale-ctl -l) agree, sequence numbers arrive in order with a constant
# fragment count (txseq/rxseq), and the receiving slots carry the fragment
# flags of netmap-abi.md 2.1 (VALE: (nfrags << 8) | NS_MOREFRAG on all but
# the last slot, nfrags << 8 on the last; pipes: NS_MOREFRAG kept).
# On the switch each burst fits in the receiver's ring, so nothing may drop;
# a pipe has flow control, so bursts there are larger than its ring.
# timeout: 120

# Packets a receiver has counted so far (sum of its periodic reports).
rx_sofar() {
	sed -n 's/.*main_thread.* (\([0-9]*\) pkts .*/\1/p' /tmp/$1.rxerr |
		awk '{ s += $1 } END { print s + 0 }'
}

# xfer NAME RXPORT TXPORT FUNC N RXARGS [pkt-gen tx args]: a receiver (-f rx,
# or rxseq when FUNC is txseq; extra arguments RXARGS) on RXPORT, then N
# packets sent from TXPORT; once the receiver has counted N (30 s at most)
# it is stopped, and it must have counted exactly the packets and bytes the
# sender reports. The receiver runs without -n: a pkt-gen receiver that stops
# by itself at -n does not release its last slots, which stalls a pipe's
# sender (see vale_pipes). The byte count is left in /tmp/NAME.bytes.
xfer() {
	x_nm=$1 x_rxp=$2 x_txp=$3 x_fn=$4 x_n=$5 x_rxa=$6
	shift 6
	x_rfn=rx
	[ $x_fn = txseq ] && x_rfn=rxseq
	: > /tmp/$x_nm.bytes
	pkt-gen -i "$x_rxp" -f $x_rfn -w 0 -N -T 100 $x_rxa > /tmp/$x_nm.rx 2> /tmp/$x_nm.rxerr &
	x_rx=$!
	if ! wait_for /tmp/$x_nm.rx '^Receiving from' 20; then
		kill -INT $x_rx
		wait $x_rx
		cat /tmp/$x_nm.rx /tmp/$x_nm.rxerr
		return 1
	fi
	timeout -s KILL 60 pkt-gen -i "$x_txp" -f $x_fn -w 0 -T 100 -n $x_n "$@" > /tmp/$x_nm.tx 2>&1
	x_rc=$?
	x_i=0
	while [ "$(rx_sofar $x_nm)" -lt $x_n ] && [ $x_i -lt 300 ]; do
		sleep 0.1
		x_i=$((x_i + 1))
	done
	sleep 0.3
	kill -INT $x_rx
	wait $x_rx
	grep -v '^[0-9]*\.[0-9]* ' /tmp/$x_nm.tx | grep -v '^ring \|^ *[0-9]*: '
	grep -v '^[0-9]*\.[0-9]* ' /tmp/$x_nm.rx | grep -v '^ring \|^ *[0-9]*: '
	x_sent=$(sed -n "s/^Sent $x_n packets \([0-9]*\) bytes .*/\1/p" /tmp/$x_nm.tx)
	x_recv=$(sed -n "s/^Received $x_n packets \([0-9]*\) bytes .*/\1/p" /tmp/$x_nm.rx)
	echo "tx exit $x_rc, sent $x_n packets '$x_sent' bytes, received '$x_recv' bytes"
	echo "$x_sent" > /tmp/$x_nm.bytes
	[ $x_rc = 0 ] && [ -n "$x_sent" ] && [ "$x_sent" = "$x_recv" ]
}

# seq_clean NAME: rxseq reported no gap, reordering or fragment-count change.
seq_clean() {
	cat /tmp/$1.rxerr | grep -E 'GAP|OUT OF ORDER|frags|too small'
	! grep -qE 'GAP|OUT OF ORDER|frags|too small' /tmp/$1.rxerr
}

# slot_flags NAME: "flags len" of each slot dumped by a receiver run with -X.
slot_flags() {
	sed -n 's/^ring .* flags \(0x[0-9a-f]*\) len *\([0-9]*\)\]$/\1 \2/p' /tmp/$1.rx
}

# flags_are NAME "FLAGS LEN ...": the dumped slots, in order.
flags_are() {
	_got=$(slot_flags $1 | tr '\n' ' ')
	echo "slots: '$_got'"
	echo "want:  '$2'"
	[ "$_got" = "$2" ]
}

# morefrag_are NAME "M:LEN ...": NS_MOREFRAG bit (1/0) and len of each slot.
morefrag_are() {
	_got=
	for _fl in $(slot_flags $1 | tr ' ' ':'); do
		_got="$_got$(( (${_fl%:*} >> 5) & 1 )):${_fl#*:} "
	done
	echo "slots: '$_got'"
	echo "want:  '$2'"
	[ "$_got" = "$2" ]
}

# ctrs_are PORT FIELD=VALUE...: counters of one port.
ctrs_are() {
	_p=$1
	shift
	_bad=0
	for _fv in "$@"; do
		_v=$(ctr $_p "${_fv%=*}")
		echo "$_p ${_fv%=*}: '$_v' (want ${_fv#*=})"
		[ "$_v" = "${_fv#*=}" ] || _bad=1
	done
	return $_bad
}

pkts=0 bytes=0
# account NAME N: add a finished transfer to the expected switch counters.
account() {
	pkts=$((pkts + $2))
	bytes=$((bytes + $(cat /tmp/$1.bytes 2>/dev/null || echo 0)))
}

t "insmod netmap.ko" load_netmap

# --- VALE: persistent sender and receiver, so the counters stay readable ---
t "persistent ports snd and rcv on vale5" \
	sh -c 'vale-ctl -n snd && vale-ctl -n rcv && vale-ctl -a vale5:snd && vale-ctl -a vale5:rcv'
t "vale: 200 frames of 10000 bytes (5 slots each)" \
	xfer v1 vale5:rcv vale5:snd tx 200 "" -l 10000
account v1 200
t "vale: the sender reported 2000000 bytes" grep -qx 2000000 /tmp/v1.bytes
t "vale: 10 frames of 65536 bytes (32 slots each)" \
	xfer v2 vale5:rcv vale5:snd tx 10 "" -l 65536
account v2 10
t "vale: pkt-gen split them into 32 slots of 2048 bytes" grep -q 'frags 32 frag_size 2048' /tmp/v2.tx
t "vale: 100 frames of 1514 bytes in 8 fragments (-F 8)" \
	xfer v3 vale5:rcv vale5:snd tx 100 "" -l 1514 -F 8
account v3 100
t "vale: pkt-gen split them into 8 slots of 190 bytes" grep -q 'frags 8 frag_size 190' /tmp/v3.tx
t "vale: 10 frames of 9000 bytes in 63 fragments (-F 63)" \
	xfer v4 vale5:rcv vale5:snd tx 10 "" -l 9000 -F 63
account v4 10
t "vale: pkt-gen split them into 63 slots of 143 bytes" grep -q 'frags 63 frag_size 143' /tmp/v4.tx
t "vale: 150 frames of random size 50..10049 bytes" \
	xfer v5 vale5:rcv vale5:snd tx 150 "" -l 10049 -l 50
account v5 150
t "vale: 200 numbered 10000-byte frames (txseq)" \
	xfer v6 vale5:rcv vale5:snd txseq 200 "" -l 10000
account v6 200
t "vale: rxseq saw no gap, reordering or fragment-count change" seq_clean v6
t "vale: rcv's rx_pkts and rx_bytes are the sum of the transfers ($pkts, $bytes)" \
	ctrs_are vale5:rcv rx_pkts=$pkts rx_bytes=$bytes drop_noroom=0 drop_badslot=0
t "vale: snd's tx_pkts and tx_bytes agree" \
	ctrs_are vale5:snd tx_pkts=$pkts tx_bytes=$bytes drop_badslot=0
t "vale: 2 frames of 1000 bytes in 4 fragments, dumped on receipt" \
	xfer v7 vale5:rcv vale5:snd tx 2 -X -l 1000 -F 4
t "vale: each receiving slot has len 250 and flags 0x420 0x420 0x420 0x400" \
	flags_are v7 "0x0420 250 0x0420 250 0x0420 250 0x0400 250 0x0420 250 0x0420 250 0x0420 250 0x0400 250 "
t "detach and remove snd and rcv" \
	sh -c 'vale-ctl -d vale5:snd && vale-ctl -d vale5:rcv && vale-ctl -r snd && vale-ctl -r rcv'

# --- pipes (flow-controlled: bursts larger than the 1024-slot rings) ---
t "pipe m{1 to m}1: 2000 frames of 10000 bytes" xfer p1 'vale7:m}1' 'vale7:m{1' tx 2000 "" -l 10000
t "pipe m}1 to m{1: 2000 frames of 1514 bytes in 8 fragments" \
	xfer p2 'vale7:m{1' 'vale7:m}1' tx 2000 "" -l 1514 -F 8
t "pipe: 200 frames of 65536 bytes" xfer p3 'vale7:m}2' 'vale7:m{2' tx 200 "" -l 65536
t "pipe: 100 frames of 9000 bytes in 63 fragments" \
	xfer p4 'vale7:m{2' 'vale7:m}2' tx 100 "" -l 9000 -F 63
t "pipe: 2000 frames of random size 50..10049 bytes" \
	xfer p5 'vale7:m}1' 'vale7:m{1' tx 2000 "" -l 10049 -l 50
t "pipe: 3000 numbered 10000-byte frames (txseq)" \
	xfer p6 'vale7:m}3' 'vale7:m{3' txseq 3000 "" -l 10000
t "pipe: rxseq saw no gap, reordering or fragment-count change" seq_clean p6
t "pipe: 2 frames of 1000 bytes in 4 fragments, dumped on receipt" \
	xfer p7 'vale7:m}1' 'vale7:m{1' tx 2 -X -l 1000 -F 4
t "pipe: slots have len 250 and NS_MOREFRAG on all but the last of 4" \
	morefrag_are p7 "1:250 1:250 1:250 0:250 1:250 1:250 1:250 0:250 "
t "no port is left" sh -c '[ -z "$(vale-ctl -l)" ]'
t "rmmod netmap" rmmod netmap

# --- buf_size=2112, the size bench/README.md suggests for many ports: every
# allocator takes it, applications follow nr_buf_size, frames split by it ---
t "insmod netmap.ko buf_size=2112" load_netmap buf_size=2112
t "2112: 200 frames of 10000 bytes" xfer b1 vale6:r vale6:s tx 200 "" -l 10000
t "2112: pkt-gen split them into 5 slots of 2112 bytes" grep -q 'frags 5 frag_size 2112' /tmp/b1.tx
t "2112: 1000 numbered 60-byte frames (txseq), none lost" xfer b2 vale6:r vale6:s txseq 1000 "" -l 60
t "2112: rxseq saw no gap or reordering" seq_clean b2
t "2112: pipe: 2000 frames of 9000 bytes" xfer b3 'vale7:m}1' 'vale7:m{1' tx 2000 "" -l 9000
t "2112: no port is left" sh -c '[ -z "$(vale-ctl -l)" ]'
t "rmmod netmap (2112)" rmmod netmap
