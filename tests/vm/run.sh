#!/bin/bash
# Guest test harness: boot the distribution kernel under QEMU once per suite, run the
# suite inside, and print one TAP line per test ("ok N - suite: name").
#
# usage: tests/vm/run.sh [-k KSERIES] [-d SUITES_DIR]... [-s SUITE]... [-o OUTDIR]
#   -k  kernel series, 6.1 (default) or 6.12
#   -d  directory of suites (default tests/vm/suites); may repeat
#   -s  run only this suite (file name without .sh); may repeat
#   -o  where logs go (default build/vm/<kver>)
# env: NM_KMOD_DIR  directory with netmap.ko (default build/kmod/<kver>/kernel)
#      NM_GUEST_ARGS extra nm.key=value words for the guest (NM_KEY=value in suites)
#      NM_PROGS     directory with guest programs (default build/vm/progs)
#      NM_LIVE      set: copy each guest's console to stderr as it runs
#
# Suite header lines: "# timeout: SECONDS" (default 120), "# mem: MiB" (default 512),
# "# smp: N" (default 2), "# kmods: MODULE..." (distribution modules to load),
# "# bins: PROGRAM..." (host programs to carry into the guest with their libraries),
# "# files: PATH..." (host files or directories, absolute, shell patterns allowed,
# carried to the same paths; ELF files bring their libraries; e.g. plugins a
# program dlopen()s, QEMU's firmware directory),
# "# prepare: SCRIPT" (a step on the host before the guest boots: SCRIPT, a path
# relative to the repository, runs as "SCRIPT DIR" with NM_KVER, NM_KROOT and
# NM_KIMAGE (the series' kernel version, unpacked package root, image) in its
# environment; what it leaves in DIR, symbolic links followed, reaches the
# guest under /prep/; its output goes to OUTDIR/SUITE.prepare.log, its failure
# fails the suite; e.g. guests a suite runs inside the guest, booted and saved
# on the host, where TCG is not nested),
# "# kseries: SERIES..." (run on these kernel series only, e.g. "6.1": a suite that
# costs minutes and tests nothing that differs between kernels; elsewhere it is one
# "ok ... # SKIP" line),
# "# nics: SPEC" (network interfaces joined to each other outside the guest; default
# none): SPEC is a count N, meaning N virtio NICs, or one model word per NIC,
# "virtio" (virtio-net-pci) or "e1000", e.g. "# nics: virtio e1000". All NICs sit on
# one QEMU hub, so a frame sent on one comes out of every other. The guest loads
# their drivers and names them eth0, eth1, ... in the order given, NIC i with MAC
# 52:54:00:12:34:<i+1 in hex>; they stay down. The suite sees the models as
# NM_NICS (comma-separated).
#
# A suite fails when a test fails, when the guest does not finish (timeout, crash),
# or when its kernel log contains a warning, BUG, oops, GPF, call trace or panic.
# Exit status: 0 when every line is "ok".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kseries=6.1
dirs=()
only=()
outdir=
while getopts k:d:s:o: opt; do
	case $opt in
	k) kseries=$OPTARG ;;
	d) dirs+=("$OPTARG") ;;
	s) only+=("$OPTARG") ;;
	o) outdir=$OPTARG ;;
	*) sed -n '2,41s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
[ ${#dirs[@]} -gt 0 ] || dirs=("$top/tests/vm/suites")

series_file=$top/build/kernels/series-$kseries
[ -s "$series_file" ] || { echo "run.sh: no kernel for series '$kseries' (run 'make deps')" >&2; exit 2; }
kver=$(cat "$series_file")
kroot=$top/build/kernels/$kver/root
kimage=$top/build/kernels/$kver/vmlinux
kmod_dir=${NM_KMOD_DIR:-$top/build/kmod/$kver/kernel}
progs=${NM_PROGS:-$top/build/vm/progs}
outdir=${outdir:-$top/build/vm/$kver}
[ -f "$kimage" ] || { echo "run.sh: missing $kimage (run 'make deps')" >&2; exit 2; }
[ -f "$kmod_dir/netmap.ko" ] || { echo "run.sh: missing $kmod_dir/netmap.ko (run 'make KSERIES=$kseries')" >&2; exit 2; }
mkdir -p "$outdir"

# The suites to run, in name order.
suites=()
for d in "${dirs[@]}"; do
	for f in "$d"/*.sh; do
		[ -f "$f" ] || continue
		n=$(basename "$f" .sh)
		if [ ${#only[@]} -gt 0 ]; then
			case " ${only[*]} " in *" $n "*) ;; *) continue ;; esac
		fi
		suites+=("$f")
	done
done
if [ ${#suites[@]} -eq 0 ]; then
	echo "not ok 1 - harness: no suite matches '${only[*]}' in ${dirs[*]}"
	exit 1
fi

hdr() {	# hdr FILE KEY DEFAULT: value of a "# KEY: value" suite header line
	local v
	v=$(sed -n "s/^# $2: *//p" "$1" | head -1)
	echo "${v:-$3}"
}

# nic_models SPEC: the "# nics:" header as one model word per NIC ("2" gives
# "virtio virtio", "0" or nothing gives nothing); fails on anything else. The
# cap keeps a typo from asking QEMU for more PCI slots than the machine has.
nic_models() {
	local w out=
	set -- $1
	case "$*" in
	*[!0-9]*)
		[ $# -le 16 ] || return 1
		for w; do
			case $w in
			virtio | e1000) out="$out $w" ;;
			*) return 1 ;;
			esac
		done ;;
	?*)
		[ $((10#$1)) -le 16 ] || return 1
		for ((w = 0; w < 10#$1; w++)); do out="$out virtio"; done ;;
	esac
	echo $out
}
# nic_kmods MODEL: the distribution modules its guest driver needs, in load
# order. virtio_pci (the transport) is not a symbol dependency of virtio_net,
# and is a module in 6.1 but built in in 6.12: mkinitramfs.sh resolves both.
nic_kmods() {
	case $1 in
	virtio) echo virtio_pci virtio_net ;;
	e1000) echo e1000 ;;
	esac
}
# nic_device MODEL: its QEMU device.
nic_device() {
	case $1 in
	virtio) echo virtio-net-pci ;;
	e1000) echo e1000 ;;
	esac
}

