#!/bin/bash
# bench/run.sh - run the benchmarks and print the ratios (bench/README.md).
#
# usage: bench/run.sh          (from the top directory; `make bench` calls it)
# env:   KSERIES       kernel series of the guest, 6.1 (default) or 6.12
#        BENCH_PARTS   which parts, any of "a b c d e" (default all five)
#        BENCH_SECS    steady seconds per guest measurement (default 4)
#        BENCH_ROUNDS  alternations of the setups in (a), (d) and (e) (default 3)
#        BENCH_VHOST_BUSY  1: part (e) runs vale-vhost with --busy-poll
#        BENCH_SIZES   frame lengths of part (e) (default "64 1514")
#        BENCH_NICE    part (e): renice the endpoints' threads (testpmds) to this
#        BENCH_VHOST_COALESCE  part (e): vale-vhost's --coalesce-ms (default 1;
#                      0 runs it without, as it starts by default)
#        BENCH_PORTS   port counts for (b) and (c) (default "2 16 252")
#        BENCH_CORE_SECS  seconds per userspace measurement (default 2)
#
# Everything a run produces goes to build/bench/<kver>/: core.txt (part b),
# guest.tap (parts a, c, d and e, with the harness's console and kernel logs
# next to it), results.txt (the tables printed at the end).
# Exit status: 0 when every figure was measured, 1 otherwise.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

kseries=${KSERIES:-6.1}
parts=${BENCH_PARTS:-a b c d e}
secs=${BENCH_SECS:-4}
rounds=${BENCH_ROUNDS:-3}
ports=${BENCH_PORTS:-2 16 252}
core_secs=${BENCH_CORE_SECS:-2}

kver=$(cat "build/kernels/series-$kseries" 2>/dev/null) || {
	echo "bench: no kernel for series $kseries (run 'make deps')" >&2
	exit 1
}
out=build/bench/$kver
progs=build/bench/progs
mkdir -p "$out"
rm -f "$out/core.txt" "$out/guest.tap" "$out/results.txt"
has() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }
failed=0

# Guest programs: the project's (pkt-gen, vale-ctl, ...) plus ours.
rm -rf "$progs" && mkdir -p "$progs"
cp -a build/vm/progs/. "$progs/"
cp build/bench/afpkt build/bench/nmlearn "$progs/"
install -m 0644 bench/vm/bench-lib "$progs/bench-lib"
build/bench/corebench -M 252 > "$progs/bench-macs.txt" || exit 1

start=$(date +%s)
if has b; then
	echo "bench (b): forwarding core in userspace, ${core_secs} s per figure..." >&2
	build/bench/corebench -t "$core_secs" -r 3 -N "$ports" > "$out/core.txt" \
		2> "$out/core.log" || failed=1
	# The same port counts with 2112-byte buffers (buf_size=2112): frames
	# of 2048-byte buffers start at one of two offsets of a 4 KiB page,
	# so all of them share 1/32 of the cache sets; see bench/README.md.
	build/bench/corebench -t "$core_secs" -r 3 -s -B 2112 -N "$ports" >> "$out/core.txt" \
		2>> "$out/core.log" || failed=1
	cat "$out/core.log" >&2
	# Counters on vs off, alternating in pairs, for what the per-port
	# counters cost: a shared host moves single runs by 10 % and more, so
	# the figure is the median of the pairs' ratios.
	# Pairs alternate which goes first, so an order effect cancels out.
	for i in 1 2 3 4 5 6; do
		for w in $([ $((i % 2)) = 1 ] && echo "on off" || echo "off on"); do
			b=build/bench/corebench
			[ $w = off ] && b=build/bench/corebench-nostats
			$b -V -t "$core_secs" -r 1 -N "" 2>/dev/null |
				sed -n "s/^BENCH core\.\([0-9]*\)\.vale_mpps /BENCH stats_$w.\1.$i /p"
		done
	done >> "$out/core.txt"
	# The same cost in instructions, which no neighbour on the host moves:
	# callgrind counts two fixed-work runs of each build (-F: 64 and 320
	# TX syncs of 512 frames, in the warm-up and the timed run alike), so
	# set-up cancels out of the difference.
	if command -v valgrind > /dev/null; then
		for w in on off; do
			b=build/bench/corebench-ir
			[ $w = off ] && b=build/bench/corebench-ir-nostats
			for f in 64 320; do
				valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$w.$f" \
					$b -V -F $f -r 1 -N "" -l 60 > /dev/null 2>&1 || failed=1
			done
			echo "BENCH ir_$w.60 $(sed -n 's/^totals: //p' "$out/callgrind.$w.320" "$out/callgrind.$w.64" |
				tr '\n' ' ' | awk '{ printf "%.1f", ($1 - $2) / (2 * 256 * 512) }')"
		done >> "$out/core.txt"
	fi
