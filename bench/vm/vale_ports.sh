# Benchmark (c): aggregate VALE throughput with 2, 16 and 252 active ports on
# one switch, as pairs of pkt-gen processes (t<k> sends 60-byte learned
# unicast to r<k>), relative to 2 ports. The rate is what the switch
# delivered to the receivers' rings (the rx_pkts counters of vale-ctl -l)
# over a fixed interval after a warm-up. Senders run on CPU 0, receivers on
# CPU 1, whatever the count, as in bridge_vs_vale. Every port has 256-slot
# rings (pkt-gen -C 256): about 10.5 MB of netmap memory each, 2.6 GB for 252.
# timeout: 900
# mem: 3584
# smp: 2
. /usr/local/bin/bench-lib
SECS=${NM_BENCH_SECS:-4}
COUNTS=$(echo "${NM_BENCH_PORTS:-2,16,252}" | tr , ' ')

t "insmod netmap.ko (mem_limit_mb=3200)" load_netmap mem_limit_mb=3200

nports() {	# ports of switch vale1 whose name starts with $1
	vale-ctl -l 2>/dev/null | grep -c "^vale1:$1"
}

rx_sum() {	# frames delivered to the receivers so far
	vale-ctl -l 2>/dev/null | awk '$1 ~ /^vale1:r/ {
		for (i = 2; i < NF; i++) if ($i == "rx_pkts") s += $(i + 1) }
		END { printf "%.0f\n", s }'
}

drops_sum() {
	vale-ctl -l 2>/dev/null | awk '$1 ~ /^vale1:r/ {
		for (i = 2; i < NF; i++) if ($i == "drop_noroom") s += $(i + 1) }
		END { printf "%.0f\n", s }'
}

wait_ports() {	# wait_ports PREFIX N SECONDS
	_i=0
	while [ "$(nports "$1")" -lt "$2" ] && [ $_i -lt $(($3 * 4)) ]; do
		sleep 0.25
		_i=$((_i + 1))
	done
	[ "$(nports "$1")" -ge "$2" ]
}

phase() {	# phase NAME: log how long the bring-up has taken so far
	diag "  $1 at $(echo "$(uptime_s) $_t0" | awk '{ printf "%.1f", $1 - $2 }') s"
}

PIDS=
run_ports() {	# run_ports N: sets PPS (0 when it could not be measured)
	PPS=0 DROPS=0
	_np=$(($1 / 2))
	_t0=$(uptime_s)
	PIDS=
	rm -f /tmp/go
	_k=0
	while [ $_k -lt $_np ]; do
		taskset -c 1 pkt-gen -i vale1:r$_k -f rx -C 256 > /dev/null 2>&1 &
		PIDS="$PIDS $!"
		_k=$((_k + 1))
	done
	wait_ports r $_np 300 || { diag "only $(nports r) of $_np receivers came up"; return 1; }
	phase "$_np receivers up"
	# Every receiver's port sends one frame, so that the switch learns it.
	_args= _k=0
	while [ $_k -lt $_np ]; do
		_args="$_args vale1:r$_k $(bench_mac $((2 * _k + 2)))"
		_k=$((_k + 1))
	done
	nmlearn $_args || diag "nmlearn failed"
	phase "receivers learned"
	# The senders start together once all of them are forked.
	_k=0
	while [ $_k -lt $_np ]; do
		sh -c 'while [ ! -e /tmp/go ]; do sleep 0.2; done; exec "$@"' sh \
			taskset -c 0 pkt-gen -i vale1:t$_k -f tx -C 256 -l 60 \
			-S "$(bench_mac $((2 * _k + 1)))" -D "$(bench_mac $((2 * _k + 2)))" \
			> /dev/null 2>&1 &
		PIDS="$PIDS $!"
		_k=$((_k + 1))
	done
	touch /tmp/go
	wait_ports t $_np 300 || { diag "only $(nports t) of $_np senders came up"; return 1; }
	phase "$_np senders up"
	sleep 2
	_a=$(rx_sum) _da=$(drops_sum) _ta=$(uptime_s)
	sleep "$SECS"
	_b=$(rx_sum) _db=$(drops_sum) _tb=$(uptime_s)
	PPS=$(echo "$_a $_b $_ta $_tb" | awk '{ printf "%.0f", ($2 - $1) / ($4 - $3) }')
	DROPS=$(echo "$_da $_db $_ta $_tb" | awk '{ printf "%.0f", ($2 - $1) / ($4 - $3) }')
}

stop_ports() {
	for p in $PIDS; do kill -INT $p 2>/dev/null; done
	for p in $PIDS; do wait $p 2>/dev/null; done
	_i=0
	while [ "$(nports '')" -gt 0 ] && [ $_i -lt 300 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

for n in $COUNTS; do
	run_ports "$n"
	diag "BENCH ports.$n.pps $PPS"
	diag "BENCH ports.$n.drop_pps ${DROPS:-0}"
	t "$n ports: the switch delivered frames" test "${PPS:-0}" -gt 0
	stop_ports
	t "$n ports: every port closed" test "$(nports '')" -eq 0
done
free -m | sed 's/^/# /' > /dev/ttyS1
