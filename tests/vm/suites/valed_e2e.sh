# valed end to end, run the way its systemd unit runs it (foreground,
# Type=notify through NOTIFY_SOCKET): it builds the switches, uplinks,
# persistent ports and VM ports of a JSON file, reports them, reloads
# (SIGHUP and "valed reload") adding and removing switches, uplinks and VM
# ports while traffic on untouched ports goes on without loss, rejects a
# bad file without changing anything, survives kill -9 (a restart adopts
# what the kernel still has and the VMs' traffic resumes), takes runtime
# port changes, and on stop removes what it created and nothing else.
#
# The VMs are DPDK testpmd processes with net_virtio_user (real virtio
# front-ends without a VM), listening (server=1) so that valed connects to
# them as libvirt's mode='server' guests expect, and reconnects.
# bins: ip dpdk-testpmd stdbuf
# files: /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_net_virtio.so* /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_mempool_ring.so* /usr/libexec/coreutils/libstdbuf.so
# kmods: veth
# timeout: 420
# mem: 1536
# smp: 2

t "insmod netmap.ko" load_netmap
mkdir -p /etc/valed /run/valed /var/run /dev/shm
MAC1=02:00:00:00:00:01
MAC2=02:00:00:00:00:02
CONF=/etc/valed/valed.json
export VALED_STATE=/run/valed/applied.json
# The peers of the uplinks stay in the host stack: without IPv6 they send
# nothing of their own (neighbour discovery, MLD) that the exact frame count
# across the reload would see.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
sysctl -qw net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
for i in 0 1; do
	/bin/ip link add veth${i}a type veth peer name veth${i}b
	/bin/ip link set veth${i}a up
	/bin/ip link set veth${i}b up
done
# The operator's own persistent port: valed must never remove it.
vale-ctl -n keep0

# ------------------------------------------------------------------
# Helpers.

