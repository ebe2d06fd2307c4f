# VALE switches belong to a network namespace: "vale0" in a container's
# namespace is another switch than "vale0" of the host; each namespace lists
# only its own, and a namespace's switch goes away with its last port.
# timeout: 120
# bins: ip

t "insmod netmap.ko" load_netmap
t "ip netns add ns1" ip netns add ns1
t "a receiver on the host's vale0:r" sh -c '
	pkt-gen -i vale0:r -f rx -w 0 > /tmp/rx.out 2>&1 &
	echo $! > /tmp/rx.pid; sleep 1'
t "a sender in ns1 on its own vale0 sends 50 broadcasts" \
	ip netns exec ns1 pkt-gen -i vale0:s -f tx -w 0 -n 50
t "a receiver in ns1 on its vale0:q" sh -c '
	/bin/ip netns exec ns1 pkt-gen -i vale0:q -f rx -w 0 > /tmp/rq.out 2>&1 &
	echo $! > /tmp/rq.pid; sleep 1'
t "ns1 lists only its own switch" sh -c '
	/bin/ip netns exec ns1 vale-ctl -l > /tmp/l1; cat /tmp/l1
	grep -q "^vale0:q " /tmp/l1 || exit 1; ! grep -q "^vale0:r " /tmp/l1'
t "nothing crossed into the host's vale0" test "$(ctr vale0:r rx_pkts)" = 0
t "a sender on the host's vale0 reaches the receiver" \
	pkt-gen -i vale0:s -f tx -w 0 -n 50
t "the host's receiver counted those 50" test "$(ctr vale0:r rx_pkts)" = 50
t "the host lists only its own switch's ports" sh -c '
	vale-ctl -l > /tmp/l0; cat /tmp/l0; grep -q "^vale0:r " /tmp/l0 || exit 1
	! grep -q "^vale0:q " /tmp/l0'
t "stop the receivers" sh -c 'kill -INT $(cat /tmp/rx.pid) $(cat /tmp/rq.pid); sleep 1'
t "no port is left in either namespace" sh -c '
	[ -z "$(vale-ctl -l)" ] && [ -z "$(/bin/ip netns exec ns1 vale-ctl -l)" ]'
t "ip netns del ns1" ip netns del ns1
t "rmmod netmap" rmmod netmap
