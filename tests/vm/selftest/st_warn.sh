# Harness self-test: every test passes but the kernel warns; the run must fail.
# timeout: 60
t "load a module that warns" insmod /netmap/nm_selftest_warn.ko
