# Network devices as switch uplinks: veth ends attached to vale0 with
# "vale-ctl -a" join the namespaces behind them (ping, TCP, pkt-gen from a
# VALE port), "vale-ctl -h" adds the host stack as a port of its own, an
# attached device refuses other opens, detach and device deletion under
# traffic are clean, and the module unloads with uplinks still attached.
# timeout: 240
# bins: ip
# kmods: veth

# veth_ns N ADDR: veth vaN <-> vbN, vbN in netns nsN with ADDR/24.
cat > /bin/veth_ns <<'EOF'
#!/bin/sh
ip=/bin/ip
$ip netns add ns$1 && $ip link add va$1 type veth peer name vb$1 &&
$ip link set vb$1 netns ns$1 && $ip link set va$1 up &&
$ip netns exec ns$1 sh -c "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6" &&
$ip netns exec ns$1 $ip addr add $2/24 dev vb$1 &&
$ip netns exec ns$1 $ip link set vb$1 up && $ip netns exec ns$1 $ip link set lo up
EOF
chmod +x /bin/veth_ns
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
N1="/bin/ip netns exec ns1"
N2="/bin/ip netns exec ns2"

t "insmod netmap.ko" load_netmap
t "ns1 (10.3.0.1) behind va1, ns2 (10.3.0.2) behind va2" sh -c '
	veth_ns 1 10.3.0.1 && veth_ns 2 10.3.0.2'
t "no path between them yet" sh -c "! $N1 ping -c 1 -W 1 10.3.0.2"
t "vale-ctl -a vale0:va1" vale-ctl -a vale0:va1
t "vale-ctl -a vale0:va2" vale-ctl -a vale0:va2
t "vale-ctl -l lists both uplinks" sh -c '
	vale-ctl -l > /tmp/l; cat /tmp/l; grep -q "^vale0:va1 " /tmp/l && grep -q "^vale0:va2 " /tmp/l'
t "ns1 pings ns2 through the switch" $N1 ping -c 3 -i 0.3 -W 3 10.3.0.2
t "256 KiB over TCP ns1 -> ns2" sh -c "
	tcpblob gen /tmp/blob 262144
	$N2 tcpblob recv 5001 /tmp/blob.rx & sleep 0.5
	$N1 tcpblob send 10.3.0.2 5001 /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx"
t "256 KiB over TCP ns2 -> ns1" sh -c "
	$N1 tcpblob recv 5002 /tmp/blob.rx2 & sleep 0.5
	$N2 tcpblob send 10.3.0.1 5002 /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx2"
t "vale0:va1 counted what ns1 sent into the switch" test "$(ctr vale0:va1 tx_pkts)" -gt 100
t "vale0:va2 counted what the switch sent to ns2" test "$(ctr vale0:va2 rx_pkts)" -gt 100

# Paced, every frame reaches the wire; in a burst faster than the devices
# take them, every frame is either on the wire or counted as dropped.
cat > /bin/wire_rx <<'EOF'
#!/bin/sh
/bin/ip netns exec ns$1 cat /sys/class/net/vb$1/statistics/rx_packets
EOF
chmod +x /bin/wire_rx
t "pkt-gen on vale0:p sends 2000 broadcasts at 4000 pps" sh -c '
	a=$(wire_rx 1); b=$(wire_rx 2)
	pkt-gen -i vale0:p -f tx -n 2000 -R 4000 -w 0 > /dev/null 2>&1 || exit 1
	sleep 0.5; a=$(($(wire_rx 1) - a)); b=$(($(wire_rx 2) - b))
	echo "$a $b"; [ $a -ge 2000 ] && [ $b -ge 2000 ]'
t "20000 at full speed: each uplink put every frame on the wire or counted it" sh -c '
	a=$(wire_rx 1); da=$(vale-ctl -l vale0:va1 | awk "/drop_noroom/ {print \$2}")
	pkt-gen -i vale0:p -f tx -n 20000 -w 0 > /dev/null 2>&1 || exit 1
	sleep 1; a=$(($(wire_rx 1) - a))
	da=$(($(vale-ctl -l vale0:va1 | awk "/drop_noroom/ {print \$2}") - da))
	echo "wire $a dropped $da"; [ $((a + da)) -ge 20000 ] && [ $a -gt 0 ]'

# Polling threads instead of the work item, switched under traffic.
t "a flood ping ns1 -> ns2 in the background" sh -c "
	$N1 ping -i 0.02 -W 1 10.3.0.2 > /tmp/pflood.out 2>&1 & echo \$! > /tmp/pflood.pid"
t "vale-ctl -p needs -C, as upstream's" sh -c '! vale-ctl -p vale0:va1'
t "vale-ctl -p vale0:va1 -C 0,0 (one thread, CPU 0)" vale-ctl -p vale0:va1 -C 0,0
t "the polling thread runs" sh -c 'ps | grep -q "\[nm-poll/va[1]/0\]"'
t "a second -p is refused (EFAULT)" sh -c 'vale-ctl -p vale0:va1 -C 0,0 2>&1 | grep -q "Bad address"'
t "detach is refused while polling (EBUSY)" sh -c 'vale-ctl -d vale0:va1 2>&1 | grep -q "busy"'
t "ns1 pings ns2 while polling" $N1 ping -c 3 -i 0.3 -W 3 10.3.0.2
t "TCP ns1 -> ns2 while polling" sh -c "
	$N2 tcpblob recv 5003 /tmp/blob.rx3 & sleep 0.5
	$N1 tcpblob send 10.3.0.2 5003 /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx3"
