# Real NICs as switch uplinks, with a wire between them: the guest's virtio
# NIC (eth0) and e1000 NIC (eth1) sit on one QEMU hub outside the guest, so
# the only path between the two sides below is out of one NIC and into the
# other. Switch side: vale0 with a NIC as uplink and the persistent port vi0
# (an ordinary interface of netns "sw"); wire side: the other NIC, in netns
# "peer". Traffic crosses the wire in both directions (ping, TCP, a VLAN,
# pkt-gen from a VALE port), first through the virtio uplink, then through
# the e1000 uplink attached with its host stack ("-h"), also while a polling
# thread serves it; the module unloads with the uplink still attached and
# the NICs work as plain devices again.
# timeout: 180
# nics: virtio e1000
# bins: ip
# kmods: 8021q

SW="/bin/ip netns exec sw"
PEER="/bin/ip netns exec peer"

# mkns NAME: a network namespace without IPv6 chatter, lo up.
cat > /bin/mkns <<'EOF'
#!/bin/sh
/bin/ip netns add $1 && /bin/ip netns exec $1 sh -c '
	echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 &&
	echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' &&
/bin/ip -n $1 link set lo up
EOF
chmod +x /bin/mkns
# carrier DEV [NS]: DEV (in namespace NS) has a carrier within 10 s (e1000
# notices its link a moment after "up", from a watchdog).
cat > /bin/carrier <<'EOF'
#!/bin/sh
i=0
until /bin/ip ${2:+-n "$2"} link show "$1" | grep -q LOWER_UP; do
	i=$((i + 1))
	[ $i -le 100 ] || { /bin/ip ${2:+-n "$2"} link show "$1"; exit 1; }
	sleep 0.1
done
EOF
chmod +x /bin/carrier
# tcp_both A B ADDR_A ADDR_B PORT: 256 KiB from netns A to B and back
# ("-" is the root namespace).
cat > /bin/tcp_both <<'EOF'
#!/bin/sh
A= B=
[ "$1" = - ] || A="/bin/ip netns exec $1"
[ "$2" = - ] || B="/bin/ip netns exec $2"
[ -f /tmp/blob ] || tcpblob gen /tmp/blob 262144
rm -f /tmp/blob.rx /tmp/blob.rx2
$B tcpblob recv $5 /tmp/blob.rx & sleep 0.5
$A tcpblob send $4 $5 /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx || exit 1
$A tcpblob recv $(($5 + 1)) /tmp/blob.rx2 & sleep 0.5
$B tcpblob send $3 $(($5 + 1)) /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx2
EOF
chmod +x /bin/tcp_both

echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6

t "eth0 is the virtio NIC, eth1 the e1000 (NM_NICS=$NM_NICS)" sh -c '
	[ "$(basename "$(readlink /sys/class/net/eth0/device/driver)")" = virtio_net ] &&
	[ "$(basename "$(readlink /sys/class/net/eth1/device/driver)")" = e1000 ]'
t "insmod netmap.ko" load_netmap
t "netns sw (switch side) and peer (wire side)" sh -c 'mkns sw && mkns peer'

# ---- 1. eth0 (virtio) is the uplink, eth1 (e1000) the far end of the wire.
t "eth1 (e1000) into peer with 10.7.0.2/24, up" sh -c '
	/bin/ip link set eth1 netns peer &&
	/bin/ip -n peer addr add 10.7.0.2/24 dev eth1 && /bin/ip -n peer link set eth1 up'
# Frames for vi0's MAC must get past the NIC's own address filter (QEMU's
# virtio-net and e1000 both have one): attaching makes the device
# promiscuous, detaching gives that back.
t "eth0 (virtio) up, no address" /bin/ip link set eth0 up
t "both have a carrier" sh -c 'carrier eth0 && carrier eth1 peer'
t "eth0 is not promiscuous yet" sh -c '/bin/ip -d link show eth0 | grep -q "promiscuity 0"'
t "vale-ctl -a vale0:eth0" vale-ctl -a vale0:eth0
t "attached, eth0 is promiscuous" sh -c '/bin/ip -d link show eth0 | grep -q "promiscuity 1"'
t "vale-ctl -n vi0, -a vale0:vi0" sh -c 'vale-ctl -n vi0 && vale-ctl -a vale0:vi0'
t "vi0 into sw with 10.7.0.1/24, up" sh -c '
	/bin/ip link set vi0 netns sw &&
	/bin/ip -n sw addr add 10.7.0.1/24 dev vi0 && /bin/ip -n sw link set vi0 up'