# tp_start NAME SOCKET MAC: testpmd listening on SOCKET (a VM), fd 7/8/9 by name.
tp_start() {
	rm -f /tmp/$1.in
	mkfifo /tmp/$1.in
	case $1 in vm1) exec 7<>/tmp/$1.in ;; vm2) exec 8<>/tmp/$1.in ;; esac
	stdbuf -oL dpdk-testpmd --no-huge -m 256 --no-pci -l 0,1 --file-prefix $1 \
		--vdev "net_virtio_user0,path=$2,queues=1,server=1,mac=$3" -- -i \
		--txd=256 --rxd=256 --total-num-mbufs=4096 --eth-peer=0,$MAC2 \
		< /tmp/$1.in > /tmp/$1.log 2>&1 &
	echo $! > /tmp/$1.pid
}
tp() {	# tp VM COMMAND...
	_vm=$1
	shift
	case $_vm in vm1) echo "$*" >&7 ;; vm2) echo "$*" >&8 ;; esac
}
tp_up() {
	_i=0
	until grep -q "testpmd> " /tmp/$1.log; do
		[ $_i -lt 600 ] || { tail -n 20 /tmp/$1.log; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
}
# rx_count: testpmd vm2's RX-packets, asked for now.
rx_count() {
	tp vm2 "show port stats 0"
	sleep 1
	awk '$1 == "RX-packets:" { v = $2 } END { print v + 0 }' /tmp/vm2.log
}
# st_port SWITCH PORT FIELD: a column of "valed status" (type state rx tx drops).
st_port() {
	valed status > /tmp/st.out 2>&1 || { cat /tmp/st.out; return 1; }
	awk -v sw="switch $1:" -v p="$2" -v f="$3" '
		/^switch / { in_sw = (index($0, sw) == 1) }
		in_sw && $1 == p {
			if (f == "type") print $2; else if (f == "state") print $3;
			else if (f == "rx") print $4; else if (f == "tx") print $5;
			else if (f == "drops") print $6; exit }' /tmp/st.out
}
expect_state() {	# expect_state SWITCH PORT STATE [SECONDS]
	_i=0 _n=$((${4:-10} * 4))
	while [ "$(st_port $1 $2 state)" != "$3" ]; do
		[ $_i -lt $_n ] || { echo "$1:$2 is '$(st_port $1 $2 state)', not '$3'"; cat /tmp/st.out; return 1; }
		sleep 0.25
		_i=$((_i + 1))
	done
}
in_kernel() { vale-ctl -l 2>/dev/null | grep -q "^$1 "; }
not_in_kernel() { ! in_kernel "$1"; }
connects() {	# connects PORT: "front-end connected" lines for it in valed's log
	grep -c "$1: front-end connected" /tmp/valed.log
}
notified() {	# notified WORD [SECONDS]: the notify socket got WORD
	wait_for /tmp/notify.out "$1" "${2:-20}"
}
start_valed() {
	NOTIFY_SOCKET=/run/notify.sock valed start --config $CONF >> /tmp/valed.log 2>&1 &
	echo $! > /tmp/valed.pid
}

cat > $CONF <<EOF
{
	"global": { "log_level": "info" },
	"switches": [
		{
			"name": "vale0",
			"ports": [
				{ "type": "vhost-user", "name": "vm1", "socket": "/tmp/vm1.sock",
				  "role": "client", "mac": "$MAC1" },
				{ "type": "vhost-user", "name": "vm2", "socket": "/tmp/vm2.sock",
				  "role": "client", "mac": "$MAC2" },
				{ "type": "uplink", "device": "veth0a" },
				{ "type": "persistent", "name": "vi0" }
			]
		},
		{
			"name": "vale1",
			"ports": [
				{ "type": "vhost-user", "name": "vm3", "socket": "/run/valed/vm3.sock" },
				{ "type": "uplink", "device": "veth1a", "host_stack": true }
			]
		}
	]
}
EOF
t "valed check accepts the configuration" valed check $CONF

# ------------------------------------------------------------------
# Start.

sd_listen /run/notify.sock > /tmp/notify.out 2>&1 &
echo $! > /tmp/notify.pid
tp_start vm1 /tmp/vm1.sock $MAC1
tp_start vm2 /tmp/vm2.sock $MAC2
# A listening virtio_user finishes starting only once its back-end connected.
start_valed
t "VM vm1 (testpmd, server=1) is up" tp_up vm1
t "VM vm2 (testpmd, server=1) is up" tp_up vm2
t "valed tells the service manager READY=1 once the configuration is applied" notified READY=1 30
t "... with a STATUS= line" grep -q "STATUS=" /tmp/notify.out
t "status: vale0:vm1 connected (valed connected to the VM)" expect_state vale0 vm1 connected 20
t "status: vale0:vm2 connected" expect_state vale0 vm2 connected 20
t "status: vale1:vm3 listening on its socket" expect_state vale1 vm3 listening
t "vm3's socket exists" test -S /run/valed/vm3.sock
is_port() {	# is_port SWITCH PORT TYPE STATE
	[ "$(st_port $1 $2 type)" = $3 ] && [ "$(st_port $1 $2 state)" = $4 ] ||
		{ cat /tmp/st.out; return 1; }
}
t "status: vale0:veth0a is an attached uplink" is_port vale0 veth0a uplink attached
t "status: vale0:vi0 is an attached persistent port" is_port vale0 vi0 persistent attached
t "status: vale1:veth1a^, the host stack of uplink veth1a, is attached" is_port vale1 'veth1a^' host attached
kernel_agrees() {
	in_kernel vale0:veth0a && in_kernel vale0:vi0 && in_kernel vale1:veth1a &&
		in_kernel "vale1:veth1a^" || { vale-ctl -l; return 1; }
}
t "the kernel agrees: vale0:veth0a, vale0:vi0, vale1:veth1a, vale1:veth1a^" kernel_agrees
json_status() {
	valed status --json > /tmp/st.json && grep -q '"vale0"' /tmp/st.json &&
		grep -q '"vale1"' /tmp/st.json && grep -q '"connected"' /tmp/st.json
}
t "status --json names every switch and the connected ports" json_status

# VM to VM through the switch: vm1 sends to MAC2, which valed announced.
tp vm2 "set fwd rxonly"
tp vm2 start
tp vm1 "set fwd txonly"
tp vm1 start
sleep 3
tp vm1 stop
sleep 1
more_than() {	# more_than N VALUE LABEL
	echo "$3: $2"
	[ "${2:-0}" -gt $1 ]
}
t "traffic flows vm1 -> vale0 -> vm2" more_than 500 "$(rx_count)" "vm2 RX-packets"
t "status counts it on vale0:vm2" more_than 500 "$(st_port vale0 vm2 rx)" "vale0:vm2 rx"

# ------------------------------------------------------------------
# Reload while counted traffic crosses untouched ports.

cat > $CONF <<EOF
{
	"global": { "log_level": "info" },
	"switches": [
		{
			"name": "vale0",
			"ports": [
				{ "type": "vhost-user", "name": "vm1", "socket": "/tmp/vm1.sock",
				  "role": "client", "mac": "$MAC1" },
				{ "type": "vhost-user", "name": "vm2", "socket": "/tmp/vm2.sock",
				  "role": "client", "mac": "$MAC2" },
				{ "type": "uplink", "device": "veth0a" },
				{ "type": "vhost-user", "name": "vm4", "socket": "/run/valed/vm4.sock" }
			]
		}
	]
}
EOF
before=$(rx_count)
c1=$(connects vale0:vm1) c2=$(connects vale0:vm2)
# 3000 frames at 500/s from an ordinary port, unicast to vm2: 6 s, across the reload.
pkt-gen -i vale0:pg -f tx -n 3000 -R 500 -l 60 -S 02:00:00:00:00:99 -D $MAC2 -w 0 \
	> /tmp/pg.out 2>&1 &
echo $! > /tmp/pg.pid
sleep 2
t "valed reload: adds vm4, removes vale1 (vm3 and an uplink), removes vi0" valed reload
wait $(cat /tmp/pg.pid)
sleep 2
equal() {	# equal A B LABEL
	echo "$3: $1 (expected $2)"
	[ "$1" = "$2" ]
}
t "every frame of the untouched ports arrived across the reload (3000 of 3000)" \
	equal $(($(rx_count) - before)) 3000 "vm2 received"
t "vm1 kept its connection through the reload (no reconnect)" equal "$(connects vale0:vm1)" $c1 "connects"
t "vm2 kept its connection through the reload" equal "$(connects vale0:vm2)" $c2 "connects"
t "vale0:vm4 is new and listening" expect_state vale0 vm4 listening
vale1_gone() {
	! valed status | grep -q "^switch vale1" && [ ! -e /run/valed/vm3.sock ] &&
		not_in_kernel vale1:veth1a && not_in_kernel "vale1:veth1a^"
}
t "vale1 is gone: vm3, its socket, its uplink" vale1_gone
t "veth1a is an ordinary interface again" /bin/ip link show veth1a
vi0_gone() { not_in_kernel vale0:vi0 && ! /bin/ip link show vi0 2>/dev/null; }
t "vi0 is detached and deleted" vi0_gone
t "the uplink veth0a stayed attached" in_kernel vale0:veth0a

# ------------------------------------------------------------------
# A bad file is rejected whole.

cp $CONF /tmp/good.json
sed 's/"log_level": "info"/"log_level": "info", "colour": "blue"/' /tmp/good.json > $CONF
bad_reload() {
	valed reload > /tmp/rl.out 2>&1
	_rc=$?
	cat /tmp/rl.out
	[ $_rc = 1 ] && grep -q 'valed.json:2:[0-9]*: \$\.global\.colour' /tmp/rl.out
}
t "valed reload of a bad file fails and names file, line, column and key" bad_reload
unchanged() {
	[ "$(st_port vale0 vm4 state)" = listening ] && [ "$(st_port vale0 vm1 state)" = connected ] &&
		in_kernel vale0:veth0a
}
t "... and nothing changed" unchanged
reload_failed() { valed status | grep "last reload" | grep -q FAILED; }
t "status reports the failed reload" reload_failed
cp /tmp/good.json $CONF

# SIGHUP, as ExecReload or kill -HUP would: brings vale1 back.
sed 's#"name": "vm4", "socket": "/run/valed/vm4.sock" }#"name": "vm4", "socket": "/run/valed/vm4.sock" }\n\t\t\t]\n\t\t},\n\t\t{ "name": "vale1", "ports": [ { "type": "vhost-user", "name": "vm3", "socket": "/run/valed/vm3.sock" }#' \
	/tmp/good.json > $CONF
valed check $CONF > /tmp/chk.out 2>&1 || cat /tmp/chk.out
: > /tmp/notify.out
kill -HUP $(cat /tmp/valed.pid)
hup_notified() { notified RELOADING=1 && notified READY=1; }
t "SIGHUP: RELOADING=1 then READY=1" hup_notified
t "SIGHUP applied the file: vale1:vm3 listening again" expect_state vale1 vm3 listening

# ------------------------------------------------------------------
# kill -9, then start again: the VMs' traffic resumes.

kill -9 $(cat /tmp/valed.pid)
wait $(cat /tmp/valed.pid) 2>/dev/null
t "after kill -9 the uplink is still attached in the kernel" in_kernel vale0:veth0a
t "... and the VM ports died with the process" not_in_kernel vale0:vm1
: > /tmp/notify.out
start_valed
t "the restarted valed is READY" notified READY=1 30
took_over() { ! grep -q EBUSY /tmp/valed.log && in_kernel vale0:veth0a; }
t "it took over what the kernel had (no EBUSY)" took_over
t "vm1 is connected again" expect_state vale0 vm1 connected 30
t "vm2 is connected again" expect_state vale0 vm2 connected 30
before=$(rx_count)
tp vm1 start
sleep 3
tp vm1 stop
sleep 1
t "traffic vm1 -> vm2 resumed" more_than 500 $(($(rx_count) - before)) "vm2 RX-packets since"

# ------------------------------------------------------------------
# Runtime port changes.

t "valed port add: vm5 on vale0" valed port add vale0 \
	'{"type": "vhost-user", "name": "vm5", "socket": "/run/valed/vm5.sock"}'
vm5_up() { expect_state vale0 vm5 listening && test -S /run/valed/vm5.sock; }
t "vm5 listens" vm5_up
bad_port() {
	valed port add vale0 '{"type": "vhost-user", "name": "vm6", "socket": "rel.sock"}' \
		> /tmp/pa.out 2>&1
	_rc=$?
	cat /tmp/pa.out
	[ $_rc = 1 ] && grep -q 'socket' /tmp/pa.out && ! valed status | grep -q " vm6 "
}
t "valed port add with a bad port is refused, naming the key" bad_port
vm5_del() {
	valed port del vale0 vm5 && ! valed status | grep -q " vm5 " &&
		[ ! -e /run/valed/vm5.sock ] && not_in_kernel vale0:vm5
}
t "valed port del: vm5 goes" vm5_del

# ------------------------------------------------------------------
# Stop: what valed created goes, nothing else.

: > /tmp/notify.out
kill -TERM $(cat /tmp/valed.pid)
stopped() {
	wait $(cat /tmp/valed.pid)
	_rc=$?
	[ $_rc = 0 ] || { echo "exit $_rc"; tail -n 20 /tmp/valed.log; return 1; }
}
t "SIGTERM: valed exits 0" stopped
t "it said STOPPING=1" grep -q STOPPING=1 /tmp/notify.out
all_gone() {
	vale-ctl -l > /tmp/l.out 2>&1
	cat /tmp/l.out
	! grep -qE "^vale[01]:(vm|veth|vi)" /tmp/l.out
}
t "its uplinks, VM ports and persistent ports are gone" all_gone
t "the operator's persistent port keep0 is still there" /bin/ip link show keep0
t "veth0a is an ordinary interface again" /bin/ip link show veth0a
files_gone() {
	[ ! -e /run/valed/valed.sock ] && [ ! -e /run/valed/vm3.sock ] &&
		[ ! -e /run/valed/vm4.sock ] && [ ! -e $VALED_STATE ]
}
t "the control socket, the VM sockets and the state file are removed" files_gone
not_running() {
	valed status > /tmp/st2.out 2>&1
	_rc=$?
	cat /tmp/st2.out
	[ $_rc = 1 ] && grep -q "not running" /tmp/st2.out
}
t "valed status now says it is not running" not_running

tp vm1 quit
tp vm2 quit
sleep 2
kill -9 $(cat /tmp/vm1.pid) $(cat /tmp/vm2.pid) $(cat /tmp/notify.pid) 2>/dev/null
diag "valed log: $(grep -cE 'warning|error' /tmp/valed.log) warning/error lines"
grep -E 'warning|error' /tmp/valed.log | head -n 10 | while read -r l; do diag "  $l"; done
vale-ctl -r keep0
t "rmmod netmap" rmmod netmap
