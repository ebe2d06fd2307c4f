# vale-vhost.mk - the vale-vhost program (a vhost-user-net back-end on a VALE
# port), included by the top Makefile.
#
#   build/bin/vale-vhost        for the host (dynamic)
#   build/vm/progs/vale-vhost   static, for the test guest
#   build/unit/test_vhu_net     CMocka: the datapath against in-memory netmap
#                               rings and memfd guest memory, driven over a
#                               socketpair as a front-end would
#
# The datapath lives in qemu-backend/net/, not next to the protocol library:
# qemu-backend.mk archives every qemu-backend/vhu_*.c into libvhu.a and links
# them into its own tests, which know nothing of netmap or virtq.
#
# The source lists are spelled out here rather than taken from VHU_LIB_SRCS
# and VIRTQ_SRCS: fragments are included in name order, virtq.mk after this
# one, and prerequisites are expanded as the rule is read.

VV_LIB_SRCS  := $(wildcard qemu-backend/vhu_*.c) qemu-backend/virtq.c
VV_LIB_HDRS  := $(wildcard qemu-backend/vhu_*.h) qemu-backend/virtq.h
VV_NET_SRCS  := $(wildcard qemu-backend/net/*.c)
VV_NET_HDRS  := $(wildcard qemu-backend/net/*.h)
VV_SRCS      := qemu-backend/vale_vhost.c $(VV_NET_SRCS) $(VV_LIB_SRCS)
VV_DEPS      := $(VV_SRCS) $(VV_NET_HDRS) $(VV_LIB_HDRS) lib/libnetmap.h \
		$(wildcard include/uapi/net/*.h) build/lib/libnetmap.a
VV_INC       := -Iqemu-backend -Iqemu-backend/net -Ilib
VV_LIBS      := build/lib/libnetmap.a -lpthread

# The unit test plays the port itself: no libnetmap, no vhu_port_netmap.c,
# and no vhu_vport.c, which opens netmap ports.
VV_TEST_SRCS := $(filter-out qemu-backend/net/vhu_port_netmap.c qemu-backend/net/vhu_vport.c,$(VV_NET_SRCS)) \
		$(VV_LIB_SRCS)

USER_BINS += build/bin/vale-vhost
PROG_BINS += build/vm/progs/vale-vhost
UNIT_BINS += build/unit/test_vhu_net

build/bin/vale-vhost: $(VV_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VV_INC) -o $@ $(VV_SRCS) $(VV_LIBS)

build/vm/progs/vale-vhost: $(VV_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VV_INC) -static -o $@ $(VV_SRCS) $(VV_LIBS)

build/unit/test_vhu_net: qemu-backend/tests/test_vhu_net.c $(VV_TEST_SRCS) \
		$(VV_NET_HDRS) $(VV_LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(VV_INC) -o $@ $< $(VV_TEST_SRCS) -lcmocka
