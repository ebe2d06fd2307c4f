#!/bin/bash
# Prove the guest harness can fail: run the self-test suites through run.sh and
# check that a failing test, a kernel warning and a hung guest are each reported
# as failures (and a passing suite as a pass), that run.sh exits non-zero, and
# that no QEMU is left running. Prints TAP lines.
# usage: tests/vm/selftest.sh [-k KSERIES]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kseries=6.1
[ "${1:-}" = -k ] && kseries=$2
out=$top/build/vm/selftest-$kseries
mkdir -p "$out"
"$top/tests/vm/run.sh" -k "$kseries" -d "$top/tests/vm/selftest" -o "$out" > "$out/run.tap" 2>&1
rc=$?
failed=0
check() {	# check NAME CMD...
	local name=$1
	shift
	if "$@"; then
		echo "ok - harness self-test: $name"
	else
		echo "not ok - harness self-test: $name"
		failed=1
	fi
}
has() { grep -qE "$1" "$out/run.tap"; }
check "run.sh exits non-zero when a suite fails" test "$rc" -ne 0
check "a passing suite is reported ok" has '^ok [0-9]+ - st_pass: deliberate pass$'
check "a failing test is reported not ok" has '^not ok [0-9]+ - st_fail: deliberate failure$'
check "a kernel WARN is reported not ok" has '^not ok [0-9]+ - st_warn: kernel log clean'
check "the WARN suite's own tests still passed" has '^ok [0-9]+ - st_warn: load a module that warns$'
check "a hung guest is reported as a timeout" has '^not ok [0-9]+ - st_hang: guest finished \(timed out'
# The bracket keeps pgrep from matching this script's own command line.
no_qemu() { ! pgrep -f 'qemu-system.*[n]mtest-st_' > /dev/null; }
check "no QEMU is left running" no_qemu
if [ $failed != 0 ]; then
	sed 's/^/# /' "$out/run.tap"
fi
exit $failed
