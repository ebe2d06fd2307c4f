# VALE ports through /dev/netmap: the mmap layout seen from userspace, frames
# between processes with poll() wake-ups, the legacy nm_open API, mmap bounds,
# TX, RX and /z monitors with exact copy counts;
# afterwards the module unloads with nothing leaked (a leak warns at unload,
# which fails the kernel-log check).
# timeout: 120

t "insmod netmap.ko" load_netmap
tap nm_vale_io
t "rmmod netmap after every port closed" rmmod netmap
