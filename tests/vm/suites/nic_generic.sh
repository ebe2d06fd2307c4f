# The generic adapter on veth pairs: a device opened as "netmap:va" gives its
# frames to the application instead of the stack and transmits what the
# application writes; "va^" and "va*" reach the host stack; a netmap
# forwarder between "va" and "va^" keeps the stack's ping working; a device
# that is a bridge port is refused with EBUSY and a log line; deleting a
# device while it is open is survived; after close the device works as
# before; the module unloads clean.
# timeout: 180
# bins: ip
# kmods: veth bridge 8021q tun

NS="/bin/ip netns exec nsb"
# nic_wait FILE: until an "nm_nic rx" writing FILE has finished (any shell).
cat > /bin/nic_wait <<'EOF'
#!/bin/sh
i=0
while ! grep -q "^received" "$1" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
EOF
chmod +x /bin/nic_wait
t "insmod netmap.ko" load_netmap
# No IPv6 chatter (router solicitations, MLD) among the frames counted.
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
t "veth va <-> vb, vb in netns nsb" sh -c '
	/bin/ip netns add nsb && /bin/ip link add va type veth peer name vb &&
	/bin/ip link set vb netns nsb &&
	/bin/ip netns exec nsb sh -c "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6" &&
	/bin/ip addr add 10.1.0.1/24 dev va &&
	/bin/ip link set va up && /bin/ip netns exec nsb /bin/ip addr add 10.1.0.2/24 dev vb &&
	/bin/ip netns exec nsb /bin/ip link set vb up &&
	/bin/ip netns exec nsb /bin/ip link set lo up'
t "the stack pings across before netmap" ping -c 1 -W 3 10.1.0.2

t "control: 512 KiB over TCP without netmap" sh -c "
	tcpblob gen /tmp/blob0 524288
	$NS tcpblob recv 5000 /tmp/blob0.rx & sleep 0.5
	tcpblob send 10.1.0.2 5000 /tmp/blob0 && tcpblob cmp /tmp/blob0 /tmp/blob0.rx"

# NIC rings: netmap application to netmap application across the veth.
t "receiver on netmap:vb in nsb" sh -c "
	$NS nm_nic rx netmap:vb 1000 20 > /tmp/rxb.out 2>&1 &
	echo \$! > /tmp/rxb.pid"
t "it is up" wait_for /tmp/rxb.out "rx ready" 20
t "1000 frames of 60 bytes from netmap:va" nm_nic tx netmap:va 1000 60
t "netmap:vb received all 1000" sh -c 'nic_wait /tmp/rxb.out;
	grep -q "^received 1000" /tmp/rxb.out || { tail -3 /tmp/rxb.out; exit 1; }'
t "each as the 60-byte 0x88b5 frame that was sent" sh -c '
	[ "$(grep -c "^frame 60 88b5$" /tmp/rxb.out)" = 1000 ]'

t "receiver on netmap:va" sh -c "
	nm_nic rx netmap:va 3 15 > /tmp/rxa.out 2>&1 & echo \$! > /tmp/rxa.pid"
t "it is up" wait_for /tmp/rxa.out "rx ready" 20
t "the stack of nsb sends to va (ping, unanswered)" sh -c "
	$NS ping -c 3 -i 0.3 -W 1 10.1.0.1 > /dev/null 2>&1; true"
t "netmap:va got nsb's frames instead of the stack" sh -c 'nic_wait /tmp/rxa.out;
	cat /tmp/rxa.out; grep -q "^received 3" /tmp/rxa.out'

# Frames larger than a buffer spread over NS_MOREFRAG slots.
t "jumbo MTU on both ends" sh -c "
	/bin/ip link set va mtu 9000 && $NS /bin/ip link set vb mtu 9000"
t "receiver on netmap:va" sh -c "
	nm_nic rx netmap:va 1 15 > /tmp/rxj.out 2>&1 & echo \$! > /tmp/rxj.pid"
t "it is up" wait_for /tmp/rxj.out "rx ready" 20
t "nsb sends a ping of 5000 IP bytes" sh -c "
	$NS ping -c 1 -s 4972 -W 1 10.1.0.1 > /dev/null 2>&1; true"
t "a 5014-byte frame arrived in 3 slots, 2048 + 2048 + 918" sh -c 'nic_wait /tmp/rxj.out;
	cat /tmp/rxj.out; grep -q "^frame 2048 0800 more" /tmp/rxj.out &&
	grep -q "^frame 918 0000$" /tmp/rxj.out'

# A hardware-stripped VLAN tag (veth offloads it) is put back in the frame.
t "vlan 100 on vb" sh -c "
	$NS /bin/ip link add link vb name vb.100 type vlan id 100 &&
	$NS /bin/ip addr add 10.2.0.2/24 dev vb.100 && $NS /bin/ip link set vb.100 up"
t "receiver on netmap:va" sh -c "
	nm_nic rx netmap:va 1 15 > /tmp/rxv.out 2>&1 & echo \$! > /tmp/rxv.pid"
