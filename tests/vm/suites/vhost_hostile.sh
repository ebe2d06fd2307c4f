# vale-vhost against a hostile vhost-user front-end (progs/vhu_hostile.c):
# malformed messages, rings that break the virtqueue rules, fd floods, kick
# storms. After every attack the same vale-vhost process must still run,
# must have logged why it dropped the connection or stopped the device, and
# must serve the next front-end on the same socket: a well-behaved session
# gets its frames used and they cross the switch to pkt-gen on vale0:sink.
# At the end no fd or guest mapping is left behind, SIGTERM exits 0 and the
# VALE port goes away.
#
# Expected outcome of an attack: "err" (the device stopped, the ring's error
# eventfd signalled, the connection kept) for ring violations, "closed" for
# protocol violations (vale-vhost.8, DESCRIPTION).
#
# Two tests fail on purpose until vale-vhost is fixed: "kick-sema" (a kick
# fd that never drains makes it spin at 100% CPU) and "shrink" (a front-end
# truncating its shared memory file kills it with SIGBUS).
# timeout: 150

VH=/tmp/vh.log
SOCK=/tmp/bad.sock

t "insmod netmap.ko" load_netmap

vale-vhost --port vale0:bad --socket-path $SOCK > $VH 2>&1 &
echo $! > /tmp/vh.pid
t "vale-vhost serves vale0:bad on $SOCK" wait_for $VH "serving $SOCK" 10

