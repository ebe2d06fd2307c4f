# Guest NICs from "# nics:", without netmap: two NICs of different models on
# one QEMU hub. eth1 goes into its own network namespace, so the only way
# between the two addresses is out of one NIC, through the hub, and into the
# other; ping across it both ways.
# timeout: 90
# nics: virtio e1000
# bins: ip

# nic_is DEV MAC DRIVER: the harness named the NIC with MAC DEV, driven by DRIVER.
nic_is() {
	[ "$(cat /sys/class/net/$1/address)" = "$2" ] &&
		[ "$(basename "$(readlink /sys/class/net/$1/device/driver)")" = "$3" ]
}

# carrier DEV [NS]: DEV (in namespace NS) has a carrier within 10 s. e1000
# notices its link a moment after "up" (a watchdog), and a ping sent before
# that is lost.
carrier() {
	local _i=0
	until ip ${2:+-n "$2"} link show "$1" | grep -q LOWER_UP; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || return 1
		sleep 0.1
	done
}

t "eth0 is the virtio NIC, 52:54:00:12:34:01" nic_is eth0 52:54:00:12:34:01 virtio_net
t "eth1 is the e1000 NIC, 52:54:00:12:34:02" nic_is eth1 52:54:00:12:34:02 e1000
t "both are still down" sh -c '! /bin/ip link show | grep -E "eth[01]: <([^>]*,)?UP[,>]"'
t "ip netns add peer" ip netns add peer
t "eth1 moves into peer" ip link set eth1 netns peer
t "eth0 up with 10.8.0.1/24" sh -c '
	/bin/ip addr add 10.8.0.1/24 dev eth0 && /bin/ip link set eth0 up'
t "eth1 up in peer with 10.8.0.2/24" sh -c '
	/bin/ip -n peer addr add 10.8.0.2/24 dev eth1 && /bin/ip -n peer link set eth1 up'
t "eth0 has a carrier" carrier eth0
t "eth1 has a carrier" carrier eth1 peer
t "ping from eth0 to eth1 across the hub" ping -c 2 -W 3 10.8.0.2
t "ping back from eth1 in peer" ip netns exec peer ping -c 2 -W 3 10.8.0.1
t "eth0 learnt eth1's MAC" sh -c '/bin/ip neigh show dev eth0 | grep -i 52:54:00:12:34:02'
t "ip netns del peer" ip netns del peer
