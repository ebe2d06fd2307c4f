# bench/bench.mk - `make bench`: performance ratios, one run (bench/README.md).
# Not part of `make check`: it prints measurements, it asserts nothing, and
# fails only when a figure could not be measured.
#
#   make bench                         parts (a) (b) (c) (d) (e) on KSERIES (6.1)
#   make bench BENCH_PARTS=b           only the userspace forwarding core
#   make bench BENCH_PARTS=e           only the vhost-user back-ends (DPDK testpmd)
#   make bench BENCH_PARTS="a c" KSERIES=6.12
#
#   build/bench/corebench   the core (kernel/core) built natively, no sanitizers
#   build/bench/afpkt       AF_PACKET sender/receiver for the guest (static)
#                           and the pcap file of its frame, for pkt-gen -P
#   build/bench/nmlearn     teaches a switch where receivers' MACs are (static)

BENCH_CFLAGS := -std=gnu11 -O2 -g -march=native -DNDEBUG -Wall -Wextra \
		-Wno-array-bounds -D_GNU_SOURCE -Iinclude/uapi -Ikernel -Itests/unit
BENCH_CORE_SRCS = $(wildcard kernel/core/*.c)
BENCH_CORE_DEPS = $(BENCH_CORE_SRCS) $(wildcard kernel/core/*.h) kernel/nm_os.h \
		  tests/unit/os_user.c $(wildcard tests/unit/*.h) \
		  $(wildcard include/uapi/net/*.h)
BENCH_BINS := build/bench/corebench build/bench/corebench-nostats \
	      build/bench/corebench-ir build/bench/corebench-ir-nostats \
	      build/bench/afpkt build/bench/nmlearn

BENCH_PARTS ?= a b c d e
BENCH_ENV = KSERIES=$(KSERIES) BENCH_PARTS="$(BENCH_PARTS)" \
	    $(if $(BENCH_SECS),BENCH_SECS=$(BENCH_SECS)) \
	    $(if $(BENCH_VHOST_BUSY),BENCH_VHOST_BUSY=$(BENCH_VHOST_BUSY)) \
	    $(if $(BENCH_ROUNDS),BENCH_ROUNDS=$(BENCH_ROUNDS)) \
	    $(if $(BENCH_NICE),BENCH_NICE=$(BENCH_NICE)) \
	    $(if $(BENCH_PORTS),BENCH_PORTS="$(BENCH_PORTS)")

.PHONY: bench bench-bins

bench-bins: $(BENCH_BINS)

# The guest parts need the module and the guest programs; (b) needs neither.
bench: bench-bins $(if $(filter a c d e,$(BENCH_PARTS)),module userspace)
	@$(BENCH_ENV) bench/run.sh

build/bench/corebench: bench/corebench.c $(BENCH_CORE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ bench/corebench.c tests/unit/os_user.c \
		$(BENCH_CORE_SRCS) -lpthread

# The same core with the per-port counters compiled out: their cost.
build/bench/corebench-nostats: bench/corebench.c $(BENCH_CORE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -DNM_NO_STATS -o $@ bench/corebench.c \
		tests/unit/os_user.c $(BENCH_CORE_SRCS) -lpthread

# For counting instructions under valgrind, which knows no AVX-512: the
# timed build's flags with AVX-512 turned off. Not plain x86-64: that binary
# has no PREFETCHW and other instructions and registers, another program.
BENCH_IR_CFLAGS := $(BENCH_CFLAGS) -mno-avx512f

build/bench/corebench-ir: bench/corebench.c $(BENCH_CORE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_IR_CFLAGS) -o $@ bench/corebench.c tests/unit/os_user.c \
		$(BENCH_CORE_SRCS) -lpthread

build/bench/corebench-ir-nostats: bench/corebench.c $(BENCH_CORE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_IR_CFLAGS) -DNM_NO_STATS -o $@ bench/corebench.c \
		tests/unit/os_user.c $(BENCH_CORE_SRCS) -lpthread

build/bench/afpkt: bench/afpkt.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -o $@ $<

build/bench/nmlearn: bench/nmlearn.c lib/libnetmap.h build/lib/libnetmap.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -static -o $@ $< build/lib/libnetmap.a
