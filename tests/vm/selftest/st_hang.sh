# Harness self-test: the guest never finishes; the harness must time out, say so,
# and leave no QEMU behind.
# timeout: 15
t "hang forever" sleep 100000