fi

suites=()
has a && suites+=(-s bridge_vs_vale)
has c && suites+=(-s vale_ports)
has d && suites+=(-s generic_vs_afpkt)
has e && suites+=(-s vhost_paths)
if [ ${#suites[@]} -gt 0 ]; then
	echo "bench (a/c/d/e): guest runs on $kver (logs in $out)..." >&2
	# idle=poll: an idle vCPU spins instead of halting, so that waking a
	# receiver under TCG costs a flag write, not a host thread wake-up.
	NM_GUEST_ARGS="idle=poll nm.bench_secs=$secs nm.bench_rounds=$rounds nm.bench_ports=${ports// /,} nm.bench_vhost_busy=${BENCH_VHOST_BUSY:-0}${BENCH_SIZES:+ nm.bench_sizes=${BENCH_SIZES// /,}}${BENCH_NICE:+ nm.bench_nice=$BENCH_NICE} nm.bench_vhost_coalesce=${BENCH_VHOST_COALESCE:-1}" \
	NM_PROGS="$top/$progs" \
		tests/vm/run.sh -k "$kseries" -d bench/vm "${suites[@]}" -o "$out" \
		> "$out/guest.tap" 2>&1 || failed=1
	grep -E '^not ok' "$out/guest.tap" >&2
	grep -vE '^(ok|not ok|# BENCH)' "$out/guest.tap" | grep -v '^# *BENCH' >&2
fi

# key -> value, from both sources.
declare -A V
while read -r _ k v; do V[$k]=$v; done < <(
	{ cat "$out/core.txt" 2>/dev/null
	  sed -n 's/^# BENCH /BENCH /p' "$out/guest.tap" 2>/dev/null; } | grep '^BENCH ')

get() {	# get KEY: the value, or "" when missing or zero
	local v=${V[$1]:-}
	case $v in ''|0|0.0|0.00|0.000) echo "" ;; *) echo "$v" ;; esac
}

# Every figure the tables need; a missing one fails the run.
need=()
has b && for len in 60 1514; do need+=(core.$len.vale_mpps core.$len.memcpy_mpps); done
has b && for n in $ports; do need+=(scale.$n.fanout_mpps scale.$n.pairs_mpps); done
has a && for len in 60 1514; do need+=(vale.$len.pps bridge.$len.pps); done
has c && for n in $ports; do need+=(ports.$n.pps); done
has d && for len in 60 1514; do need+=(gen_direct.$len.pps gen_uplink.$len.pps gen_afpkt.$len.pps); done
vh_sizes=${BENCH_SIZES:-64 1514}
has e && for len in $vh_sizes; do need+=(vh_vale.$len.pps vh_valed.$len.pps vh_kern.$len.pps vh_dpdk.$len.pps); done
for k in "${need[@]}"; do
	if [ -z "$(get "$k")" ]; then
		echo "bench: no measurement for $k" >&2
		failed=1
	fi
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
pct() {	# pct P "n n n": P-th percentile of the numbers
	echo "$2" | tr ' ' '\n' | awk 'NF' | sort -n | awk -v p="$1" '{ a[NR] = $1 }
		END { if (NR == 0) { print ""; exit }; i = int(p / 100 * (NR - 1) + 1.5); if (i > NR) i = NR; print a[i] }'
}
num() { [ -n "$1" ] && printf "%.0f" "$1" || printf -- "-"; }

