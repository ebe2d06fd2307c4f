# The libvirt examples (config/libvirt/*.xml, docs/libvirt.md) proven by
# libvirt itself: this guest runs Debian's libvirtd (QEMU driver only) and
# valed from the valed.json fragment docs/libvirt.md shows, and "virsh create"s
# both example domains. vm1: valed listens on /run/valed/vm1.sock, libvirt's
# QEMU connects with <reconnect>; vm2: QEMU listens on
# /run/libvirt/qemu/vm2-net0.sock, valed connects (role client, 2 queues).
#
# What the suite changes in the shipped XML, nothing else (checked: the
# <interface> and <memoryBacking> elements stay byte-identical):
#   - type='kvm' -> type='qemu' (no KVM here), with the qemu: namespace;
#   - the <qemu:override> of docs/libvirt.md "TCG hosts" (vectors=0 on net0:
#     QEMU 7.2 under TCG crashes with MSI-X on a vhost-user virtio-net);
#   - the qcow2 <disk> dropped and <boot dev='hd'/> made <boot dev='network'/>:
#     there is no guest image; the NIC's own option ROM (iPXE, efi-virtio.rom
#     of ipxe-qemu) drives the virtio-net device instead of a guest kernel,
#     negotiates features with valed and sends DHCP requests through the
#     switch, so frames of one libvirt guest reach the other ("virsh reset"
#     of both at once makes their DHCP phases overlap). (A guest kernel
#     would boot for minutes under TCG inside TCG, and the saved inner guest
#     of tests/vm/nested/ cannot be restored through libvirt XML.)
# Then: valed killed with -9 and started again, the running domains connect
# again without a restart (QEMU's <reconnect> for vm1, valed's back-off for
# vm2); vm2 destroyed and created again, valed connects to the new QEMU.
#
# The libvirt runtime knobs are written here, in the guest: qemu.conf (QEMU as
# root, no virtlogd, no cgroups, no mount namespace, no security driver: none
# of those services run here), libvirtd.conf (no polkit) and the system user
# libvirt-qemu that libvirtd looks up at start and the valed.json fragment
# names as the socket's group.
# prepare: tests/vm/libvirt/prepare.sh
# kseries: 6.1
# bins: qemu-system-x86_64 libvirtd virsh
# files: /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so /usr/share/libvirt/cpu_map /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so /usr/share/seabios/bios-256k.bin /usr/lib/ipxe/qemu/efi-virtio.rom
# timeout: 420
# mem: 1536
# smp: 2

t0=$(cut -d. -f1 /proc/uptime)
el() { echo $(($(cut -d. -f1 /proc/uptime) - t0)); }	# seconds since the suite began
vsh() { virsh -q -c qemu:///system "$@"; }
LOG=/var/log/libvirt/qemu

# state PORT: the port's STATE column of "valed status".
state() { valed status 2>/dev/null | awk -v p="$1" '$1 == p { print $3 }'; }
# until_state PORT STATE SECONDS
until_state() {
	local i=0
	until [ "$(state $1)" = "$2" ]; do
		i=$((i + 1))
		[ $i -le $(($3 * 5)) ] || { echo "$1 is '$(state $1)', not $2, after $3 s"; valed status; return 1; }
		sleep 0.2
	done
}
# col PORT N: column N of the port's "valed status" line (4 RX, 5 TX).
col() { valed status | awk -v p="$1" -v n="$2" '$1 == p { print $n }'; }
# traffic PORT SECONDS: frames both ways between the port and the switch.
traffic() {
	local i=0
	until [ "$(col $1 4)" -gt 0 ] 2>/dev/null && [ "$(col $1 5)" -gt 0 ] 2>/dev/null; do
		i=$((i + 1))
		[ $i -le $2 ] || { valed status; return 1; }
		sleep 1
	done
	valed status | grep -E "^ *$1 "
}

start_valed() {
	valed start --config /etc/valed/valed.json >> /tmp/valed.log 2>&1 &
	echo $! > /tmp/valed.pid
	local i=0
	until valed status > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -le 150 ] || { cat /tmp/valed.log; return 1; }
		sleep 0.2
	done
	valed status
}

