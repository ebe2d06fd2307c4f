# Benchmark (a): VALE port to port against a Linux bridge with veth pairs and
# AF_PACKET endpoints, in the same guest, at 60 and 1514 bytes. Every result
# is a "# BENCH key value" line; bench/run.sh makes the table.
# VALE: pkt-gen -f tx on vale0:a -> pkt-gen -f rx on vale0:b (learned unicast).
# Bridge: afpkt tx on veth0a (netns nsA) -> veth0b [br0] veth1b -> afpkt rx on
# veth1a (netns nsB). Sender pinned to CPU 0, receiver to CPU 1 in both.
# The two alternate for NM_BENCH_ROUNDS rounds; a figure is the median of
# the receiver's per-second reports of every round.
# timeout: 300
# mem: 1024
# smp: 2
# kmods: veth bridge
# bins: ip
. /usr/local/bin/bench-lib
SECS=${NM_BENCH_SECS:-4}	# steady seconds per measurement
ROUNDS=${NM_BENCH_ROUNDS:-2}
MACA=$(bench_mac 1)
MACB=$(bench_mac 2)

t "insmod netmap.ko" load_netmap
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
sysctl -qw net.ipv6.conf.default.disable_ipv6=1 2>/dev/null

vale_run() {	# vale_run LEN: one measurement of vale0:a -> vale0:b
	taskset -c 1 pkt-gen -i vale0:b -f rx -N > /tmp/vrx.out 2> /tmp/vrx.log &
	_rx=$!
	# b sends one frame so that the switch learns its MAC (its port stays
	# open in the receiver, so the entry stays).
	_i=0
	until nmlearn vale0:b "$MACB" 2> /dev/null || [ $_i -ge 50 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	taskset -c 0 pkt-gen -i vale0:a -f tx -N -l "$1" -S "$MACA" -D "$MACB" \
		> /tmp/vtx.out 2> /tmp/vtx.log &
	_tx=$!
	sleep $((SECS + 2))
	kill -INT $_tx; wait $_tx
	sleep 1
	kill -INT $_rx; wait $_rx
	samples /tmp/vrx.log >> /tmp/s.vale.$1
	samples /tmp/vtx.log >> /tmp/s.vale_tx.$1
	cat /tmp/vrx.log >> /tmp/log.vale.$1
}

# The bridge: endpoints in two network namespaces when iproute2 can make them.
# iproute2 by its full path: busybox sh runs its own "ip" applet before
# looking at PATH, and that one knows neither netns nor "peer name".
IP=ip
[ -x /usr/bin/ip ] && IP=/usr/bin/ip
[ -x /usr/sbin/ip ] && IP=/usr/sbin/ip
INA= INB=
bridge_setup() {
	if $IP netns add nsA 2>/dev/null && $IP netns add nsB 2>/dev/null; then
		INA="$IP netns exec nsA" INB="$IP netns exec nsB"
	fi
	$IP link add br0 type bridge || return 1
	$IP link add veth0a type veth peer name veth0b || return 1
	$IP link add veth1a type veth peer name veth1b || return 1
	$IP link set veth0b master br0 && $IP link set veth1b master br0 || return 1
	if [ -n "$INA" ]; then
		$IP link set veth0a netns nsA && $IP link set veth1a netns nsB || return 1
		$INA sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
		$INB sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
	fi
	$INA $IP link set veth0a up && $INB $IP link set veth1a up || return 1
	$IP link set veth0b up && $IP link set veth1b up && $IP link set br0 up || return 1
	MAC1A=$($INB cat /sys/class/net/veth1a/address)
	[ -n "$MAC1A" ]
}

bridge_run() {	# bridge_run LEN: one measurement of veth0a -> br0 -> veth1a
	$INB taskset -c 1 afpkt rx -i veth1a -T $((SECS + 5)) > /tmp/brx.out 2> /tmp/brx.log &
	_rx=$!
	sleep 1
	$INA taskset -c 0 afpkt tx -i veth0a -l "$1" -D "$MAC1A" -T $((SECS + 2)) \
		> /tmp/btx.out 2> /tmp/btx.log
	wait $_rx
	samples /tmp/brx.log >> /tmp/s.bridge.$1
	samples /tmp/btx.log >> /tmp/s.bridge_tx.$1
	cat /tmp/brx.log /tmp/brx.out >> /tmp/log.bridge.$1
}

t "bridge br0 with veth0a/b, veth1a/b set up" bridge_setup
diag "BENCH bridge.netns $([ -n "$INA" ] && echo yes || echo no)"
r=0
while [ $r -lt "$ROUNDS" ]; do
	for len in 60 1514; do
		vale_run $len
		bridge_run $len
	done
	r=$((r + 1))
done
for len in 60 1514; do
	for what in vale vale_tx bridge bridge_tx; do
		diag "BENCH $what.$len.pps $(median < /tmp/s.$what.$len 2>/dev/null)"
		diag "BENCH $what.$len.samples $(tr '\n' ' ' < /tmp/s.$what.$len 2>/dev/null)"
	done
	t "VALE $len B: the receiver counted frames" test "$(median < /tmp/s.vale.$len)" -gt 0
	t "bridge $len B: the receiver counted frames" test "$(median < /tmp/s.bridge.$len)" -gt 0
done
for f in /tmp/log.*; do
	echo "== $f"; cat "$f"
done
