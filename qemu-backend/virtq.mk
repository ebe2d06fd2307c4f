# virtq.mk - the vhost-user backend's split-virtqueue engine, included by
# the top Makefile.
#
#   build/unit/test_virtq   CMocka test against fake guest memory
#                           (test_virtq_mem.c stands in for vhu_mem.c)
#
# The backend program links $(VIRTQ_SRCS) next to its own sources and
# depends on $(VIRTQ_HDRS).

VIRTQ_SRCS := qemu-backend/virtq.c
VIRTQ_HDRS := qemu-backend/virtq.h qemu-backend/vhu_mem.h

UNIT_BINS += build/unit/test_virtq

build/unit/test_virtq: qemu-backend/test_virtq.c qemu-backend/test_virtq_mem.c \
		$(VIRTQ_SRCS) $(VIRTQ_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -Iqemu-backend -o $@ qemu-backend/test_virtq.c \
		qemu-backend/test_virtq_mem.c $(VIRTQ_SRCS) -lcmocka