t "insmod netmap.ko" load_netmap
t "the shipped examples came along (prepare.sh)" \
	test -s /prep/vm1-valed-server.xml -a -s /prep/vm2-qemu-server.xml -a -s /prep/libvirt.md

# --- the runtime knobs
mkdir -p /etc/libvirt /etc/valed /run/valed /run/libvirt/qemu /var/lib/libvirt/qemu \
	/var/cache/libvirt/qemu $LOG
# virsh looks for /var/run/libvirt/libvirt-sock, libvirtd makes /run/libvirt/.
[ -e /var/run ] || ln -s /run /var/run
cat > /etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/bin/false
EOF
cat > /etc/group <<'EOF'
root:x:0:
kvm:x:64054:libvirt-qemu
libvirt-qemu:x:64055:
EOF
cat > /etc/libvirt/qemu.conf <<'EOF'
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
stdio_handler = "file"
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
EOF
cat > /etc/libvirt/libvirtd.conf <<'EOF'
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:/tmp/libvirtd.log"
EOF

# --- valed, from the fragment docs/libvirt.md shows
sed -n '/^```json$/,/^```$/p' /prep/libvirt.md | sed '1d;$d' > /etc/valed/valed.json
t "docs/libvirt.md's valed.json fragment is valid" valed check /etc/valed/valed.json
t "valed runs" start_valed
t "vm1: valed listens on /run/valed/vm1.sock" until_state vm1 listening 10
t "vm1.sock: group libvirt-qemu, mode 0660" \
	sh -c 'ls -ln /run/valed/vm1.sock; stat -c "%a %g" /run/valed/vm1.sock | grep -qx "660 64055"'
t "vm2: valed tries to connect (role client)" until_state vm2 connecting 10

# --- libvirtd
lv_start() {
	libvirtd --config /etc/libvirt/libvirtd.conf > /tmp/libvirtd.out 2>&1 &
	echo $! > /tmp/libvirtd.pid
	local i=0
	until vsh uri > /dev/null 2>&1; do
		i=$((i + 1))
		kill -0 $(cat /tmp/libvirtd.pid) 2> /dev/null && [ $i -le 240 ] ||
			{ echo "libvirtd not answering"; cat /tmp/libvirtd.out /tmp/libvirtd.log; return 1; }
		sleep 0.5
	done
	vsh version
}
t "libvirtd starts, virsh connects to qemu:///system" lv_start
diag "libvirtd answering at $(el) s"
# Its capabilities: the QEMU it probed (TCG) takes type='qemu' domains.
t "libvirt offers domain type qemu for x86_64 (probed QEMU)" \
	sh -c "virsh -c qemu:///system capabilities | grep -q \"<domain type='qemu'\""

# --- the transformation (see the header)
override=$(sed -n '/^  <qemu:override>$/,/^  <\/qemu:override>$/p' /prep/libvirt.md)
lv_xml() {	# lv_xml NAME: /prep/NAME.xml as this guest runs it, to /tmp/NAME.xml
	{
		sed -e "s|^<domain type='kvm'>$|<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>|" \
			-e '/^    <disk /,/^    <\/disk>$/d' \
			-e "s|^    <boot dev='hd'/>$|    <boot dev='network'/>|" \
			-e '/^<\/domain>$/d' /prep/$1.xml
		echo "$override"
		echo '</domain>'
	} > /tmp/$1.xml
}
# same_elem NAME TAG: element TAG is the same bytes in shipped and run XML.
same_elem() {
	sed -n "/^ *<$2[ >]/,/^ *<\/$2>/p" /prep/$1.xml > /tmp/a.$2
	sed -n "/^ *<$2[ >]/,/^ *<\/$2>/p" /tmp/$1.xml > /tmp/b.$2
	test -s /tmp/a.$2 && diff -u /tmp/a.$2 /tmp/b.$2
}
for vm in vm1-valed-server vm2-qemu-server; do
	lv_xml $vm
	diff /prep/$vm.xml /tmp/$vm.xml | sed 's/^/#   /'
	t "$vm: transformed XML has the override of docs/libvirt.md" grep -q "name='vectors' type='unsigned' value='0'" /tmp/$vm.xml
	t "$vm: <interface> unchanged" same_elem $vm interface
	t "$vm: <memoryBacking> unchanged" same_elem $vm memoryBacking
