# Control and data path at once. A pkt-gen sender (persistent port ptx) sends
# 50000 broadcasts at 5000 pps to a pkt-gen receiver on switch vale5 while,
# on the same switch, background loops: open/map/send/close ephemeral ports
# with private allocators and with a shared one (nm_vale_ports churn), create,
# attach, use (pkt-gen), list, detach and remove persistent ports, race two
# loops on one persistent port (create/attach/detach/remove against attach to
# a second switch/open/detach/remove), list all ports, and create transient
# ports with PORT_INFO_GET. Requests that have to succeed do; racing ones
# succeed or fail with exit status 1 and a "failed to ..." message (no hang,
# no crash); listings stay well formed. The receiver's frames plus its
# drop_noroom equal what the sender sent, and its pkt-gen count equals its
# rx_pkts. Afterwards no port or interface is left, live_allocs is back to
# its value before, the module unloads (the harness checks the kernel log).
# timeout: 150
# mem: 768

P=/sys/module/netmap/parameters
SINK=02:00:00:00:05:00

# Packets a receiver has counted so far (sum of its periodic reports).
rx_sofar() {
	sed -n 's/.*main_thread.* (\([0-9]*\) pkts .*/\1/p' /tmp/$1.err |
		awk '{ s += $1 } END { print s + 0 }'
}

# lc CMD...: run a command, log "rc N: CMD: output" (one line) for later
# checks; the output goes through $LCF, a file of the calling loop.
lc() {
	"$@" > $LCF 2>&1
	_rc=$?
	echo "rc $_rc: $*: $(tr '\n' ' ' < $LCF | cut -c1-200)"
	return $_rc
}

# Persistent ports through their whole life, every step must succeed.
loop_persist() {
	LCF=/tmp/lc.persist
	i=0
	while [ ! -e /tmp/stop ]; do
		n=cp$((i % 4))
		lc vale-ctl -n $n -C 64
		lc vale-ctl -a vale5:$n
		lc vale-ctl -l vale5:$n
		if [ $((i % 3)) = 0 ]; then
			lc timeout -s KILL 30 pkt-gen -i vale5:$n -f tx -w 0 -T 100 -n 20 \
				-S 02:00:00:00:07:0$((i % 4)) -D $SINK
		fi
		lc vale-ctl -d vale5:$n
		lc vale-ctl -r $n
		i=$((i + 1))
	done
	echo "iterations $i"
}

# Two loops on one persistent port: anything may fail, nothing may hang.
loop_race_a() {
	LCF=/tmp/lc.race_a
	i=0
	while [ ! -e /tmp/stop ]; do
		lc vale-ctl -n race
		lc vale-ctl -a vale5:race
		lc vale-ctl -d vale5:race
		lc vale-ctl -r race
		i=$((i + 1))
	done
	echo "iterations $i"
}
loop_race_b() {
	LCF=/tmp/lc.race_b
	i=0
	while [ ! -e /tmp/stop ]; do
		lc vale-ctl -a vale6:race
		lc timeout -s KILL 30 pkt-gen -i vale5:race -f tx -w 0 -T 100 -n 10 \
			-S 02:00:00:00:06:01 -D $SINK
		lc vale-ctl -d vale6:race
		lc vale-ctl -r race
		i=$((i + 1))
	done
	echo "iterations $i"
}

# Full listings while ports come and go: exit 0, every line well formed.
loop_list() {
	i=0
	while [ ! -e /tmp/stop ]; do
		vale-ctl -l > /tmp/ll.out 2>&1
		rc=$?
		echo "rc $rc: vale-ctl -l"
		grep -vE '^vale[A-Za-z0-9_]*:[^ ]+ bridge_idx [0-9]+ port_idx [0-9]+( rx_pkts [0-9]+ rx_bytes [0-9]+ tx_pkts [0-9]+ tx_bytes [0-9]+ drop_noroom [0-9]+ drop_badslot [0-9]+ drop_hdr [0-9]+)?$' \
			/tmp/ll.out | sed 's/^/BADLINE /'
		i=$((i + 1))
	done
	echo "iterations $i"
}