{
if has b; then
	echo
	echo "(b) forwarding core, userspace, one core: VALE a->b (512 frames per TX sync) vs memcpy of the same bytes"
	printf "%-6s %12s %14s %12s\n" size "VALE Mpps" "memcpy Mpps" "VALE/memcpy"
	for len in 60 1514; do
		v=$(get core.$len.vale_mpps) m=$(get core.$len.memcpy_mpps)
		printf "%-6s %12s %14s %12s\n" "$len" "${v:--}" "${m:--}" "$(ratio "$v" "$m")"
	done
	echo
	echo "(b) cost of the per-port counters: 6 pairs of runs, counters on and compiled out (in turn" \
		"first); medians, and the median of the pairs' on/off ratios [lowest-highest]"
	printf "%-6s %12s %12s %10s %16s\n" size "on Mpps" "off Mpps" "on/off" "[pairs]"
	for len in 60 1514; do
		on=$(for i in 1 2 3 4 5 6; do get stats_on.$len.$i; done | sort -g | sed -n 3p)
		off=$(for i in 1 2 3 4 5 6; do get stats_off.$len.$i; done | sort -g | sed -n 3p)
		rs=$(for i in 1 2 3 4 5 6; do ratio "$(get stats_on.$len.$i)" "$(get stats_off.$len.$i)"; echo; done |
			grep -v -- - | sort -g)
		printf "%-6s %12s %12s %10s %16s\n" "$len" "${on:--}" "${off:--}" \
			"$(echo "$rs" | awk '{ a[NR] = $1 } END { if (NR) printf "%.2f", (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2; else print "-" }')" \
			"[$(echo "$rs" | head -1)-$(echo "$rs" | tail -1)]"
	done
	on=$(get ir_on.60) off=$(get ir_off.60)
	echo "(b) the same in instructions per frame at 60 B (callgrind, fixed work): counters on ${on:--}," \
		"compiled out ${off:--}: on/off $(awk -v a="$on" -v b="$off" 'BEGIN { if (a > 0 && b > 0)
			printf "%.3f (+%.1f %%)", a / b, 100 * (a / b - 1); else print "-" }')"
	echo
	echo "(b) port count, 60 B learned unicast, 256-slot rings, 255 frames per TX sync; rel = against" \
		"2 ports in the same repetition; memcpy = the pairs' frames copied between the same buffers" \
		"with no switch (the memory ceiling)"
	printf "%-6s %14s %6s %12s %6s %8s   %s\n" ports "fan-out Mpps" "rel" "pairs Mpps" "rel" \
		"memcpy" "buf_size=2112: pairs Mpps rel, memcpy rel"
	for n in $ports; do
		printf "%-6s %14s %6s %12s %6s %8s   %12s %6s %6s\n" "$n" "$(get scale.$n.fanout_mpps)" \
			"$(get scale.$n.fanout_rel)" "$(get scale.$n.pairs_mpps)" "$(get scale.$n.pairs_rel)" \
			"$(get scale.$n.copy_rel)" "$(get scale_b2112.$n.pairs_mpps)" \
			"$(get scale_b2112.$n.pairs_rel)" "$(get scale_b2112.$n.copy_rel)"
	done