# The other side of the switch: counts what the victim's good sessions send.
pkt-gen -i vale0:sink -f rx -w 0 > /tmp/sink.out 2>&1 &
echo $! > /tmp/sink.pid
port_up() {	# port_up PORT: until vale-ctl lists it (5 s)
	_i=0
	until vale-ctl -l | grep -q "^$1 "; do
		[ $_i -ge 50 ] && { vale-ctl -l; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
}
t "pkt-gen receives on vale0:sink" port_up vale0:sink

sink_rx() {
	_v=$(ctr vale0:sink rx_pkts)
	echo ${_v:-0}
}
pid_alive() {	# pid_alive PIDFILE LOG
	kill -0 $(cat $1) 2>/dev/null && return 0
	wait $(cat $1)
	echo "vale-vhost is gone (exit status $?); its log ends:"
	tail -n 15 $2
	return 1
}

# good [SOCKET]: a well-behaved front-end passes 32 frames: all come back
# used (vhu_hostile checks heads and GET_VRING_BASE), all reach vale0:sink.
good() {
	_b=$(sink_rx) _i=0
	vhu_hostile ${1:-$SOCK} good 32 > /tmp/good.out 2>&1 || {
		echo "vhu_hostile good exited $?"
		cat /tmp/good.out
		return 1
	}
	while [ $(sink_rx) -lt $((_b + 32)) ]; do
		[ $_i -ge 50 ] && {
			cat /tmp/good.out
			echo "vale0:sink rx_pkts went from $_b to $(sink_rx), not +32"
			return 1
		}
		sleep 0.1
		_i=$((_i + 1))
	done
}

# log_since LINE REGEX: a line of $VH from LINE on matches (waits 5 s).
log_since() {
	_i=0
	until tail -n +$1 $VH | grep -qE "$2"; do
		[ $_i -ge 50 ] && return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

# check_attack FROM WANT REGEX NAME RC: the verdict on one attack whose
# output is in /tmp/a.out and whose vhu_hostile exited RC.
check_attack() {
	cat /tmp/a.out
	[ $5 = 0 ] || { echo "vhu_hostile $4 exited $5 (it could not set the scene)"; return 1; }
	pid_alive /tmp/vh.pid $VH || return 1
	log_since $1 "$3" || {
		echo "no log line matches: $3; vale-vhost logged since the attack:"
		tail -n +$1 $VH
		return 1
	}
	grep -qx "result: $2" /tmp/a.out || { echo "expected: result: $2"; return 1; }
}

# attack NAME WANT REGEX: run one attack against the victim's socket.
attack() {
	_from=$(($(wc -l < $VH) + 1))
	vhu_hostile $SOCK $1 > /tmp/a.out 2>&1
	check_attack $_from "$2" "$3" $1 $?
}

# rx_attack NAME REGEX: an attack on the RX queue, which vale-vhost only
# reads when a frame arrives: pkt-gen sends some to the victim's port.
rx_attack() {
	_from=$(($(wc -l < $VH) + 1))
	vhu_hostile $SOCK $1 > /tmp/a.out 2>&1 &
	_p=$!
	wait_for /tmp/a.out "^ready" 10 || { kill $_p; wait $_p; cat /tmp/a.out; return 1; }
	pkt-gen -i vale0:src -f tx -w 0 -n 20 > /tmp/src.out 2>&1 || cat /tmp/src.out
	wait $_p
	check_attack $_from err "$2" $1 $?
}

# hostile NAME WANT REGEX: the attack, then a good session on the same socket.
hostile() {
	t "$1: result $2, reason logged, vale-vhost still running" attack "$@"
	t "$1: the next front-end on the same socket passes frames" good
}
hostile_rx() {
	t "$1: result err, reason logged, vale-vhost still running" rx_attack "$@"
	t "$1: the next front-end on the same socket passes frames" good
}

# Every session it accepted has ended: as many "waiting" lines as "connected".
idle() {
	_i=0
	until [ $(grep -c "front-end connected" $VH) = \
		$(grep -c "waiting for the next front-end" $VH) ]; do
		[ $_i -ge 50 ] && { tail -n 5 $VH; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
}
fds() {
	ls /proc/$(cat /tmp/vh.pid)/fd | wc -l
}

# ------------------------------------------------------------------
# The harness itself: a well-behaved front-end works, twice in a row.

t "good front-end: 32 frames used, seen on vale0:sink" good
t "a second good session on the same socket" good
idle
fds > /tmp/fds0
diag "vale-vhost holds $(cat /tmp/fds0) fds between sessions"

# ------------------------------------------------------------------
# Ring violations: the device stops (error fd), the connection stays until
# the front-end leaves, then the next one starts afresh.

R="ring 1: "
S="; the device stops until the front-end resets it"
hostile loop err "${R}descriptor chain loops or is longer than the queue$S"
hostile long-chain err "${R}descriptor chain loops or is longer than the queue$S"
hostile oob-addr err "${R}buffer outside guest memory$S"
hostile oob-len err "${R}buffer outside guest memory$S"
hostile wrap err "${R}buffer address \+ length wraps around$S"
hostile bad-index err "${R}avail index more than the queue size ahead of the used index$S"
hostile bad-head err "${R}head index beyond the queue size$S"
hostile bad-next err "${R}next index beyond the queue size$S"
hostile order err "${R}device-readable descriptor after a device-writable one$S"
hostile indirect-nested err "${R}indirect descriptor inside an indirect table$S"
hostile indirect-bad-len err "${R}indirect table length not a non-zero multiple of 16$S"
hostile indirect-zero err "${R}indirect table length not a non-zero multiple of 16$S"
hostile indirect-oob err "${R}indirect table outside guest memory$S"
hostile indirect-huge err "${R}indirect table too large$S"
hostile indirect-loop err "${R}indirect descriptor chain loops$S"
hostile indirect-segs err "${R}descriptor chain has too many segments$S"
storm() {
	attack kick-storm err "${R}descriptor chain loops" &&
		grep -qx "responsive: yes" /tmp/a.out
}
t "kick-storm: 20000 kicks on a broken device, it still answers at once" storm
diag "kick-storm:$(sed -n 's/^# [0-9]* kicks/&/p' /tmp/a.out | cut -c2-)"
t "kick-storm: the next front-end on the same socket passes frames" good
# A kick fd that stays readable for ever (an eventfd in semaphore mode
# gives 1 per read): vale-vhost must not spin on it. Its CPU time is
# sampled over one second while the front-end holds the connection; it
# must go on answering, or drop the connection, and keep running.
# vale-vhost spins on it at 100% of a CPU today: this test fails on purpose.
cpu_ticks() {	# utime + stime of vale-vhost, in clock ticks
	awk '{ print $14 + $15 }' /proc/$(cat /tmp/vh.pid)/stat
}
sema() {
	vhu_hostile $SOCK kick-sema > /tmp/a.out 2>&1 &
	_p=$!
	wait_for /tmp/a.out "^holding" 10 || { kill $_p; wait $_p; cat /tmp/a.out; return 1; }
	_c0=$(cpu_ticks)
	sleep 1
	_c1=$(cpu_ticks)
	wait $_p
	_rc=$?
	cat /tmp/a.out
	echo "vale-vhost used $((_c1 - _c0)) clock ticks in 1 s (of $(getconf CLK_TCK 2>/dev/null || echo 100))"
	[ $_rc = 0 ] || { echo "vhu_hostile kick-sema exited $_rc"; return 1; }
	pid_alive /tmp/vh.pid $VH && grep -qxE "responsive: yes|result: closed" /tmp/a.out &&
		[ $((_c1 - _c0)) -lt 30 ]
}
t "kick-sema: a kick fd that never drains does not make vale-vhost spin" sema
t "kick-sema: the next front-end on the same socket passes frames" good
hostile_rx rx-small "ring 0: mergeable receive buffer smaller than the net header$S"
hostile_rx rx-oob "ring 0: buffer outside guest memory$S"
t "every broken device was reset when its front-end left" sh -c "
	[ \$(grep -c 'the device stops until' $VH) = 19 ] &&
	[ \$(grep -c 'every ring stopped, the device runs again' $VH) -ge 19 ]"

# ------------------------------------------------------------------
# Protocol violations: the connection is closed with the reason logged.

C="closing the connection: "
hostile trunc-msg closed "${C}SET_FEATURES: truncated payload: connection closed after 3 of 8 bytes"
hostile bad-request closed "${C}unknown request 99"
hostile unsupported closed "${C}request GET_CONFIG \(24\) is not supported"
hostile huge-size closed "${C}SET_FEATURES: payload size 4294967280 exceeds"
hostile bad-flags closed "${C}unsupported protocol version 2"
hostile mem-too-many closed "${C}SET_MEM_TABLE: 9 regions, at most 8"
hostile no-fd closed "${C}SET_MEM_TABLE: 1 regions but 0 fds"
hostile fd-flood closed "${C}message carries more than 8 fds"
hostile ring-addr-oob closed "${C}SET_VRING_ADDR: ring 1: descriptor table at user address 0x[0-9a-f]+ \(4096 bytes\) is not in guest memory"
hostile ring-misaligned closed "${C}SET_VRING_ADDR: ring 1: descriptor table at user address 0x[0-9a-f]+ is not 16-byte aligned"
hostile bad-num closed "${C}SET_VRING_NUM: ring 1: size 300 is not a power of two"
hostile bad-ring closed "${C}SET_VRING_NUM: ring 200 out of range"
hostile mem-slots closed "${C}ADD_MEM_REG: all 64 memory slots are in use"
hostile mem-beyond closed "${C}SET_MEM_TABLE: region 0: needs [0-9]+ bytes of its fd but the file holds [0-9]+"

# ------------------------------------------------------------------
# Nothing left behind by all of that.

no_leaks() {
	idle || return 1
	_p=$(cat /tmp/vh.pid) _n=$(fds)
	echo "fds: $(cat /tmp/fds0) after the first sessions, $_n now"
	ls -l /proc/$_p/fd
	grep vhu-hostile /proc/$_p/maps && { echo "guest memory still mapped"; return 1; }
	[ $_n = $(cat /tmp/fds0) ]
}
t "no fd or guest memory mapping outlives its front-end" no_leaks

vh_stop() {	# vh_stop PIDFILE: SIGTERM, and its exit status once gone (2 s at most)
	_p=$(cat $1) _i=0
	kill -TERM $_p || return 1
	while kill -0 $_p 2>/dev/null && [ $_i -lt 20 ]; do sleep 0.1; _i=$((_i + 1)); done
	kill -0 $_p 2>/dev/null && { echo "still running after 2 s"; kill -9 $_p; }
	wait $_p
}
term() {
	vh_stop /tmp/vh.pid; _rc=$?
	tail -n 3 $VH
	echo "exit status $_rc"
	[ $_rc = 0 ] && [ ! -e $SOCK ] && ! vale-ctl -l | grep -q "^vale0:bad "
}
t "SIGTERM: exit 0, socket removed, vale0:bad gone" term

# The whole log, for the console only: every reason, in order.
echo "# vale-vhost's log:"
sed 's/^/#   /' $VH

# ------------------------------------------------------------------
# A front-end that shrinks the memory file it shared: every page past the
# new end raises SIGBUS in whoever touches it. On a victim of its own, so
# that a death here cannot hide the results above. vale-vhost does not
# survive this yet (SIGBUS, exit status 135): the first test below fails
# until it does, on purpose.

vale-vhost --port vale0:bad2 --socket-path /tmp/bad2.sock > /tmp/vh2.log 2>&1 &
echo $! > /tmp/vh2.pid
wait_for /tmp/vh2.log "serving /tmp/bad2.sock" 10
shrink() {
	vhu_hostile /tmp/bad2.sock shrink > /tmp/a.out 2>&1
	_rc=$?
	cat /tmp/a.out
	[ $_rc = 0 ] || { echo "vhu_hostile shrink exited $_rc"; return 1; }
	pid_alive /tmp/vh2.pid /tmp/vh2.log
}
t "shrink: vale-vhost survives a front-end truncating its shared memory" shrink
if kill -0 $(cat /tmp/vh2.pid) 2>/dev/null; then
	t "shrink: the next front-end on the same socket passes frames" good /tmp/bad2.sock
	t "shrink: SIGTERM exits 0" vh_stop /tmp/vh2.pid
else
	t "shrink: its VALE port went away with the process" sh -c '! vale-ctl -l | grep -q "^vale0:bad2 "'
fi

kill -INT $(cat /tmp/sink.pid) 2>/dev/null
wait $(cat /tmp/sink.pid) 2>/dev/null
diag "$(grep -E "tx [0-9]+ pkts" $VH | tail -n 1 | cut -d" " -f3-)"
t "rmmod netmap" rmmod netmap
