# Persistent ports: vale-ctl -n makes a network device that "ip link" shows;
# it is attached to a switch, opened and closed by applications (pkt-gen as
# valeX:Y, and by its plain device name), carries traffic, and afterwards can
# still be detached and removed, and the module unloads (the reference
# implementation loses the port's switch after such an open).
# timeout: 120
# bins: ip

t "insmod netmap.ko" load_netmap
t "vale-ctl -n vi0" vale-ctl -n vi0
t "vi0 is a network device" ip link show vi0
t "vale-ctl -a vale0:vi0" vale-ctl -a vale0:vi0
t "opening vale1:vi0 (not attached there) is refused" \
	sh -c '! pkt-gen -i vale1:vi0 -f tx -w 0 -n 1 > /tmp/o 2>&1'
t "pkt-gen sends 100 frames as vale0:vi0 to a receiver" sh -c '
	pkt-gen -i vale0:r -f rx -w 0 -n 100 > /tmp/rx.out 2>&1 & rx=$!
	sleep 1
	pkt-gen -i vale0:vi0 -f tx -w 0 -n 100 > /tmp/tx.out 2>&1 || exit 1
	wait $rx; grep -q "^Received 100 packets" /tmp/rx.out'
t "the port kept its switch: listed as vale0:vi0" sh -c 'vale-ctl -l | grep -q "^vale0:vi0 "'
t "its counters saw the 100 frames" test "$(ctr vale0:vi0 tx_pkts)" = 100
t "opened by its device name while attached: traffic still goes to the switch" sh -c '
	pkt-gen -i vale0:r2 -f rx -w 0 -n 10 > /tmp/rx2.out 2>&1 & rx=$!
	sleep 1
	pkt-gen -i netmap:vi0 -f tx -w 0 -n 10 > /tmp/tx2.out 2>&1 || exit 1
	wait $rx; grep -q "^Received 10 packets" /tmp/rx2.out'
t_fails "vale-ctl -r refuses an attached port" vale-ctl -r vi0
t "vale-ctl -d vale0:vi0 after the opens" vale-ctl -d vale0:vi0
t "vale-ctl -r vi0" vale-ctl -r vi0
t "vi0 is gone" sh -c '! /usr/sbin/ip link show vi0 2>/dev/null && ! grep -q vi0 /proc/net/dev'
t "a port left attached is cleaned up at unload" sh -c 'vale-ctl -n vi1 && vale-ctl -a vale2:vi1'
t "rmmod netmap" rmmod netmap
t "vi1 went away with the module" sh -c '! grep -q vi1 /proc/net/dev'