t "vale-ctl -l lists vale0:eth0 and vale0:vi0" sh -c '
	vale-ctl -l > /tmp/l; cat /tmp/l
	grep -q "^vale0:eth0 " /tmp/l && grep -q "^vale0:vi0 " /tmp/l'
t "sw pings peer across the wire (virtio uplink -> e1000)" \
	$SW ping -c 3 -i 0.3 -W 3 10.7.0.2
t "peer pings sw back (e1000 -> virtio uplink)" $PEER ping -c 3 -i 0.3 -W 3 10.7.0.1
t "peer learnt vi0's MAC for 10.7.0.1" sh -c "
	m=\$($SW cat /sys/class/net/vi0/address); echo vi0 \$m
	/bin/ip -n peer neigh show 10.7.0.1 | tee /dev/stderr | grep -qi \"lladdr \$m\""
t "256 KiB over TCP sw -> peer and peer -> sw" tcp_both sw peer 10.7.0.1 10.7.0.2 5001
t "vale0:eth0 counted frames from the wire into the switch" \
	test "$(ctr vale0:eth0 tx_pkts)" -gt 100
t "vale0:eth0 counted frames from the switch to the wire" \
	test "$(ctr vale0:eth0 rx_pkts)" -gt 100
# pkt-gen broadcasts from a VALE port go out of the uplink and into the far
# NIC. 200 frames fit in the far e1000's RX ring (256 descriptors), so all
# of them must arrive however slowly the guest drains it. A burst of 1000 at
# full speed (30-40 Kpps under TCG) is more than the virtio TX ring holds:
# the uplink must hold the rest until the driver takes it, and put every
# frame on the wire. The emulated e1000 cannot take such a burst and drops
# part of it itself (rx_missed_errors); how much goes in a diagnostic line.
t "pkt-gen on vale0:x broadcasts 200 frames" sh -c "
	$PEER cat /sys/class/net/eth1/statistics/rx_packets > /tmp/e1rx
	pkt-gen -i vale0:x -f tx -n 200 -w 0 > /tmp/pg.out 2>&1 || { cat /tmp/pg.out; exit 1; }
	grep '^Sent' /tmp/pg.out"