fi
if has a; then
	echo
	echo "(a) guest ($kver, TCG, 2 vCPUs): VALE pkt-gen tx->rx vs Linux bridge + veth + AF_PACKET" \
		"(netns: ${V[bridge.netns]:-?}); receiver pps, median [p90] of per-second reports"
	printf "%-6s %18s %18s %14s %10s %14s\n" size "VALE pps" "bridge pps" "VALE/bridge" "[p90]" "VALE tx pps"
	for len in 60 1514; do
		v=$(get vale.$len.pps) b=$(get bridge.$len.pps)
		vp=$(pct 90 "${V[vale.$len.samples]:-}") bp=$(pct 90 "${V[bridge.$len.samples]:-}")
		printf "%-6s %18s %18s %14s %10s %14s\n" "$len" "$(num "$v") [$(num "$vp")]" \
			"$(num "$b") [$(num "$bp")]" "$(ratio "$v" "$b")" "[$(ratio "$vp" "$bp")]" \
			"$(num "${V[vale_tx.$len.pps]:-}")"
	done
fi
if has c; then
	echo
	echo "(c) guest: VALE pkt-gen pairs on one switch, 60 B, senders on CPU 0, receivers on CPU 1;" \
		"frames delivered per second"
	printf "%-6s %12s %8s %16s\n" ports "pps" "rel" "dropped pps"
	base=$(get ports.${ports%% *}.pps)
	for n in $ports; do
		p=$(get ports.$n.pps)
		printf "%-6s %12s %8s %16s\n" "$n" "$(num "$p")" "$(ratio "$p" "$base")" \
			"$(num "${V[ports.$n.drop_pps]:-}")"
	done
fi
if has d; then
	echo
	echo "(d) guest ($kver, TCG, 2 vCPUs): generic adapter vs AF_PACKET, sending on veth va to vb (netns)," \
		"sender on CPU 0, afpkt rx on vb on CPU 1; receiver pps, median [p90] of per-second reports"
	printf "%-6s %18s %18s %18s %12s %8s %12s %8s\n" size "netmap:va pps" "vale0 uplink pps" \
		"AF_PACKET pps" "direct/AFP" "[p90]" "uplink/AFP" "[p90]"
	for len in 60 1514; do
		d=$(get gen_direct.$len.pps) u=$(get gen_uplink.$len.pps) a=$(get gen_afpkt.$len.pps)
		dp=$(pct 90 "${V[gen_direct.$len.samples]:-}") up=$(pct 90 "${V[gen_uplink.$len.samples]:-}")
		ap=$(pct 90 "${V[gen_afpkt.$len.samples]:-}")
		printf "%-6s %18s %18s %18s %12s %8s %12s %8s\n" "$len" "$(num "$d") [$(num "$dp")]" \
			"$(num "$u") [$(num "$up")]" "$(num "$a") [$(num "$ap")]" \
			"$(ratio "$d" "$a")" "[$(ratio "$dp" "$ap")]" "$(ratio "$u" "$a")" "[$(ratio "$up" "$ap")]"
	done
	echo
	echo "(d) per sender: its own rate and the receiver's (medians of per-second reports); frames that" \
		"reached vb and frames lost, totals over all rounds"
	printf "%-6s %-14s %10s %10s %12s %12s %12s %12s\n" size sender "tx pps" "rx pps" "vb rx_pkts" \
		"veth drops" "backlog drops" "sock drops"
	for len in 60 1514; do
		for w in direct uplink afpkt; do
			case $w in direct) n=netmap:va ;; uplink) n="vale0 uplink" ;; afpkt) n=AF_PACKET ;; esac
			printf "%-6s %-14s %10s %10s %12s %12s %12s %12s\n" "$len" "$n" \
				"$(num "${V[gen_${w}_tx.$len.pps]:-}")" "$(num "${V[gen_$w.$len.pps]:-}")" \
				"${V[gen_$w.$len.vb_rx]:--}" "${V[gen_$w.$len.veth_drops]:--}" \
				"${V[gen_$w.$len.backlog_drops]:--}" "${V[gen_$w.$len.sock_drops]:--}"
		done
	done
	echo "(the switch could not hand to the uplink: ${V[gen_uplink.60.noroom]:--} frames at 60 B," \
		"${V[gen_uplink.1514.noroom]:--} at 1514 B)"