# One initramfs for the whole run, carrying what every selected suite needs but
# their "# bins:" and "# files:": those go into an archive per suite appended to
# it, so a suite carrying a QEMU does not slow the boot of the others.
kmods=
for f in "${suites[@]}"; do
	kmods="$kmods $(hdr "$f" kmods '')"
	for m in $(nic_models "$(hdr "$f" nics '')" 2>/dev/null); do
		kmods="$kmods $(nic_kmods "$m")"
	done
done
mods_stage=$outdir/mods
rm -f "$outdir"/initramfs-*.cpio
rm -rf "$mods_stage" && mkdir -p "$mods_stage"
cp "$kmod_dir"/*.ko "$mods_stage/"
[ -d "$top/build/kmod/$kver/selftest" ] && cp "$top/build/kmod/$kver/selftest"/*.ko "$mods_stage/" 2>/dev/null
suite_dirs=$(for f in "${suites[@]}"; do dirname "$f"; done | sort -u | tr '\n' ' ')
initrd=$outdir/initramfs.cpio
NM_MODS=$mods_stage NM_PROGS=$progs NM_SUITES="$suite_dirs" NM_KMODS="$kmods" NM_BINS= NM_FILES= \
	"$top/tests/vm/mkinitramfs.sh" "$initrd" "$kroot" "$kver" || {
	echo "not ok 1 - harness: initramfs build failed"
	exit 1
}

# KVM when it works, else TCG (the norm on our CI machines).
accel=(-accel tcg)
if [ -w /dev/kvm ] && printf 'quit\n' | timeout 10 qemu-system-x86_64 -accel kvm -M none \
	-nodefaults -display none -monitor stdio >/dev/null 2>&1; then
	accel=(-accel kvm -cpu host)
else
	# DPDK in the guest needs SSE4.2; "max" is much slower under TCG.
	accel+=(-cpu qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt)
fi

qpid=
cleanup() { [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

n=0 failed=0
emit() {	# emit ok|not NAME
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# Lines that mean the kernel is unhappy, whoever caused it.
kbad='WARNING:|BUG:|Oops|general protection fault|Call Trace|Kernel panic|RIP:'

for f in "${suites[@]}"; do
	s=$(basename "$f" .sh)
	only_series=$(hdr "$f" kseries '')
	if [ -n "$only_series" ] && [[ " $only_series " != *" $kseries "* ]]; then
		emit ok "$s: # SKIP runs on kernel series $only_series only"
		continue
	fi
	log=$outdir/$s.console
	res=$outdir/$s.tap
	klog=$outdir/$s.dmesg
	: > "$res"; : > "$klog"
	tmo=$(hdr "$f" timeout 120)
	# NICs on hub 0, which nothing else joins: the guest's NICs reach only
	# each other. No option ROMs: we boot the kernel directly, and then
	# ipxe-qemu need not be installed.
	nics=() nicargs=
	if ! models=$(nic_models "$(hdr "$f" nics '')"); then
		emit not "$s: header \"# nics: $(hdr "$f" nics '')\" is a count or words virtio|e1000"
		continue
	fi
	i=0
	for m in $models; do
		nics+=(-netdev "hubport,id=nic$i,hubid=0"
			-device "$(nic_device "$m"),netdev=nic$i,mac=$(printf '52:54:00:12:34:%02x' $((i + 1))),romfile=")
		i=$((i + 1))
	done
	# The guest loads these modules' lists from /etc/kmods/ before the suite.
	if [ -n "$models" ]; then
		nicargs="nm.nics=$(echo $models | tr ' ' ,) nm.nicmods=$(for m in $models; do
			nic_kmods "$m"; done | tr ' ' '\n' | awk '!seen[$0]++' | paste -sd,)"
	fi
	# The suite's own archive, shared by suites that carry the same things.
	sinitrd=$initrd
	sbins=$(hdr "$f" bins '') sfiles=$(hdr "$f" files '') sprep=$(hdr "$f" prepare '') pdir=
	if [ -n "$sprep" ]; then
		pdir=$outdir/$s.prep
		rm -rf "$pdir" && mkdir -p "$pdir"
		if ! NM_KVER=$kver NM_KROOT=$kroot NM_KIMAGE=$kimage "$top/$sprep" "$pdir" \
			> "$outdir/$s.prepare.log" 2>&1; then
			plog=$outdir/$s.prepare.log
			emit not "$s: host-side step $sprep ($(tail -1 "$plog"); log $plog)"
			continue
		fi
	fi
	if [ -n "$sbins$sfiles$pdir" ]; then
		# A suite's prepared files are its own: never shared.
		key=$(printf '%s|%s|%s' "$sbins" "$sfiles" "$pdir" | md5sum | cut -c1-12)
		sinitrd=$outdir/initramfs-$key.cpio
		if [ ! -s "$sinitrd" ] || [ "$sinitrd" -ot "$initrd" ] || [ -n "$pdir" ]; then
			if ! NM_BINS=$sbins NM_FILES=$sfiles NM_PREP=$pdir "$top/tests/vm/mkinitramfs.sh" \
				--overlay "$outdir/overlay-$key.cpio" 2> "$outdir/$s.overlay.log"; then
				emit not "$s: carry its bins/files into the guest ($(tail -1 "$outdir/$s.overlay.log"))"
				continue
			fi
			cat "$initrd" "$outdir/overlay-$key.cpio" > "$sinitrd"
			rm -f "$outdir/overlay-$key.cpio"
			[ -z "$pdir" ] || rm -rf "$pdir"
		fi
	fi
	start=$(date +%s)
	for attempt in 1 2 3; do
		: > "$res"
		: > "$klog"
		timeout -k 5 "$tmo" qemu-system-x86_64 "${accel[@]}" -M pc -nodefaults -no-user-config \
			-name "nmtest-$s" -display none -no-reboot \
			-m "$(hdr "$f" mem 512)" -smp "$(hdr "$f" smp 2)" \
			-chardev file,id=con,path="$log" -serial chardev:con \
			-serial file:"$res" -serial file:"$klog" \
			"${nics[@]}" -kernel "$kimage" -initrd "$sinitrd" \
			-append "console=ttyS0 loglevel=5 panic=-1 oops=panic cryptomgr.notests mitigations=off nm.suite=$s $nicargs ${NM_GUEST_ARGS:-}" \
			</dev/null >"$outdir/$s.qemu" 2>&1 &
		qpid=$!
		# NM_LIVE: the console as it comes, on stderr (make demo's progress).
		tpid=
		if [ -n "${NM_LIVE:-}" ]; then
			# tail ends by itself with QEMU (--pid).
			tail --pid="$qpid" -s 0.2 -n +1 -f "$log" 2>/dev/null | tr -d '\r' |
				grep -av '^@@' >&2 &
			tpid=$!
		fi
		wait "$qpid"
		qrc=$?
		qpid=
		[ -z "$tpid" ] || wait "$tpid"
		# A guest that died before the suite began never ran our code:
		# under TCG the 6.12 kernel now and then oopses on an int3 left by
		# boot-time code patching. Boot again, and say so.
		grep -q '^@@SUITE' "$res" && break
		[ "$qrc" = 124 ] || [ "$qrc" = 137 ] && break
		[ $attempt = 3 ] && break
		echo "# $s: the guest died while booting, before the suite started; booting again" \
			"($(tr -d '\r' < "$log" | grep -aE "$kbad" | head -1))"
		cp "$log" "$log.boot$attempt"
	done
	secs=$(($(date +%s) - start))

	tr -d '\r' < "$res" > "$res.clean"
	while IFS= read -r line; do
		case $line in
		"ok - "*) emit ok "$s: ${line#ok - }" ;;
		"not ok - "*) emit not "$s: ${line#not ok - }" ;;
		"#"*) echo "$line" ;;
		esac
	done < "$res.clean"

	if grep -q '^@@END' "$res.clean"; then
		emit ok "$s: guest finished (${secs}s)"
	elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		emit not "$s: guest finished (timed out after ${tmo}s; log $log)"
	else
		emit not "$s: guest finished (qemu exit $qrc, no end marker; log $log)"
		# A hub of guest NICs alone draws a warning that explains nothing.
		grep -v 'is not connected to host network' "$outdir/$s.qemu" | sed 's/^/# qemu: /' | head -5
	fi
	bad=$(tr -d '\r' < "$log" | cat - "$klog" | grep -aE "$kbad" | head -3)
	if [ -z "$bad" ]; then
		emit ok "$s: kernel log clean"
	else
		emit not "$s: kernel log clean (log $log)"
		echo "$bad" | sed 's/^/# kernel: /'
	fi
done
[ "$failed" = 0 ]