done

# --- the domains
t "virsh create vm1-valed-server.xml" vsh create /tmp/vm1-valed-server.xml
t "vm1: libvirt's QEMU connected to valed" until_state vm1 connected 60
t "virsh create vm2-qemu-server.xml" vsh create /tmp/vm2-qemu-server.xml
t "vm2: valed connected to libvirt's QEMU" until_state vm2 connected 60
diag "both domains connected at $(el) s"
t "both domains running" sh -c 'virsh -c qemu:///system list | grep -c " running" | grep -qx 2'
valed status
for n in 1 2; do
	tr ' ' '\n' < $LOG/vm$n.log | grep -E 'vhost|memfd|charnet0|queues|vectors|memory-backend' | sed 's/^/#   vm'$n': /'
done
# The command lines libvirt generated (JSON -netdev/-object in libvirt 9).
t "vm1: QEMU argv: memfd RAM, shared" grep -qE '"qom-type":"memory-backend-memfd".*"share":true' $LOG/vm1.log
t "vm1: QEMU argv: vhost-user netdev on a reconnecting client socket" sh -c \
	"grep -qE 'socket,id=charnet0,path=/run/valed/vm1.sock,reconnect=1' $LOG/vm1.log &&
	 grep -qE '\"type\":\"vhost-user\",\"chardev\":\"charnet0\"' $LOG/vm1.log"
t "vm1: QEMU argv: virtio-net-pci vectors=0, 1024-slot queues" sh -c \
	"grep -E 'virtio-net-pci' $LOG/vm1.log | grep -q '\"vectors\":0' &&
	 grep -q '\"rx_queue_size\":1024' $LOG/vm1.log && grep -q '\"tx_queue_size\":1024' $LOG/vm1.log"
t "vm2: QEMU argv: server socket, 2 queues" sh -c \
	"grep -qE 'charnet0.*server=on' $LOG/vm2.log && grep -qE '\"queues\":2' $LOG/vm2.log"

# iPXE in each domain brings its virtio-net up on valed (features negotiated,
# as QEMU's virtio-status shows) and asks for DHCP: the broadcasts cross vale0
# from one libvirt guest into the other's virtqueue.
vstat() {	# vstat N: QEMU's view of the domain's NIC, in /tmp/vmN.virtio
	vsh qemu-monitor-command vm$1 --hmp 'info virtio-status /machine/peripheral/net0/virtio-backend' \
		> /tmp/vm$1.virtio 2>&1
}
started() {	# started N SECONDS: until the guest (iPXE) started the vhost-user device
	local i=0
	until vstat $1 && grep -qE 'vhost_started: +true' /tmp/vm$1.virtio; do
		i=$((i + 1))
		[ $i -le $2 ] || { cat /tmp/vm$1.virtio; return 1; }
		sleep 1
	done
	awk '/Acked features:/ { f = 1; next } f && /^\t/ { print "#     acked" $0 } f && !/^\t/ { f = 0 }' /tmp/vm$1.virtio
	grep -E 'max_queues' /tmp/vm$1.virtio
}
acked() {	# acked N FEATURE...: the vhost-user device acked each FEATURE
	local n=$1 f
	shift
	awk '/Acked features:/ { f = 1; next } f && /^\t/ { print } f && !/^\t/ { f = 0 }' \
		/tmp/vm$n.virtio > /tmp/vm$n.acked
	for f; do
		grep -q "$f" /tmp/vm$n.acked || { echo "not acked: $f"; cat /tmp/vm$n.acked; return 1; }
	done
}
# bk PORT FIELD: a back-end counter of the port from "valed status --json"
# (indented JSON: blanks and newlines dropped, one line per "name").
bk() {
	valed status --json | tr -d '\n ' | sed 's/"name":/\n"name":/g' | grep "^\"name\":\"$1\"" |
		grep -o "\"$2\":[0-9]*" | head -1 | cut -d: -f2
}
# frames ROUNDS: each guest sent frames into valed, and one guest's frames
# were put into the other's virtqueue. iPXE asks for DHCP for half a minute,
# then gives up and closes the NIC: a round resets both domains at once
# ("virsh reset"), so their DHCP phases overlap, and waits up to 60 s.
frames() {
	local r=0 i
	while [ $r -lt $1 ]; do
		r=$((r + 1))
		vsh reset vm1 && vsh reset vm2 || return 1
		i=0
		while [ $i -lt 60 ]; do
			if [ "$(bk vm1 tx_pkts)" -gt 0 ] && [ "$(bk vm2 tx_pkts)" -gt 0 ] &&
			   [ $(($(bk vm1 rx_pkts) + $(bk vm2 rx_pkts))) -gt 0 ]; then
				for p in vm1 vm2; do
					echo "$p: guest->valed tx_pkts $(bk $p tx_pkts), valed->guest rx_pkts $(bk $p rx_pkts)"
				done
				echo "after $r reset(s) and $i s"
				valed status
				return 0
			fi
			i=$((i + 1))
			sleep 1
		done
	done
	valed status --json
	return 1
}
t "vm1: iPXE started the NIC on valed (QEMU virtio-status)" started 1 120
sed 's/^/#   /' /tmp/t.out
t "vm1: features negotiated with valed (VIRTIO_F_VERSION_1 acked)" acked 1 VIRTIO_F_VERSION_1
t "vm2: iPXE started the NIC on valed (QEMU virtio-status)" started 2 120
sed 's/^/#   /' /tmp/t.out
t "vm2: features negotiated with valed (VIRTIO_F_VERSION_1 acked)" acked 2 VIRTIO_F_VERSION_1
t "vm2: valed offers 2 queue pairs (max_queues 2)" grep -qE 'max_queues: +2[^0-9]*$' /tmp/vm2.virtio
t "frames between the two libvirt guests through vale0" frames 3
sed 's/^/#   /' /tmp/t.out
diag "traffic seen at $(el) s"