t "it is up" wait_for /tmp/rxv.out "rx ready" 20
t "nsb pings out of vb.100" sh -c "
	$NS ping -c 2 -i 0.3 -W 1 10.2.0.1 > /dev/null 2>&1; true"
t "the frame carries its 802.1Q tag" sh -c 'nic_wait /tmp/rxv.out;
	cat /tmp/rxv.out; grep -q "^frame [0-9]* 8100" /tmp/rxv.out'

# Host rings: a forwarder between the NIC and the stack keeps the stack working.
t "forwarder netmap:va <-> netmap:va^" sh -c "
	nm_nic fwd netmap:va netmap:va^ > /tmp/fwd.out 2>&1 & echo \$! > /tmp/fwd.pid"
t "it is up" wait_for /tmp/fwd.out "fwd ready" 20
t "the stack pings nsb through the forwarder" ping -c 3 -i 0.3 -W 3 10.1.0.2
# TCP through the forwarder: the stacks hand over TSO segments and partial
# checksums; the rings must only ever see complete wire frames.
t "512 KiB over TCP, host to nsb, through the forwarder" sh -c "
	tcpblob gen /tmp/blob 524288
	$NS tcpblob recv 5001 /tmp/blob.rx & sleep 0.5
	tcpblob send 10.1.0.2 5001 /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx"
t "512 KiB over TCP, nsb to host" sh -c "
	tcpblob recv 5002 /tmp/blob.rx2 & sleep 0.5
	$NS tcpblob send 10.1.0.1 5002 /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx2"
t "stop the forwarder" sh -c 'kill $(cat /tmp/fwd.pid)'
t "it stops" wait_for /tmp/fwd.out "^fwd a2b" 10
t "it moved frames both ways" sh -c '
	cat /tmp/fwd.out; grep -Eq "^fwd a2b [1-9][0-9]* b2a [1-9]" /tmp/fwd.out'
t "netmap:va* sees the NIC and the host stack" sh -c "
	nm_nic rx 'netmap:va*' 2 15 > /tmp/rxs.out 2>&1 & echo \$! > /tmp/rxs.pid"
t "it is up" wait_for /tmp/rxs.out "rx ready" 20
t "the stack pings (into the host RX ring), nsb pings (into the NIC RX ring)" sh -c "
	ping -c 1 -W 1 10.1.0.2 > /dev/null 2>&1; $NS ping -c 1 -W 1 10.1.0.1 > /dev/null 2>&1
	nic_wait /tmp/rxs.out; cat /tmp/rxs.out; grep -q '^received 2' /tmp/rxs.out"

t "after close the stack pings directly again" ping -c 1 -W 3 10.1.0.2

# A device somebody else handles is refused.
t "vc, a bridge port of br0" sh -c '
	/bin/ip link add vc type veth peer name vd && /bin/ip link add br0 type bridge &&
	/bin/ip link set vc master br0'
t "netmap:vc is EBUSY" sh -c 'nm_nic open netmap:vc; [ $? = 16 ]'
t "the kernel log says why" sh -c 'dmesg | grep -q "vc: cannot take the device: it is a bridge port"'
t "netmap:nosuchdev is ENXIO" sh -c 'nm_nic open netmap:nosuchdev; [ $? = 6 ]'

# The device goes away while an application holds it.
t "receiver on netmap:vc2 (a veth)" sh -c "
	/bin/ip link add vc2 type veth peer name vd2 && /bin/ip link set vc2 up &&
	/bin/ip link set vd2 up &&
	nm_nic rx netmap:vc2 1000000 4 > /tmp/rxd.out 2>&1 & echo \$! > /tmp/rxd.pid"
t "it is up" wait_for /tmp/rxd.out "rx ready" 20
t "ip link del vc2 while it is open" /bin/ip link del vc2
t "the application finishes normally" wait_for /tmp/rxd.out "^received" 20
t "vc2 is gone" sh -c '! /bin/ip link show vc2 2>/dev/null'

# What upstream's ctrl-api-test does with a tap device.
t "tap100 (ip tuntap)" /bin/ip tuntap add tap100 mode tap
t "netmap:tap100-0 (ONE_NIC) opens" nm_nic open netmap:tap100-0
t "a pipe with the tap as parent opens" nm_nic open 'netmap:tap100{p1'
t "vale-ctl -a vale9:tap100" vale-ctl -a vale9:tap100
t "polling on and off (SINGLE_CPU, CPU 0)" sh -c 'vale-ctl -p vale9:tap100 -C 0,0 && vale-ctl -P vale9:tap100'
t "vale-ctl -d vale9:tap100" vale-ctl -d vale9:tap100
t "tap100 removed" /bin/ip tuntap del tap100 mode tap

t "cleanup" sh -c '/bin/ip link del vc; /bin/ip link del br0; /bin/ip netns del nsb; true'
t "rmmod netmap" rmmod netmap
