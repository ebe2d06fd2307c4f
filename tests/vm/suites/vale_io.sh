# VALE ports through /dev/netmap: the mmap layout seen from userspace, frames
# between processes with poll() wake-ups, the legacy nm_open API, mmap bounds,
# TX and RX copy monitors with exact counts, /z monitors lending the very
# buffers once the watched port is done with them (VALE and pipes);
# afterwards the module unloads with nothing leaked (a leak warns at unload,
# which fails the kernel-log check).
# timeout: 120

t "insmod netmap.ko" load_netmap
tap nm_vale_io
t "rmmod netmap after every port closed" rmmod netmap
