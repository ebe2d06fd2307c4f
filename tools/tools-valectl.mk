# tools-valectl.mk - vale-ctl, included by the top Makefile.
#
#   build/bin/vale-ctl           for the host (dynamic)
#   build/vm/progs/vale-ctl      for the test guest (static)
#   build/unit/test_valectl      CMocka test of its parsing and formatting
#
# vale-ctl talks to /dev/netmap with raw NIOCCTRL requests and does not
# link libnetmap.

VALECTL_SRCS := tools/vale-ctl/vale-ctl.c tools/vale-ctl/valectl_parse.c
VALECTL_DEPS := $(VALECTL_SRCS) tools/vale-ctl/valectl.h \
		$(wildcard include/uapi/net/*.h)

USER_BINS += build/bin/vale-ctl
PROG_BINS += build/vm/progs/vale-ctl
UNIT_BINS += build/unit/test_valectl

build/bin/vale-ctl: $(VALECTL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(VALECTL_SRCS)

build/vm/progs/vale-ctl: $(VALECTL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -o $@ $(VALECTL_SRCS)

build/unit/test_valectl: tools/vale-ctl/test_valectl.c \
		tools/vale-ctl/valectl_parse.c tools/vale-ctl/valectl.h \
		$(wildcard include/uapi/net/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -Itools/vale-ctl -o $@ $< \
		tools/vale-ctl/valectl_parse.c -lcmocka
