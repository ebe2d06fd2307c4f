# lib/lib.mk - libnetmap (the nmport_* API), included by the top Makefile.
#
# The sources are also linked into every unit test (LIB_SRCS); the
# archive build/lib/libnetmap.a is what programs link against.

LIB_SRCS    += $(wildcard lib/*.c)
LIBNM_SRCS  := $(wildcard lib/*.c)
LIBNM_OBJS  := $(patsubst lib/%.c,build/lib/%.o,$(LIBNM_SRCS))
LIBNM_HDRS  := $(wildcard lib/*.h) $(wildcard include/uapi/net/*.h)
LIBNM_A     := build/lib/libnetmap.a

USER_BINS   += $(LIBNM_A)

build/lib/%.o: lib/%.c $(LIBNM_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -fPIC -c -o $@ $<

$(LIBNM_A): $(LIBNM_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^