# --- valed killed and started again: the domains stay, the links come back
qpid1=$(cat /run/libvirt/qemu/vm1.pid)
qpid2=$(cat /run/libvirt/qemu/vm2.pid)
kill -9 $(cat /tmp/valed.pid)
wait $(cat /tmp/valed.pid) 2> /dev/null
t "valed killed -9" sh -c '! valed status'
t "valed starts again (takes over its state)" start_valed
t "vm1: libvirt's QEMU reconnected (<reconnect>)" until_state vm1 connected 30
t "vm2: valed connected again to libvirt's QEMU" until_state vm2 connected 30
t "the same QEMUs: neither domain restarted" sh -c \
	"[ \$(cat /run/libvirt/qemu/vm1.pid) = $qpid1 ] && [ \$(cat /run/libvirt/qemu/vm2.pid) = $qpid2 ] &&
	 kill -0 $qpid1 && kill -0 $qpid2 && virsh -c qemu:///system list | grep -c ' running' | grep -qx 2"

# --- vm2 destroyed: valed goes back to connecting, then finds the new QEMU
t "virsh destroy vm2" vsh destroy vm2
t "vm2: valed connecting again" until_state vm2 connecting 15
t "vm1 still connected" until_state vm1 connected 1
t "virsh create vm2 again" vsh create /tmp/vm2-qemu-server.xml
t "vm2: valed connected to the new QEMU" until_state vm2 connected 30

# --- the end
t "virsh destroy vm1" vsh destroy vm1
t "vm1: valed listening again" until_state vm1 listening 15
t "virsh destroy vm2" vsh destroy vm2
t "no QEMU left" sh -c '! pgrep -f qemu-system-x86_64'
kill -TERM $(cat /tmp/valed.pid)
t "valed stopped cleanly" wait $(cat /tmp/valed.pid)
# libvirtd ends on SIGTERM by the signal (status 143), as under systemd.
lv_stop() {
	local p=$(cat /tmp/libvirtd.pid) i=0
	kill -TERM $p
	while kill -0 $p 2> /dev/null; do
		i=$((i + 1))
		[ $i -le 150 ] || { echo "libvirtd still running"; return 1; }
		sleep 0.1
	done
	wait $p
	echo "libvirtd exit status $?"
}
t "libvirtd stops on SIGTERM" lv_stop
grep -E ' (error|warning) : ' /tmp/libvirtd.log | head -20 | sed 's/^/#   libvirtd: /'
t "rmmod netmap" rmmod netmap
diag "suite took $(el) s"
