# valed-daemon.mk - the running daemon and its CLI clients (valed/daemon/),
# included by the top Makefile.
#
#   build/valed/libvaled-daemon.a  start/status/reload/port (valed_daemon_cmd)
#                                  with the vhost-user back-end it runs;
#                                  build/valed/valed links it
#   build/unit/test_valed_state    CMocka: serializer round trip, state file,
#                                  adoption of a dead daemon's state
#   build/unit/test_valed_ctl      CMocka: control protocol, malformed /
#                                  truncated / oversized requests, the server
#                                  over a real socket
#   build/unit/test_valed_apply    CMocka: apply and rollback against a fake
#                                  executor, a failure injected at every step
#
# Fragments are read in name order and this one comes before valed.mk, so
# nothing of valed.mk is used here where it would be expanded at once
# (prerequisites, := assignments): those names are spelled out. The
# qemu-backend fragments come earlier: their VV_* lists are set.

VALED_D_VERSION := $(shell cat valed/VERSION)
VALED_D_SRCS    := $(wildcard valed/daemon/valed_*.c)
VALED_D_HDRS    := $(wildcard valed/daemon/*.h)
VALED_D_OBJS    := $(patsubst valed/daemon/%.c,build/valed/daemon/%.o,$(VALED_D_SRCS))
# The back-end runs inside valed: the same sources vale-vhost is built from.
VALED_D_QB_SRCS := $(VV_NET_SRCS) $(VV_LIB_SRCS)
VALED_D_QB_OBJS := $(patsubst qemu-backend/%.c,build/valed/daemon/qb/%.o,$(VALED_D_QB_SRCS))
VALED_D_CORE    := $(filter-out valed/valed_main.c,$(wildcard valed/valed_*.c))
VALED_D_CORE_H  := $(wildcard valed/valed_*.h)
VALED_D_INC     := -Ivaled -Ivaled/daemon -Iqemu-backend -Iqemu-backend/net -Ilib
VALED_D_A       := build/valed/libvaled-daemon.a
# What a program linking $(VALED_D_A) needs after it (and after libvaled.a).
VALED_D_LIBS    := build/lib/libnetmap.a -ljansson -lpthread
VALED_D_TESTS   := build/unit/test_valed_state build/unit/test_valed_ctl \
		   build/unit/test_valed_apply

USER_BINS += $(VALED_D_A)
UNIT_BINS += $(VALED_D_TESTS)

$(VALED_D_OBJS): build/valed/daemon/%.o: valed/daemon/%.c $(VALED_D_HDRS) \
		$(VALED_D_CORE_H) $(VV_NET_HDRS) $(VV_LIB_HDRS) valed/VERSION
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VALED_D_INC) -DVALED_VERSION='"$(VALED_D_VERSION)"' -c -o $@ $<

$(VALED_D_QB_OBJS): build/valed/daemon/qb/%.o: qemu-backend/%.c $(VV_NET_HDRS) $(VV_LIB_HDRS) \
		lib/libnetmap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VV_INC) -c -o $@ $<

$(VALED_D_A): $(VALED_D_OBJS) $(VALED_D_QB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# Tests compile what they test themselves, so it runs under ASan/UBSan.
VALED_D_T_COMMON := valed/daemon/valed_log.c qemu-backend/vhu_log.c $(VALED_D_CORE)

build/unit/test_valed_state: valed/daemon/tests/test_valed_state.c \
		valed/daemon/valed_state.c valed/daemon/valed_state_adopt.c \
		valed/daemon/valed_kern.c $(VALED_D_T_COMMON) $(VALED_D_HDRS) $(VALED_D_CORE_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(VALED_D_INC) -Ivaled/tests -o $@ $< \
		valed/daemon/valed_state.c valed/daemon/valed_state_adopt.c \
		valed/daemon/valed_kern.c $(VALED_D_T_COMMON) -ljansson -lcmocka

build/unit/test_valed_ctl: valed/daemon/tests/test_valed_ctl.c \
		valed/daemon/valed_ctl.c valed/daemon/valed_ctl_proto.c \
		$(VALED_D_T_COMMON) $(VALED_D_HDRS) $(VALED_D_CORE_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(VALED_D_INC) -o $@ $< \
		valed/daemon/valed_ctl.c valed/daemon/valed_ctl_proto.c \
		$(VALED_D_T_COMMON) -ljansson -lcmocka

build/unit/test_valed_apply: valed/daemon/tests/test_valed_apply.c \
		valed/daemon/valed_apply.c $(VALED_D_T_COMMON) $(VALED_D_HDRS) $(VALED_D_CORE_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(VALED_D_INC) -Ivaled/tests -o $@ $< \
		valed/daemon/valed_apply.c $(VALED_D_T_COMMON) -ljansson -lcmocka
