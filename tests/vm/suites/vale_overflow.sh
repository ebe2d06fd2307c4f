# A full receiver never blocks the switch. A sender floods a receiver that does
# not read (a pkt-gen receiver held with SIGSTOP): the sender finishes, its
# tx_pkts/tx_bytes equal what it sent, the receiver gets exactly ring size - 1
# frames and every other frame is counted as drop_noroom of the receiving
# port (vale-ctl -l); once the receiver has read, the ring takes ring size - 1
# again; a multi-slot frame is delivered only whole (12 frames of 5 slots fit
# in 63 free slots). On a switch with two stalled receivers of 64 and 128
# slots and one with room, a broadcast fills each stalled ring to its size - 1
# and still reaches the third receiver completely. Tiny rings: a 1-slot ring
# takes nothing, a 2-slot ring one frame, and a frame of more slots than a
# ring has is never delivered there (counted as drop_noroom).
# timeout: 90

# rx_start NAME PORT SLOTS: a pkt-gen receiver on PORT (created with SLOTS-slot
# rings), logging to /tmp/NAME.{out,err}; returns once it is bound.
rx_start() {
	pkt-gen -i "$2" -f rx -w 0 -N -T 100 -C "$3" > /tmp/$1.out 2> /tmp/$1.err &
	eval "rxpid_$1=$!"
	wait_for /tmp/$1.out '^Receiving from' 20
}

rx_pause() { eval "kill -STOP \$rxpid_$1"; }
rx_resume() { eval "kill -CONT \$rxpid_$1"; }

# Packets a receiver has counted so far (sum of its periodic reports).
rx_sofar() {
	sed -n 's/.*main_thread.* (\([0-9]*\) pkts .*/\1/p' /tmp/$1.err |
		awk '{ s += $1 } END { print s + 0 }'
}

