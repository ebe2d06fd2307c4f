# lib.sh - helpers for guest suites (sourced by /init before the suite).
#
#   t NAME CMD [ARGS...]   run CMD; report "ok - NAME" or "not ok - NAME" with its output
#   tap CMD [ARGS...]      run a program that prints its own "ok - ..."/"not ok - ..." lines
#   diag TEXT              a "# TEXT" line in the verdict
#   load_netmap            insmod our module
#   wait_for FILE REGEX    until a line of FILE matches
#   ctr PORT FIELD         a per-port counter from vale-ctl -l
#
# A suite with a "# nics:" header finds its NICs as eth0, eth1, ... (down, NIC i
# with MAC 52:54:00:12:34:<i+1 in hex>, all on one hub outside the guest) and
# their models, comma-separated, in NM_NICS.
#
# The verdict channel is /dev/ttyS1; the host numbers the lines.
NM_TAP=/dev/ttyS1
NM_KO=/netmap/netmap.ko

# Programs a suite carries in ("# bins:") win over busybox applets of the
# same name, which busybox sh would otherwise run instead.
if [ -f /etc/bins ]; then
	while read -r _b _p; do
		case $_b in
		*[!A-Za-z0-9_]*) ;;
		*) eval "$_b() { $_p \"\$@\"; }" ;;
		esac
	done < /etc/bins
fi

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

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches (default 30 s).
wait_for() {
	local _i=0
	while ! grep -qE "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -le $((${3:-30} * 10)) ] || return 1
		sleep 0.1
	done
}

# ctr PORT FIELD: one per-port counter, as "vale-ctl -l PORT" prints it.
ctr() {
	vale-ctl -l "$1" | sed -n "s/^$2: *//p"
}
