# A fuzzer throws random control requests, legacy requests, option chains and
# scribbled rings at the module from two processes at once (100 000 requests
# each by default; FUZZ=N on make check-vm for more). The kernel must not warn,
# the module must hold no more objects afterwards than before, and unload.
# Real devices are among the names: a veth pair fz0/fz1, up, so that NIC
# ports, uplinks and polling threads are fuzzed as well.
# kseries: 6.1
# timeout: 600
# mem: 1024
# bins: ip
# kmods: veth

n=${NM_FUZZ:-100000}
t "insmod netmap.ko" load_netmap
t "veth fz0 <-> fz1, up" sh -c '/bin/ip link add fz0 type veth peer name fz1 &&
	/bin/ip link set fz0 up && /bin/ip link set fz1 up'
before=$(cat /sys/module/netmap/parameters/live_allocs)
diag "module objects before: $before"
nm_fuzz_ctrl -n "$n" -s 7 > /tmp/fuzz2.out 2>&1 &
tap nm_fuzz_ctrl -n "$n" -s 1
wait
cat /tmp/fuzz2.out
grep -E '^(ok|not ok)' /tmp/fuzz2.out > $NM_TAP
after=$(cat /sys/module/netmap/parameters/live_allocs)
diag "module objects after: $after"
t "no object left behind by the fuzzers ($before before, $after after)" sh -c "[ -n '$before' ] && [ '$after' = '$before' ]"
t "rmmod netmap" rmmod netmap
t "fz0 and fz1 are plain devices again" sh -c '/bin/ip link del fz0'

