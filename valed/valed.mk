# valed.mk - valed, the configuration daemon, included by the top Makefile.
#
#   build/valed/libvaled.a         config model, parser, validation, reconcile
#                                  plan (what the daemon subcommands will link)
#   build/valed/valed              the command line: check, plan, --help, --version
#   build/unit/test_valed_cfg      CMocka: parser, every field and default, error
#                                  collection and positions, allocation failures
#   build/unit/test_valed_plan     CMocka: the reconcile diff, ordering, rollback
#   build/valed/test_config_corpus TAP over tests/config (valid/ and invalid/
#                                  cases against build/valed/valed), a script
#
# The corpus runner is in UNIT_BINS like the CMocka programs: check-unit runs
# every entry as a program and reads TAP from it.

VALED_VERSION  := $(shell cat valed/VERSION)
VALED_LIB_SRCS := $(filter-out valed/valed_main.c,$(wildcard valed/valed_*.c))
VALED_LIB_HDRS := $(wildcard valed/valed_*.h)
VALED_LIB_OBJS := $(patsubst valed/%.c,build/valed/%.o,$(VALED_LIB_SRCS))
VALED_LIB_A    := build/valed/libvaled.a
VALED_LIBS     := -ljansson
VALED_TESTS    := build/unit/test_valed_cfg build/unit/test_valed_plan
VALED_CORPUS   := build/valed/test_config_corpus

USER_BINS += $(VALED_LIB_A) build/valed/valed
UNIT_BINS += $(VALED_TESTS) $(VALED_CORPUS)

$(VALED_LIB_OBJS): build/valed/%.o: valed/%.c $(VALED_LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ivaled -c -o $@ $<

$(VALED_LIB_A): $(VALED_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# The daemon (valed-daemon.mk, read before this fragment) links in first.
build/valed/valed: valed/valed_main.c $(VALED_LIB_A) $(VALED_LIB_HDRS) valed/VERSION $(VALED_D_A) \
		build/lib/libnetmap.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ivaled -Ivaled/daemon -DVALED_VERSION='"$(VALED_VERSION)"' -o $@ $< \
		$(VALED_D_A) $(VALED_LIB_A) $(VALED_D_LIBS)

# For the test guest: static like every guest program. glibc warns that a
# static getpwnam()/getgrnam() needs its NSS modules at run time; the guest
# names owners and groups by number.
PROG_BINS += build/vm/progs/valed
build/vm/progs/valed: valed/valed_main.c $(VALED_LIB_A) $(VALED_LIB_HDRS) valed/VERSION $(VALED_D_A) \
		build/lib/libnetmap.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -Wl,--no-warnings -Ivaled -Ivaled/daemon \
		-DVALED_VERSION='"$(VALED_VERSION)"' -o $@ $< \
		$(VALED_D_A) $(VALED_LIB_A) $(VALED_D_LIBS)

# Tests compile the sources themselves so the library runs under ASan/UBSan.
$(VALED_TESTS): build/unit/%: valed/tests/%.c valed/tests/valed_test.h \
		$(VALED_LIB_SRCS) $(VALED_LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -Ivaled -Ivaled/tests -o $@ $< $(VALED_LIB_SRCS) \
		$(VALED_LIBS) -lcmocka

# check-unit runs from the top directory; the wrapper finds it from its own path.
$(VALED_CORPUS): tests/config/run.sh build/valed/valed
	@mkdir -p $(@D)
	printf '#!/bin/sh\ncd "$$(dirname "$$0")/../.." && exec tests/config/run.sh build/valed/valed\n' > $@
	chmod +x $@