# Transient ports made by PORT_INFO_GET: must succeed.
loop_info() {
	LCF=/tmp/lc.info
	i=0
	while [ ! -e /tmp/stop ]; do
		lc vale-ctl -g vale5:g$((i % 3))
		i=$((i + 1))
	done
	echo "iterations $i"
}

# rc_in LOG CODES: every "rc N:" line of LOG has N in CODES (e.g. "0 1").
rc_in() {
	_bad=$(sed -n 's/^rc \([0-9]*\):.*/\1/p' "$1" | sort -u | while read c; do
		case " $2 " in *" $c "*) ;; *) echo $c ;; esac
	done)
	grep -c '^rc ' "$1" | sed 's/^/commands: /'
	tail -1 "$1"
	[ -z "$_bad" ] || { echo "unexpected exit codes: $_bad"; grep -E "^rc ($(echo $_bad | tr ' ' '|')):" "$1" | head; }
	[ -z "$_bad" ]
}

# failures_clean LOG: each failed vale-ctl said "failed to ACTION NAME: reason".
failures_clean() {
	grep '^rc 1: vale-ctl' "$1" | sed 's/^rc 1: vale-ctl [^:]*: //' | sort | uniq -c
	! grep '^rc 1: vale-ctl' "$1" | grep -vE ': failed to (create|remove|attach|detach|list|obtain info for) [^ ]+: [A-Z][a-z ]+ *$'
}

# iterations LOG: the loop ran at least once.
iterations() {
	grep '^iterations' "$1"
	grep -q '^iterations [1-9]' "$1"
}

t "insmod netmap.ko" load_netmap
before=$(cat $P/live_allocs)
diag "live_allocs before: $before"
rm -f /tmp/stop

# The sink: a port that announces its MAC first and never reads; every
# background sender addresses it, so only the sender ptx floods.
nm_vale_ports open -n 1 -s 64 -H -S $SINK 'vale5:sink%d' > /tmp/sink.out 2>&1 &
sink=$!
t "the sink port is open and announced" wait_for /tmp/sink.out '^ready$' 20
memid=$(sed -n 's/^alloc vale5:sink0 mem_id \([0-9]*\)$/\1/p' /tmp/sink.out)
t "the sink's allocator id is known ($memid)" [ -n "$memid" ]
t "persistent sender ptx attached to vale5" \
	sh -c 'vale-ctl -n ptx -C 256 && vale-ctl -a vale5:ptx'
pkt-gen -i vale5:rx -f rx -w 0 -N -T 200 > /tmp/rx.out 2> /tmp/rx.err &
rx=$!
t "receiver on vale5:rx" wait_for /tmp/rx.out '^Receiving from' 20

timeout -s KILL 100 pkt-gen -i vale5:ptx -f tx -w 0 -T 500 -n 50000 -R 5000 \
	-S 02:00:00:00:05:01 > /tmp/tx.out 2>&1 &
tx=$!
nm_vale_ports churn -t 12 -k 3 -s 64 -D $SINK vale5:c > /tmp/churn1.out 2>&1 &
c1=$!
nm_vale_ports churn -t 12 -k 4 -s 64 -m "$memid" -S 02:dd:00:00:00:00 -D $SINK vale5:s \
	> /tmp/churn2.out 2>&1 &
c2=$!
loop_persist > /tmp/persist.log 2>&1 &
l1=$!
loop_race_a > /tmp/race_a.log 2>&1 &
l2=$!
loop_race_b > /tmp/race_b.log 2>&1 &
l3=$!
loop_list > /tmp/list.log 2>&1 &
l4=$!
loop_info > /tmp/info.log 2>&1 &
l5=$!

wait $tx
txrc=$?
touch /tmp/stop
wait $c1
c1rc=$?
wait $c2
c2rc=$?
wait $l1 $l2 $l3 $l4 $l5

for f in persist race_a race_b list info; do
	diag "$f: $(grep '^iterations' /tmp/$f.log), $(grep -c '^rc 0:' /tmp/$f.log) requests succeeded, $(grep -c '^rc [1-9]' /tmp/$f.log) failed"
