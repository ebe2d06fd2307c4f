# lib.sh - helpers for guest suites (sourced by /init before the suite).
#
#   t NAME CMD [ARGS...]   run CMD; report "ok - NAME" or "not ok - NAME" with its output
#   tap CMD [ARGS...]      run a program that prints its own "ok - ..."/"not ok - ..." lines
#   diag TEXT              a "# TEXT" line in the verdict
#   load_netmap            insmod our module
#
# The verdict channel is /dev/ttyS1; the host numbers the lines.
NM_TAP=/dev/ttyS1
NM_KO=/netmap/netmap.ko

diag() {
	echo "# $*"
	echo "# $*" > $NM_TAP
}

t() {
	local _name=$1 _rc
	shift
	if "$@" > /tmp/t.out 2>&1; then
		echo "ok - $_name" | tee $NM_TAP
	else
		_rc=$?
		echo "not ok - $_name" | tee $NM_TAP
		diag "command: $* (exit $_rc)"
		sed 's/^/#   /' /tmp/t.out | head -40 | tee $NM_TAP
	fi
}

# Negated check: CMD must fail.
t_fails() {
	local _name=$1
	shift
	if "$@" > /tmp/t.out 2>&1; then
		echo "not ok - $_name" | tee $NM_TAP
		diag "command unexpectedly succeeded: $*"
		sed 's/^/#   /' /tmp/t.out | head -40 | tee $NM_TAP
	else
		echo "ok - $_name" | tee $NM_TAP
	fi
}

tap() {
	local _rc=0
	"$@" > /tmp/tap.out 2>&1 || _rc=$?
	cat /tmp/tap.out
	grep -E '^(ok|not ok|#)' /tmp/tap.out > $NM_TAP
	if [ $_rc -ne 0 ] && ! grep -q '^not ok' /tmp/tap.out; then
		echo "not ok - $* exited $_rc" | tee $NM_TAP
	fi
}

load_netmap() {
	insmod $NM_KO "$@"
}
