# The sandbox guest of "make sandbox": load the module and show what is there.
# timeout: 120
echo "=== sandbox guest: $(uname -sr), $(nproc) CPUs, $(free -m | awk '/Mem:/{print $2}') MiB"
t "load netmap.ko" load_netmap
echo "=== /proc/modules"; grep '^netmap ' /proc/modules
echo "=== /dev/netmap"; ls -l /dev/netmap
echo "=== /proc/misc"; grep netmap /proc/misc
echo "=== kernel log"; dmesg | grep netmap
echo "=== module parameters"; ls /sys/module/netmap/parameters 2>/dev/null || echo "(none yet)"