fi
if has e; then
	busy="vale-vhost event-driven (default)"
	[ "${V[vh.busy_poll]:-0}" = 1 ] && busy="vale-vhost --busy-poll"
	[ "${V[vh.coalesce_ms]:-0}" -gt 0 ] && busy="vale-vhost --coalesce-ms ${V[vh.coalesce_ms]}"
	echo
	echo "(e) guest ($kver, TCG, 2 vCPUs): vhost-user back-ends, DPDK testpmd net_virtio_user txonly (CPU 0)" \
		"-> rxonly (CPU 1), frame length without CRC; receiver pps over the windows [slowest, fastest window]"
	printf "%-6s %24s %24s %24s %24s %9s %9s %9s %9s\n" size "(a) vale-vhost+VALE" "(a') valed+VALE" \
		"(b) vhost-net+bridge" "(c) DPDK vhost io" "(a)/(b)" "(a)/(c)" "(a')/(b)" "(a')/(c)"
	for len in $vh_sizes; do
		a=$(get vh_vale.$len.pps) d=$(get vh_valed.$len.pps)
		b=$(get vh_kern.$len.pps) c=$(get vh_dpdk.$len.pps)
		printf "%-6s" "$len"
		for w in vale valed kern dpdk; do
			s=${V[vh_$w.$len.samples]:-}
			printf " %24s" "$(num "$(get vh_$w.$len.pps)") [$(num "$(pct 0 "$s")")-$(num "$(pct 100 "$s")")]"
		done
		printf " %9s %9s %9s %9s\n" "$(ratio "$a" "$b")" "$(ratio "$a" "$c")" \
			"$(ratio "$d" "$b")" "$(ratio "$d" "$c")"
	done
	echo "(targets at 64 B, not asserted: ours/(b) >= 3, ours/(c) >= 1.0; (a) is $busy," \
		"(a') is valed serving both VM ports, cpu_affinity [0, 1]: two workers, one pinned to each CPU)"
	echo
	echo "(e) per path: what the sender's virtqueue took (tx pps), the receiver got (rx pps), the path lost" \
		"(tx - rx); the sender's frames that found its ring full (refused); CPU, % of one CPU over the" \
		"windows: back-end threads (and % of time they waited for a CPU), sender, receiver"
	printf "%-6s %-22s %10s %10s %10s %8s %9s %9s %8s %8s\n" size path "tx pps" "rx pps" "lost pps" \
		refused "back-end" "[wait]" sender receiver
	for len in $vh_sizes; do
		for w in vale valed kern dpdk; do
			case $w in
			vale) n="(a) vale-vhost+VALE" ;;
			valed) n="(a') valed+VALE" ;;
			kern) n="(b) vhost-net+bridge" ;;
			dpdk) n="(c) DPDK vhost io" ;;
			esac
			printf "%-6s %-22s %10s %10s %10s %8s %9s %9s %8s %8s\n" "$len" "$n" \
				"$(num "${V[vh_$w.$len.tx_pps]:-}")" "$(num "${V[vh_$w.$len.pps]:-}")" \
				"$(num "${V[vh_$w.$len.lost_pps]:-}")" "${V[vh_$w.$len.refused_pct]:--}%" \
				"${V[vh_$w.$len.cpu_pct]:--}%" "[${V[vh_$w.$len.wait_pct]:--}%]" \
				"${V[vh_$w.$len.tx_cpu_pct]:--}%" "${V[vh_$w.$len.rx_cpu_pct]:--}%"
		done
	done
fi
echo
echo "($(($(date +%s) - start)) s; logs in $out)"
} | tee "$out/results.txt"

if [ "$failed" != 0 ]; then
	echo "bench: some figures could not be measured (see above and $out)" >&2
	exit 1
fi