# rx_reach NAME COUNT: wait (10 s at most) until the receiver counted COUNT.
rx_reach() {
	_i=0
	while [ "$(rx_sofar $1)" -lt "$2" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "$1 counted $(rx_sofar $1), want $2"
	sleep 0.3	# back in poll(), so what it read is released
	[ "$(rx_sofar $1)" = "$2" ]
}

# rx_stop NAME: stop a receiver with SIGINT (resuming it first).
rx_stop() {
	eval "kill -CONT \$rxpid_$1; kill -INT \$rxpid_$1; wait \$rxpid_$1"
}

# rx_final NAME PKTS BYTES: the receiver's final line.
rx_final() {
	cat /tmp/$1.out
	grep -q "^Received $2 packets $3 bytes " /tmp/$1.out
}

# tx PORT COUNT [pkt-gen args]: send COUNT frames (60 bytes unless -l); pkt-gen
# is killed after 60 seconds (a blocked sender) and must report them all sent.
tx() {
	_p=$1 _n=$2
	shift 2
	timeout -s KILL 60 pkt-gen -i "$_p" -f tx -w 0 -T 100 -n "$_n" "$@" > /tmp/tx.out 2>&1
	_rc=$?
	cat /tmp/tx.out
	[ $_rc = 0 ] && grep -q "^Sent $_n packets " /tmp/tx.out
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

t "insmod netmap.ko" load_netmap
t "persistent sender snd (256 slots) attached to vale3" \
	sh -c 'vale-ctl -n snd -C 256 && vale-ctl -a vale3:snd'
t "receiver on vale3:r" rx_start r vale3:r 64
t "vale3:r has 64-slot rings" sh -c 'vale-ctl -g vale3:r | grep -q "^rx_slots: *64$"'
rx_pause r
t "200000 frames into the stalled receiver: the sender is never blocked" \
	tx vale3:snd 200000
t "the receiver got ring size - 1 = 63 frames, 199937 dropped for lack of room" \
	ctrs_are vale3:r rx_pkts=63 rx_bytes=3780 drop_noroom=199937
t "the sender's counters: tx 200000 frames, 12000000 bytes, no drop of its own" \
	ctrs_are vale3:snd tx_pkts=200000 tx_bytes=12000000 rx_pkts=0 drop_noroom=0 drop_badslot=0
rx_resume r
t "the receiver, resumed, reads the 63 frames" rx_reach r 63
rx_pause r
t "1000 more frames into the stalled receiver" tx vale3:snd 1000
t "the emptied ring took 63 again, 937 dropped" \
	ctrs_are vale3:r rx_pkts=126 drop_noroom=200874
rx_resume r
t "the receiver reads 126 in all" rx_reach r 126
rx_pause r
t "100 frames of 10000 bytes (5 slots each) into the stalled receiver" \
	tx vale3:snd 100 -l 10000
t "12 whole frames fit in the 63 free slots, 88 dropped, no partial frame" \
	ctrs_are vale3:r rx_pkts=138 rx_bytes=127560 drop_noroom=200962 drop_badslot=0
t "the sender's counters add up: 201100 frames, 13060000 bytes" \
	ctrs_are vale3:snd tx_pkts=201100 tx_bytes=13060000
rx_resume r
t "the receiver reads 138 in all" rx_reach r 138
rx_stop r
t "pkt-gen on the receiver: 138 frames, 127560 bytes" rx_final r 138 127560

# --- broadcast into two stalled receivers and one with room ---
t "persistent sender snd2 attached to vale4" \
	sh -c 'vale-ctl -n snd2 -C 256 && vale-ctl -a vale4:snd2'
t "receiver r1 (64 slots) on vale4" rx_start r1 vale4:r1 64
t "receiver r2 (128 slots) on vale4" rx_start r2 vale4:r2 128
t "receiver r3 (1024 slots) on vale4" rx_start r3 vale4:r3 1024
rx_pause r1
rx_pause r2
t "1000 broadcasts" tx vale4:snd2 1000
t "stalled r1 got 63, 937 dropped" ctrs_are vale4:r1 rx_pkts=63 drop_noroom=937
t "stalled r2 got 127, 873 dropped" ctrs_are vale4:r2 rx_pkts=127 drop_noroom=873
t "r3 got all 1000" ctrs_are vale4:r3 rx_pkts=1000 drop_noroom=0
t "snd2 sent 1000" ctrs_are vale4:snd2 tx_pkts=1000 tx_bytes=60000
t "r3 reads 1000" rx_reach r3 1000
rx_resume r1
rx_resume r2
t "r1 reads 63" rx_reach r1 63
t "r2 reads 127" rx_reach r2 127
for r in r1 r2 r3; do
	rx_stop $r
done
t "pkt-gen r1: 63 frames" rx_final r1 63 3780
t "pkt-gen r2: 127 frames" rx_final r2 127 7620
t "pkt-gen r3: 1000 frames" rx_final r3 1000 60000

# --- tiny rings ---
t "persistent sender snd3 attached to vale5" \
	sh -c 'vale-ctl -n snd3 -C 256 && vale-ctl -a vale5:snd3'
t "receiver t1 (1 slot) on vale5" rx_start t1 vale5:t1 1
t "receiver t2 (2 slots) on vale5" rx_start t2 vale5:t2 2
t "receiver t16 (16 slots) on vale5" rx_start t16 vale5:t16 16
for r in t1 t2 t16; do
	rx_pause $r
done
t "10 frames to the three stalled receivers" tx vale5:snd3 10
t "a 1-slot ring takes nothing" ctrs_are vale5:t1 rx_pkts=0 drop_noroom=10
t "a 2-slot ring takes one frame" ctrs_are vale5:t2 rx_pkts=1 drop_noroom=9
t "a 16-slot ring takes the 10" ctrs_are vale5:t16 rx_pkts=10 drop_noroom=0
t "3 frames of 65536 bytes (32 slots)" tx vale5:snd3 3 -l 65536
t "none reaches the 16-slot ring: a frame is never cut" \
	ctrs_are vale5:t16 rx_pkts=10 rx_bytes=600 drop_noroom=3 drop_badslot=0
rx_resume t16
t "t16 reads its 10" rx_reach t16 10
rx_pause t16
t "3 frames of 14000 bytes (7 slots) into the emptied 16-slot ring" tx vale5:snd3 3 -l 14000
t "two fit in its 15 free slots, the third is dropped" \
	ctrs_are vale5:t16 rx_pkts=12 rx_bytes=28600 drop_noroom=4
# Let t2 read its frame before stopping it, or the stop can win the race.
rx_resume t2
t "t2 reads its 1" rx_reach t2 1
for r in t1 t2 t16; do
	rx_stop $r
done
t "pkt-gen t1: nothing" sh -c 'cat /tmp/t1.out; grep -q "^Received nothing\.$" /tmp/t1.out'
t "pkt-gen t2: 1 frame" rx_final t2 1 60
t "pkt-gen t16: 12 frames, 28600 bytes" rx_final t16 12 28600

t "detach and remove the senders" \
	sh -c 'vale-ctl -d vale3:snd && vale-ctl -r snd && vale-ctl -d vale4:snd2 && vale-ctl -r snd2 &&
		vale-ctl -d vale5:snd3 && vale-ctl -r snd3'
t "no port is left" sh -c '[ -z "$(vale-ctl -l)" ]'
t "rmmod netmap" rmmod netmap
