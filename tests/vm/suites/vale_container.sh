# Persistent ports as container interfaces: vi0 and vi1 (vale-ctl -n) on
# vale0, moved into network namespaces c1 and c2, carry ping and TCP with
# ordinary sockets while no netmap application holds them. An application
# opening vale0:vi0 takes the port over (the stack's traffic stops, the
# application sees the frames); when it closes the stack has the port again.
# Detach stops the traffic, attach brings it back, and the ports can still
# be removed and the module unloaded.
# timeout: 180
# bins: ip

C1="/bin/ip netns exec c1"
C2="/bin/ip netns exec c2"

t "insmod netmap.ko" load_netmap
t "vale-ctl -n vi0, -n vi1" sh -c 'vale-ctl -n vi0 && vale-ctl -n vi1'
t "vale-ctl -a vale0:vi0, -a vale0:vi1" sh -c 'vale-ctl -a vale0:vi0 && vale-ctl -a vale0:vi1'
t "vi0 into netns c1 (10.6.0.1), vi1 into c2 (10.6.0.2)" sh -c '
	/bin/ip netns add c1 && /bin/ip netns add c2 &&
	/bin/ip link set vi0 netns c1 && /bin/ip link set vi1 netns c2 &&
	for n in 1 2; do
		/bin/ip netns exec c$n sh -c "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6"
		/bin/ip netns exec c$n /bin/ip link set lo up
	done &&
	/bin/ip netns exec c1 /bin/ip addr add 10.6.0.1/24 dev vi0 &&
	/bin/ip netns exec c1 /bin/ip link set vi0 up &&
	/bin/ip netns exec c2 /bin/ip addr add 10.6.0.2/24 dev vi1 &&
	/bin/ip netns exec c2 /bin/ip link set vi1 up'
t "c1 pings c2 through vale0" $C1 ping -c 3 -i 0.3 -W 3 10.6.0.2
t "256 KiB over TCP c1 -> c2" sh -c "
	tcpblob gen /tmp/blob 262144
	$C2 tcpblob recv 5001 /tmp/blob.rx & sleep 0.5
	$C1 tcpblob send 10.6.0.2 5001 /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx"
t "256 KiB over TCP c2 -> c1" sh -c "
	$C1 tcpblob recv 5002 /tmp/blob.rx2 & sleep 0.5
	$C2 tcpblob send 10.6.0.1 5002 /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx2"
diag "counters: $(vale-ctl -l vale0:vi0 | tr '\n' ' ') / $(vale-ctl -l vale0:vi1 | tr '\n' ' ')"
t "vale0:vi0 sent frames into the switch" test "$(ctr vale0:vi0 tx_pkts)" -gt 100
t "vale0:vi1 received them" test "$(ctr vale0:vi1 rx_pkts)" -gt 100

# An application takes the port over, then gives it back.
t "an application opens vale0:vi0" sh -c "
	nm_nic rx vale0:vi0 2 20 > /tmp/app.out 2>&1 & echo \$! > /tmp/app.pid"
t "it is up" wait_for /tmp/app.out "rx ready" 20
t "c2's pings reach the application, not c1's stack" sh -c "
	! $C2 ping -c 2 -i 0.3 -W 1 10.6.0.1"
t "the application got them" sh -c '
	i=0; while ! grep -q "^received" /tmp/app.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
	cat /tmp/app.out; grep -q "^received 2" /tmp/app.out'
t "after it closed, c1 and c2 talk again" $C1 ping -c 2 -i 0.3 -W 3 10.6.0.2
t "a monitor can watch the port the stack uses" sh -c "
	nm_nic rx 'vale0:vi1/r' 1 10 > /tmp/mon.out 2>&1 & sleep 1
	$C1 ping -c 2 -i 0.3 -W 3 10.6.0.2 > /dev/null
	i=0; while ! grep -q '^received' /tmp/mon.out && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done
	cat /tmp/mon.out; grep -q '^received 1' /tmp/mon.out"

t "vale-ctl -d vale0:vi1: c2 is cut off" sh -c "
	vale-ctl -d vale0:vi1 && ! $C1 ping -c 1 -W 1 10.6.0.2"
# Attach looks the device up in the caller's namespace: vi1 comes home for it.
t "vale-ctl -a vale0:vi1 again (from the host namespace): back" sh -c "
	$C2 /bin/ip link set vi1 netns 1 && vale-ctl -a vale0:vi1 &&
	/bin/ip link set vi1 netns c2 && $C2 /bin/ip addr add 10.6.0.2/24 dev vi1 &&
	$C2 /bin/ip link set vi1 up && $C1 ping -c 2 -i 0.3 -W 3 10.6.0.2"

t "the devices come home" sh -c '
	/bin/ip netns exec c1 /bin/ip link set vi0 netns 1 &&
	/bin/ip netns exec c2 /bin/ip link set vi1 netns 1 && /bin/ip link show vi0 > /dev/null'
t "vale-ctl -d and -r vi1" sh -c 'vale-ctl -d vale0:vi1 && vale-ctl -r vi1'
t "rmmod netmap with vi0 attached and in use by the stack" rmmod netmap
t "vi0 is gone with the module" sh -c '! /bin/ip link show vi0 2>/dev/null'
t "cleanup" sh -c '/bin/ip netns del c1; /bin/ip netns del c2; true'
