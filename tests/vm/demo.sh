#!/bin/bash
# make demo: the whole appliance on a fresh machine, in a few minutes.
#   1. (make) dependencies, netmap.ko, the programs
#   2. a sandbox guest (Debian's kernel under QEMU): netmap.ko loaded, valed
#      started from config/examples/demo.json as valed.service starts it, two
#      VMs on its vhost-user ports as libvirt connects them, valed status,
#      ping and TCP between the VMs; the same VMs on tap + Linux bridge
#   3. the vhost-user benchmark's stand-in VMs (DPDK testpmd virtio_user, no
#      emulated CPU: this measures the switch), 64-byte frames, short run
#   4. the figures side by side
# usage: tests/vm/demo.sh [-k KSERIES]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
kseries=6.1
while getopts k: opt; do
	case $opt in
	k) kseries=$OPTARG ;;
	*) sed -n '2,11s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
kver=$(cat "build/kernels/series-$kseries") || exit 1
out=build/demo/$kver
mkdir -p "$out"
start=$(date +%s)
step() { echo; echo "demo: [$(($(date +%s) - start)) s] $*"; }

step "2/4 the sandbox guest: valed, two VMs on vhost-user, then on tap + bridge (about 3 minutes)"
NM_LIVE=1 tests/vm/run.sh -k "$kseries" -d tests/vm/demo -s demo -o "$out" > "$out/demo.tap" 2>&1 &
rpid=$!
# run.sh's live console arrives on its stderr, which went to the file with its
# TAP: show the file as it grows, minus the TAP lines (they come at the end).
tail --pid=$rpid -s 0.3 -n +1 -f "$out/demo.tap" | grep -avE '^(ok|not ok) [0-9]+ | - demo: '
wait $rpid
rc=$?
grep -E '^not ok' "$out/demo.tap"
fig() { sed -n "s/^@@DEMO $1 //p" "$out/demo.console" | tr -d '\r' | tail -n 1; }

step "3/4 the vhost-user benchmark's stand-in VMs (testpmd virtio_user), 64 B, one round"
BENCH_PARTS=e BENCH_SIZES=64 BENCH_SECS=3 BENCH_ROUNDS=1 KSERIES=$kseries bench/run.sh \
	> "$out/bench.out" 2>&1 || rc=1
grep -A3 '^(e) guest' "$out/bench.out"
res=build/bench/$kver/results.txt

step "4/4 results (sandbox: Debian $kver under QEMU TCG, 2 vCPUs)"
printf '\n%-44s %14s %16s\n' "VM to VM, two QEMU guests in the sandbox" "ping avg (ms)" "TCP (Mbit/s)"
printf '%-44s %14s %16s\n' "  vhost-user + VALE switch (valed)" "$(fig vale_rtt_ms)" "$(fig vale_mbps)"
printf '%-44s %14s %16s\n' "  tap + Linux bridge" "$(fig bridge_rtt_ms)" "$(fig bridge_mbps)"
echo "  (guests emulated inside an emulated guest: these figures measure the emulator)"
echo
sed -n '/^size  *(a) vale-vhost+VALE/,/^$/p' "$res" 2>/dev/null | head -n 2
echo "  (virtio front-ends without an emulated CPU: this measures the switch path)"
echo
if [ $rc = 0 ]; then
	step "done; logs in $out and build/bench/$kver"
else
	step "something failed; logs in $out and build/bench/$kver"
fi
exit $rc