t "eth1 (e1000) in peer received all 200" sh -c "
	i=0
	while [ \$((\$($PEER cat /sys/class/net/eth1/statistics/rx_packets) - \$(cat /tmp/e1rx))) -lt 200 ] &&
		[ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
	b=\$($PEER cat /sys/class/net/eth1/statistics/rx_packets)
	echo \"eth1 rx_packets \$(cat /tmp/e1rx) -> \$b, rx_missed_errors \$($PEER cat /sys/class/net/eth1/statistics/rx_missed_errors)\"
	[ \$((b - \$(cat /tmp/e1rx))) -ge 200 ]"
t "pkt-gen on vale0:x broadcasts 1000 frames at full speed" sh -c "
	cat /sys/class/net/eth0/statistics/tx_packets > /tmp/e0tx
	$PEER cat /sys/class/net/eth1/statistics/rx_packets > /tmp/e1rx
	pkt-gen -i vale0:x -f tx -n 1000 -w 0 > /tmp/pg.out 2>&1 || { cat /tmp/pg.out; exit 1; }
	grep '^Sent' /tmp/pg.out"
t "the virtio uplink put all 1000 on the wire" sh -c '
	i=0
	while [ $(($(cat /sys/class/net/eth0/statistics/tx_packets) - $(cat /tmp/e0tx))) -lt 1000 ] &&
		[ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	vale-ctl -l vale0:eth0
	echo "eth0 tx_packets $(cat /tmp/e0tx) -> $(cat /sys/class/net/eth0/statistics/tx_packets)"
	[ $(($(cat /sys/class/net/eth0/statistics/tx_packets) - $(cat /tmp/e0tx))) -ge 1000 ]'
sleep 1
diag "full-speed burst: eth1 (e1000) in peer got $(($($PEER cat /sys/class/net/eth1/statistics/rx_packets) - $(cat /tmp/e1rx))) of 1000, rx_missed_errors $($PEER cat /sys/class/net/eth1/statistics/rx_missed_errors)"
t "sw and peer still talk" $SW ping -c 1 -W 3 10.7.0.2

# ---- 2. Roles swapped: eth1 (e1000) is the uplink, with its host stack.
t "vale-ctl -d vale0:eth0" vale-ctl -d vale0:eth0
t "vale-ctl -l no longer lists vale0:eth0" sh -c '! vale-ctl -l | grep -q "^vale0:eth0 "'
t "detached, eth0 is not promiscuous" sh -c '/bin/ip -d link show eth0 | grep -q "promiscuity 0"'
t "sw is cut off from the wire" sh -c "! $SW ping -c 1 -W 1 10.7.0.2"
t "eth1 home, eth0 into peer with 10.7.0.4/24" sh -c '
	/bin/ip -n peer link set eth1 netns 1 &&
	/bin/ip link set eth0 netns peer &&
	/bin/ip -n peer addr add 10.7.0.4/24 dev eth0 && /bin/ip -n peer link set eth0 up &&
	/bin/ip -n sw neigh flush dev vi0'
t "eth1 up, 10.7.0.3/24 for the guest's own stack" sh -c '
	/bin/ip addr add 10.7.0.3/24 dev eth1 && /bin/ip link set eth1 up'
t "both have a carrier" sh -c 'carrier eth1 && carrier eth0 peer'
t "vale-ctl -h vale0:eth1" vale-ctl -h vale0:eth1
t "vale-ctl -l lists vale0:eth1 and vale0:eth1^" sh -c '
	vale-ctl -l > /tmp/l; cat /tmp/l
	grep -q "^vale0:eth1 " /tmp/l && grep -q "^vale0:eth1\^ " /tmp/l'
t "sw pings peer across the wire (e1000 uplink -> virtio)" \
	$SW ping -c 3 -i 0.3 -W 3 10.7.0.4
t "peer pings sw back (virtio -> e1000 uplink)" $PEER ping -c 3 -i 0.3 -W 3 10.7.0.1
t "the guest's stack pings peer (eth1^ -> switch -> eth1 -> wire)" \
	ping -c 3 -i 0.3 -W 3 10.7.0.4
t "peer pings the guest's stack (wire -> eth1 -> switch -> eth1^)" \
	$PEER ping -c 3 -i 0.3 -W 3 10.7.0.3
t "the guest's stack and sw talk through the switch" ping -c 2 -i 0.3 -W 3 10.7.0.1
t "256 KiB over TCP sw -> peer and peer -> sw" tcp_both sw peer 10.7.0.1 10.7.0.4 5003
# The device's own stack hands eth1^ TSO segments and partial checksums
# (e1000 offers both), and e1000 receives through GRO: on the wire and in
# the switch there must only be plain frames.
t "256 KiB over TCP guest's stack -> peer and back (eth1^)" tcp_both - peer 10.7.0.3 10.7.0.4 5009
t "vale0:eth1 counted frames from the wire into the switch" \
	test "$(ctr vale0:eth1 tx_pkts)" -gt 100
t "vale0:eth1 counted frames from the switch to the wire" \
	test "$(ctr vale0:eth1 rx_pkts)" -gt 100
t "vale0:eth1^ counted the guest's stack both ways" sh -c '
	vale-ctl -l vale0:eth1^
	[ "$(vale-ctl -l vale0:eth1^ | sed -n "s/^tx_pkts: *//p")" -gt 0 ] &&
	[ "$(vale-ctl -l vale0:eth1^ | sed -n "s/^rx_pkts: *//p")" -gt 0 ]'
# A full-speed burst through the e1000 uplink, into the virtio NIC in peer.
e1drop=$(ctr vale0:eth1 drop_noroom)
t "pkt-gen on vale0:y broadcasts 1000 frames at full speed" sh -c "
	cat /sys/class/net/eth1/statistics/tx_packets > /tmp/e1tx
	$PEER cat /sys/class/net/eth0/statistics/rx_packets > /tmp/e0rx
	pkt-gen -i vale0:y -f tx -n 1000 -w 0 > /tmp/pg.out 2>&1 || { cat /tmp/pg.out; exit 1; }
	grep '^Sent' /tmp/pg.out"
t "the e1000 uplink put all 1000 on the wire" sh -c '
	i=0
	while [ $(($(cat /sys/class/net/eth1/statistics/tx_packets) - $(cat /tmp/e1tx))) -lt 1000 ] &&
		[ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	vale-ctl -l vale0:eth1
	echo "eth1 tx_packets $(cat /tmp/e1tx) -> $(cat /sys/class/net/eth1/statistics/tx_packets)"
	[ $(($(cat /sys/class/net/eth1/statistics/tx_packets) - $(cat /tmp/e1tx))) -ge 1000 ]'
t "eth0 (virtio) in peer received all 1000" sh -c "
	i=0
	while [ \$((\$($PEER cat /sys/class/net/eth0/statistics/rx_packets) - \$(cat /tmp/e0rx))) -lt 1000 ] &&
		[ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
	b=\$($PEER cat /sys/class/net/eth0/statistics/rx_packets)
	echo \"eth0 rx_packets \$(cat /tmp/e0rx) -> \$b\"
	[ \$((b - \$(cat /tmp/e0rx))) -ge 1000 ]"
diag "e1000 burst: vale0:eth1 drop_noroom $e1drop -> $(ctr vale0:eth1 drop_noroom)"
t "sw and peer still talk after the burst" $SW ping -c 1 -W 3 10.7.0.4
# e1000 strips VLAN tags on receive; the uplink must put them back.
t "VLAN 100: vi0.100 in sw (10.9.0.1), eth0.100 in peer (10.9.0.2)" sh -c '
	/bin/ip -n sw link add link vi0 name vi0.100 type vlan id 100 &&
	/bin/ip -n sw addr add 10.9.0.1/24 dev vi0.100 && /bin/ip -n sw link set vi0.100 up &&
	/bin/ip -n peer link add link eth0 name eth0.100 type vlan id 100 &&
	/bin/ip -n peer addr add 10.9.0.2/24 dev eth0.100 && /bin/ip -n peer link set eth0.100 up'
t "ping over VLAN 100 sw -> peer" $SW ping -c 2 -i 0.3 -W 3 10.9.0.2
t "ping over VLAN 100 peer -> sw" $PEER ping -c 2 -i 0.3 -W 3 10.9.0.1
t "in the switch the frames from the wire carry their 802.1Q tag" sh -c "
	nm_nic rx 'vale0:vi0/r' 2 15 > /tmp/mon.out 2>&1 & sleep 1
	$PEER ping -c 2 -i 0.3 -W 3 10.9.0.1 > /dev/null
	i=0; while ! grep -q '^received' /tmp/mon.out && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done
	cat /tmp/mon.out; grep -q '^frame [0-9]* 8100\$' /tmp/mon.out"

# ---- 3. A polling thread serves the e1000 uplink, switched under traffic.
t "a flood ping peer -> sw in the background" sh -c "
	$PEER ping -i 0.02 -W 1 10.7.0.1 > /tmp/pflood.out 2>&1 & echo \$! > /tmp/pflood.pid"
t "vale-ctl -p vale0:eth1 -C 0,0" vale-ctl -p vale0:eth1 -C 0,0
t "the polling thread runs" sh -c 'ps | grep -q "\[nm-poll/eth[1]/0\]"'
t "sw pings peer while polling" $SW ping -c 3 -i 0.3 -W 3 10.7.0.4
t "the guest's stack pings peer while polling" ping -c 2 -i 0.3 -W 3 10.7.0.4
t "TCP both ways while polling" tcp_both sw peer 10.7.0.1 10.7.0.4 5005
t "vale-ctl -P vale0:eth1" vale-ctl -P vale0:eth1
t "the thread is gone" sh -c '! ps | grep -q "\[nm-poll/eth[1]"'
t "traffic goes on without polling" $SW ping -c 2 -i 0.3 -W 3 10.7.0.4
t "stop the flood; it lost little" sh -c '
	kill -INT $(cat /tmp/pflood.pid); sleep 0.5; tail -3 /tmp/pflood.out
	s=$(sed -n "s/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p" /tmp/pflood.out)
	set -- $s; [ -n "$2" ] && [ $(($1 - $2)) -le $(($1 / 10 + 2)) ]'
diag "flood during the polling switch: $(grep transmitted /tmp/pflood.out)"

# ---- 4. Unload with the uplink attached: the NICs are plain devices again.
t "rmmod netmap with vale0:eth1 (and eth1^) attached" rmmod netmap
t "vi0 went away with the module" sh -c '! /bin/ip -n sw link show vi0 2>/dev/null'
t "the unload gave eth1's promiscuity back" sh -c '/bin/ip -d link show eth1 | grep -q "promiscuity 0"'
t "and said nothing about devices going away" sh -c '! dmesg | grep -q "went away"'
t "the guest's stack pings peer on the plain NICs" ping -c 2 -i 0.3 -W 3 10.7.0.4
t "peer pings the guest's stack back" $PEER ping -c 2 -i 0.3 -W 3 10.7.0.3
t "256 KiB over TCP peer -> guest on the plain NICs" sh -c "
	rm -f /tmp/blob.rx; tcpblob recv 5007 /tmp/blob.rx & sleep 0.5
	$PEER tcpblob send 10.7.0.3 5007 /tmp/blob && tcpblob cmp /tmp/blob /tmp/blob.rx"
t "cleanup" sh -c '/bin/ip netns del peer; /bin/ip netns del sw; true'