done
diag "$(cat /tmp/churn1.out | tail -1) (private allocators)"
diag "$(cat /tmp/churn2.out | tail -1) (shared allocator)"
grep -h '^rc [1-9]' /tmp/race_a.log /tmp/race_b.log | sed 's/^\(rc [0-9]*: [^:]*\):.*: \([^:]*\)$/\1: \2/' | sort | uniq -c

t "the sender sent its 50000 frames (exit $txrc)" \
	sh -c "cat /tmp/tx.out | grep -v '^[0-9]*\.[0-9]* '; [ $txrc = 0 ] && grep -q '^Sent 50000 packets 3000000 bytes' /tmp/tx.out"
t "ptx's tx_pkts is 50000" sh -c '[ "$(vale-ctl -l vale5:ptx | sed -n "s/^tx_pkts: *//p")" = 50000 ]'
rxp=$(ctr vale5:rx rx_pkts)
rxd=$(ctr vale5:rx drop_noroom)
diag "receiver: rx_pkts $rxp drop_noroom $rxd"
t "the receiver got frames ($rxp)" [ "${rxp:-0}" -gt 0 ]
t "rx_pkts + drop_noroom of the receiver = 50000 ($rxp + $rxd)" [ $((${rxp:-0} + ${rxd:-0})) = 50000 ]
i=0
while [ "$(rx_sofar rx)" -lt "${rxp:-0}" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
kill -INT $rx
wait $rx
t "pkt-gen on the receiver counted rx_pkts ($rxp)" grep -q "^Received $rxp packets " /tmp/rx.out

t "churner with private allocators: no failed request (exit $c1rc)" \
	sh -c "cat /tmp/churn1.out; [ $c1rc = 0 ] && grep -q '^churn [1-9][0-9]* rounds [1-9][0-9]* opens 0 errors$' /tmp/churn1.out"
t "churner sharing the sink's allocator $memid: no failed request (exit $c2rc)" \
	sh -c "cat /tmp/churn2.out; [ $c2rc = 0 ] && grep -q '^churn [1-9][0-9]* rounds [1-9][0-9]* opens 0 errors$' /tmp/churn2.out"
t "persistent port life cycles ran" iterations /tmp/persist.log
t "every persistent-port request succeeded (create, attach, list, pkt-gen, detach, remove)" \
	rc_in /tmp/persist.log "0"
t "racing loop A ran" iterations /tmp/race_a.log
t "racing loop B ran" iterations /tmp/race_b.log
t "racing requests exit 0 or 1, never hang or crash (A)" rc_in /tmp/race_a.log "0 1"
t "racing requests exit 0 or 1, never hang or crash (B)" rc_in /tmp/race_b.log "0 1"
t "racing vale-ctl failures are clean messages (A)" failures_clean /tmp/race_a.log
t "racing vale-ctl failures are clean messages (B)" failures_clean /tmp/race_b.log
t "listings ran" iterations /tmp/list.log
t "every listing exited 0" rc_in /tmp/list.log "0"
t "every listed line was well formed" sh -c '! grep BADLINE /tmp/list.log'
t "PORT_INFO_GET loop ran" iterations /tmp/info.log
t "every PORT_INFO_GET succeeded" rc_in /tmp/info.log "0"

kill -TERM $sink
wait $sink
t "the sink closed its port" grep -qx closed /tmp/sink.out

# Clean up what the race left, in an order that always works.
# (a port in two switches leaves the first one last, so try both orders).
for k in 1 2; do
	vale-ctl -d vale6:race > /dev/null 2>&1
	vale-ctl -d vale5:race > /dev/null 2>&1
done
vale-ctl -r race > /dev/null 2>&1
t "race is gone" sh -c '! test -e /sys/class/net/race'
t "detach and remove ptx" sh -c 'vale-ctl -d vale5:ptx && vale-ctl -r ptx'
t "no port is left" sh -c 'vale-ctl -l > /tmp/vl.out; cat /tmp/vl.out; [ ! -s /tmp/vl.out ]'
t "no interface but lo is left" sh -c 'ls /sys/class/net; [ "$(ls /sys/class/net)" = lo ]'
after=$(cat $P/live_allocs)
t "live_allocs is back to $before (now $after)" [ "$after" = "$before" ]
t "rmmod netmap" rmmod netmap
