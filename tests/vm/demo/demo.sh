# make demo: the appliance at work in a sandbox guest. valed starts from
# config/examples/demo.json as valed.service starts it, two VMs (QEMU
# guests inside this guest) join switch vale0 through vhost-user the way
# libvirt connects config/libvirt/vm1-valed-server.xml (QEMU the client,
# reconnecting), valed status shows them, they ping each other and measure
# TCP; then the same two VMs on tap + Linux bridge, for comparison. Every
# step is printed as it happens ("==="), the figures at the end ("@@").
# prepare: tests/vm/demo/prepare.sh
# bins: qemu-system-x86_64 ip
# files: /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so /usr/share/seabios/bios-256k.bin
# kmods: tun bridge
# timeout: 600
# mem: 1024
# smp: 2
. /tests/inner.sh
t0=$(cut -d. -f1 /proc/uptime)
say() { echo "=== [$(($(cut -d. -f1 /proc/uptime) - t0)) s] $*"; }
MAC1=52:54:00:00:00:01
MAC2=52:54:00:00:00:02

say "loading netmap.ko"
t "load netmap.ko" load_netmap

# ------------------------------------------------------------------
say "starting valed as valed.service does: $(sed -n 's/^ExecStart=//p' /prep/valed.service)"
mkdir -p /etc/valed /run/valed
cp /prep/demo.json /etc/valed/valed.json
cat /etc/valed/valed.json
sd_listen /run/notify.sock > /tmp/notify.out 2>&1 &
NOTIFY_SOCKET=/run/notify.sock RUNTIME_DIRECTORY=/run/valed \
	$(sed -n 's|^ExecStart=/usr/local/sbin/||p' /prep/valed.service) > /tmp/valed.log 2>&1 &
echo $! > /tmp/valed.pid
t "valed is READY (sd_notify)" wait_for /tmp/notify.out READY=1 30
say "valed status"
valed status

# ------------------------------------------------------------------
# QEMU as libvirt runs vm1-valed-server.xml: a vhost-user netdev on a
# client chardev that reconnects, guest RAM a shared memfd.
vhost_vm() {	# vhost_vm N
	inner_start $1 -chardev socket,id=charnet0,path=/run/valed/vm$1.sock,reconnect=1 \
		-netdev vhost-user,chardev=charnet0,id=n0
}
say "starting vm1 and vm2 (QEMU, TCG, 192 MiB each) on /run/valed/vm1.sock, vm2.sock"
vhost_vm 1
vhost_vm 2
t "vm1 runs" inner_resume 1
t "vm2 runs" inner_resume 2
t "vm1: virtio-net up, 10.7.0.1" inner_net_up 1 $MAC1 10.7.0.1/24
t "vm2: virtio-net up, 10.7.0.2" inner_net_up 2 $MAC2 10.7.0.2/24
say "valed status with both VMs connected"
valed status
t "both VM ports are connected" sh -c 'valed status | grep -c " connected " | grep -qx 2'

measure() {	# measure NAME: ping and TCP between the VMs, figures into /tmp/NAME.*
	say "$1: vm1 pings vm2"
	t "$1: vm1 reaches vm2" inner_reach 1 10.7.0.2
	inner_run 1 60 ping -c 10 -i 0.2 10.7.0.2 > /tmp/$1.ping
	tail -n 2 /tmp/$1.ping
	sed -n 's|^round-trip.* = [0-9.]*/\([0-9.]*\)/.*|\1|p' /tmp/$1.ping > /tmp/$1.rtt
	say "$1: TCP vm2 -> vm1 (iperf3, 3 s)"
	inner_run 1 30 'iperf3 -s > /tmp/iperf3-s.log 2>&1 & sleep 1' > /dev/null
	t "$1: iperf3 vm2 -> vm1" inner_iperf 2 10.7.0.1 /tmp/$1.iperf
	grep -E 'sender|receiver' /tmp/$1.iperf
	inner_mbps /tmp/$1.iperf > /tmp/$1.mbps
}
measure vale
say "valed status after the traffic"
valed status
t "vm1 off" inner_off 1
t "vm2 off" inner_off 2

# ------------------------------------------------------------------
say "the same two VMs on tap + Linux bridge"
/bin/ip link add br0 type bridge
/bin/ip link set br0 up
for n in 1 2; do
	/bin/ip tuntap add dev tap$n mode tap
	/bin/ip link set tap$n master br0
	/bin/ip link set tap$n up
done
for n in 1 2; do
	inner_start $n -netdev tap,id=n0,ifname=tap$n,script=no,downscript=no
done
t "vm1 runs (tap)" inner_resume 1
t "vm2 runs (tap)" inner_resume 2
t "vm1: virtio-net up on tap1" inner_net_up 1 $MAC1 10.7.0.1/24
t "vm2: virtio-net up on tap2" inner_net_up 2 $MAC2 10.7.0.2/24
measure bridge
t "vm1 off" inner_off 1
t "vm2 off" inner_off 2
t "the VMs' kernels logged no warning" inner_clean 1 2

say "stopping valed (SIGTERM, as systemctl stop)"
kill -TERM $(cat /tmp/valed.pid)
t "valed stopped cleanly" wait $(cat /tmp/valed.pid)
t "rmmod netmap" rmmod netmap
echo "@@DEMO vale_rtt_ms $(cat /tmp/vale.rtt)"
echo "@@DEMO vale_mbps $(cat /tmp/vale.mbps)"
echo "@@DEMO bridge_rtt_ms $(cat /tmp/bridge.rtt)"
echo "@@DEMO bridge_mbps $(cat /tmp/bridge.mbps)"
say "done"
