# tools/tools-pktgen.mk - pkt-gen, included by the top Makefile.
#
# build/bin/pkt-gen       for the host, linked with libnetmap.a
# build/vm/progs/pkt-gen  static, for the test guest's initramfs

PKTGEN_SRCS := $(wildcard tools/pkt-gen/*.c)
PKTGEN_DEPS := $(PKTGEN_SRCS) $(wildcard tools/pkt-gen/*.h) lib/libnetmap.h \
	       $(wildcard include/uapi/net/*.h) build/lib/libnetmap.a
PKTGEN_LIBS := build/lib/libnetmap.a -lpthread -lm

USER_BINS += build/bin/pkt-gen
PROG_BINS += build/vm/progs/pkt-gen

build/bin/pkt-gen: $(PKTGEN_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -o $@ $(PKTGEN_SRCS) $(PKTGEN_LIBS)

build/vm/progs/pkt-gen: $(PKTGEN_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -static -o $@ $(PKTGEN_SRCS) $(PKTGEN_LIBS)

# The unit test compiles pkt.c itself: rebuild it when the helpers change.
build/unit/test_pktgen_pkt: tools/pkt-gen/pkt.c tools/pkt-gen/pkt.h
