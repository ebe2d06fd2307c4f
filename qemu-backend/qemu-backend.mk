# qemu-backend.mk - the vhost-user protocol library, included by the top Makefile.
#
#   build/qemu-backend/libvhu.a   protocol, guest memory, device state, sockets
#   build/unit/test_vhu_msg       CMocka: message parsing over socketpairs
#   build/unit/test_vhu_mem       CMocka: memory table, translation, dirty log
#   build/unit/test_vhu_dev       CMocka: device handshake and hostile front-ends
#
# VHU_LIB_SRCS / VHU_LIB_HDRS name only the vhu_* files, so other fragments
# (the virtqueue one) can link the same sources into their sanitized tests.

VHU_LIB_SRCS := $(wildcard qemu-backend/vhu_*.c)
VHU_LIB_HDRS := $(wildcard qemu-backend/vhu_*.h)
VHU_LIB_OBJS := $(patsubst qemu-backend/%.c,build/qemu-backend/%.o,$(VHU_LIB_SRCS))
VHU_LIB_A    := build/qemu-backend/libvhu.a
VHU_TESTS    := build/unit/test_vhu_msg build/unit/test_vhu_mem build/unit/test_vhu_dev

USER_BINS += $(VHU_LIB_A)
UNIT_BINS += $(VHU_TESTS)

$(VHU_LIB_OBJS): build/qemu-backend/%.o: qemu-backend/%.c $(VHU_LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iqemu-backend -fPIC -c -o $@ $<

$(VHU_LIB_A): $(VHU_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# Tests compile the sources themselves so the library runs under ASan/UBSan too.
$(VHU_TESTS): build/unit/%: qemu-backend/tests/%.c qemu-backend/tests/vhu_test.h \
		$(VHU_LIB_SRCS) $(VHU_LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -Iqemu-backend -Iqemu-backend/tests -o $@ $< \
		$(VHU_LIB_SRCS) -lcmocka