t "vale-ctl -P vale0:va1" vale-ctl -P vale0:va1
t "the thread is gone" sh -c '! ps | grep -q "\[nm-poll/va[1]"'
t "a second -P is refused (EFAULT)" sh -c 'vale-ctl -P vale0:va1 2>&1 | grep -q "Bad address"'
t "traffic goes on without polling" $N1 ping -c 2 -i 0.3 -W 3 10.3.0.2
t "multi-CPU mode, ring 0 on CPU 0 (-C 1,0,1)" vale-ctl -p vale0:va1 -C 1,0,1
t "traffic with it" $N1 ping -c 2 -i 0.3 -W 3 10.3.0.2
t "vale-ctl -P again" vale-ctl -P vale0:va1
t "as many threads as CPUs is refused (EINVAL)" sh -c 'vale-ctl -p vale0:va1 -C 1,0,2 2>&1 | grep -q "Invalid argument"'
t "an offline CPU is refused (EINVAL)" sh -c 'vale-ctl -p vale0:va1 -C 0,7 2>&1 | grep -q "Invalid argument"'
t "rings past the device's are refused (EINVAL)" sh -c 'vale-ctl -p vale0:va1 -C 1,1,1 2>&1 | grep -q "Invalid argument"'
t "polling a port that is no uplink is EOPNOTSUPP" sh -c '
	nm_nic rx vale0:eph 1000 3 > /dev/null 2>&1 & sleep 1
	vale-ctl -p vale0:eph -C 0,0 2>&1 | grep -q "not supported"'
t "stop the flood; it lost little" sh -c '
	kill -INT $(cat /tmp/pflood.pid); sleep 0.5; tail -3 /tmp/pflood.out
	s=$(sed -n "s/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p" /tmp/pflood.out)
	set -- $s; [ -n "$2" ] && [ $(($1 - $2)) -le $(($1 / 10 + 2)) ]'

t "an attached device refuses another open (EBUSY)" sh -c 'nm_nic open netmap:va1; [ $? = 16 ]'
t "and another attach (EBUSY)" sh -c 'vale-ctl -a vale1:va1; [ $? = 1 ]'
t "vale0:va1 cannot be opened as a switch port either" sh -c 'nm_nic open vale0:va1; [ $? = 16 ]'

# The host stack as a switch port: va3 keeps its address in the root
# namespace; "vale-ctl -h" puts va3 (the wire) and va3^ (the stack) on vale0.
t "va3 (10.3.0.3) in the root namespace, its peer in ns3" sh -c '
	veth_ns 3 10.3.0.9 && /bin/ip addr add 10.3.0.3/24 dev va3'
t "vale-ctl -h vale0:va3" vale-ctl -h vale0:va3
t "vale-ctl -l shows vale0:va3 and vale0:va3^" sh -c '
	vale-ctl -l > /tmp/l; grep -q "^vale0:va3 " /tmp/l && grep -q "^vale0:va3\^ " /tmp/l'
t "the guest's own stack pings ns1 through the switch" ping -c 3 -i 0.3 -W 3 10.3.0.1
t "ns2 pings the guest's stack" $N2 ping -c 2 -i 0.3 -W 3 10.3.0.3
t "vale-ctl -d vale0:va3 takes both out" sh -c '
	vale-ctl -d vale0:va3 && ! vale-ctl -l | grep -q "^vale0:va3"'
t "va3's stack works on its own again (ns3 behind it)" ping -c 1 -W 3 10.3.0.9

# Detach and re-attach while ns1 floods ns2.
t "a flood ping ns1 -> ns2 in the background" sh -c "
	$N1 ping -i 0.01 -W 1 10.3.0.2 > /dev/null 2>&1 & echo \$! > /tmp/flood.pid"
t "vale-ctl -d vale0:va2 under traffic" sh -c 'sleep 1; vale-ctl -d vale0:va2'
t "ns2 is unreachable" sh -c "! $N1 ping -c 1 -W 1 10.3.0.2"
t "vale-ctl -a vale0:va2 again" vale-ctl -a vale0:va2
t "reachable again" $N1 ping -c 2 -i 0.3 -W 3 10.3.0.2
t "ip link del va2 while attached and under traffic" sh -c 'sleep 1; /bin/ip link del va2'
t "vale0:va2 leaves the switch by itself" sh -c '
	i=0; while vale-ctl -l | grep -q "^vale0:va2 " && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	! vale-ctl -l | grep -q "^vale0:va2 "'
t "stop the flood" sh -c 'kill $(cat /tmp/flood.pid); true'
t "the kernel said why" sh -c 'dmesg | grep -q "va2 went away; it leaves its switch"'

t "polling on va1 again, left on" vale-ctl -p vale0:va1 -C 0,0
t "rmmod netmap with va1 still attached and polled" rmmod netmap
t "va1 is an ordinary device again: ns1 reaches an address on it" sh -c "
	/bin/ip addr add 10.4.0.4/24 dev va1 && $N1 /bin/ip addr add 10.4.0.1/24 dev vb1 &&
	$N1 ping -c 1 -W 3 10.4.0.4"
t "cleanup" sh -c 'for n in 1 2 3; do /bin/ip netns del ns$n; done; /bin/ip link del va1; /bin/ip link del va3; true'
