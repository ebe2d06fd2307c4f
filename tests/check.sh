#!/bin/bash
# make check: install dependencies, build for every kernel series, run the unit
# tests, the guest suites on every series and the harness self-test. Prints TAP
# as it goes and ends with exactly one line "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
series=${NM_SERIES:-"6.1 6.12"}
out=build/check
mkdir -p "$out"
tap=$out/check.tap
: > "$tap"
start=$(date +%s)

say() { printf '%s\n' "$*" | tee -a "$tap"; }
# step NAME CMD...: run CMD, pass its TAP lines through, and add one line for the
# step itself when it produced none of its own (a build) or died without a "not ok".
step() {
	local name=$1 rc=0
	shift
	echo "# --- $name" | tee -a "$tap"
	"$@" > "$out/step.log" 2>&1 || rc=$?
	grep -E '^(ok|not ok|#)' "$out/step.log" | tee -a "$tap"
	if ! grep -qE '^(ok|not ok)' "$out/step.log"; then
		if [ $rc = 0 ]; then
			say "ok - $name"
		else
			say "not ok - $name (exit $rc)"
			tail -30 "$out/step.log" | sed 's/^/# /' | tee -a "$tap"
		fi
	elif [ $rc != 0 ] && ! grep -q '^not ok' "$out/step.log"; then
		say "not ok - $name (exit $rc)"
		tail -30 "$out/step.log" | sed 's/^/# /' | tee -a "$tap"
	fi
	return $rc
}

if step "dependencies installed (scripts/deps.sh)" scripts/deps.sh; then
	step "unit tests built with ASan+UBSan" make -s unit &&
		step "unit tests" make -s check-unit
	for s in $series; do
		if step "build for $s: module and programs, zero warnings" make -s KSERIES="$s" all; then
			step "guest suites on $s" tests/vm/run.sh -k "$s"
		fi
	done
	step "make install / uninstall into a staging root" tests/install/check.sh
	step "guest harness self-test" tests/vm/selftest.sh -k "${series%% *}"
fi

pass=$(grep -c '^ok' "$tap")
fail=$(grep -c '^not ok' "$tap")
echo "# make check took $(($(date +%s) - start)) s"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
