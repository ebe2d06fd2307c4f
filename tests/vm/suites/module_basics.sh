# The module loads, registers /dev/netmap (misc device, 0600), answers malformed
# control requests with the ABI's errnos, refuses to unload while in use, unloads
# with nothing leaked (a leak warns at unload, which fails the kernel-log check),
# and loads again.
# timeout: 90

t "insmod netmap.ko" load_netmap
t "netmap listed in /proc/modules" grep -q '^netmap ' /proc/modules
t "/dev/netmap is a character device" test -c /dev/netmap
t "/dev/netmap has mode 0600" sh -c '[ "$(stat -c %a /dev/netmap)" = 600 ]'
t "/dev/netmap is a misc device (major 10) named netmap" \
	sh -c 'grep -q " netmap$" /proc/misc && [ "$(stat -c %t /dev/netmap)" = a ]'
tap nm_ctrl_errors
t_fails "rmmod is refused while /dev/netmap is open" \
	sh -c 'exec 3<>/dev/netmap; rmmod netmap'
t "rmmod netmap" rmmod netmap
t "/dev/netmap is gone after unload" sh -c '! test -e /dev/netmap'
t "unload reported no leaked allocations" sh -c '! dmesg | grep -q "leaked"'
t "module loads again" load_netmap
t "a second open/close cycle works" sh -c 'exec 3<>/dev/netmap; exec 3>&-'
t "second rmmod" rmmod netmap
