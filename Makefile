# VALE appliance: top-level build.
#
#   make                 module (for KSERIES) and every userspace program
#   make deps            install the Debian packages and kernel images everything needs
#   make check           deps + build + unit + guest suites on both kernel series
#   make check-unit      CMocka tests of the portable core (ASan + UBSan)
#   make check-vm        guest suites for KSERIES (SUITE=name runs one)
#   make demo            build, then in a sandbox guest: valed, two VMs on vhost-user, figures
#
# KSERIES=6.1|6.12 picks the Debian kernel series; KVER and KDIR override it.

KSERIES ?= 6.1
KVER	?= $(shell cat build/kernels/series-$(KSERIES) 2>/dev/null || \
	     dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | \
	     sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
KDIR	?= /usr/src/linux-headers-$(KVER)

CC	:= gcc
CFLAGS	:= -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude/uapi
SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

CORE_SRCS := $(wildcard kernel/core/*.c)
CORE_HDRS := $(wildcard kernel/core/*.h) kernel/nm_os.h $(wildcard include/uapi/net/*.h)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,build/unit/%,$(UNIT_SRCS))
PROG_SRCS := $(wildcard tests/vm/progs/*.c)
PROG_BINS := $(patsubst tests/vm/progs/%.c,build/vm/progs/%,$(PROG_SRCS))

# Fragments below define rules of their own; "make" alone still means "all".
.DEFAULT_GOAL := all

# Userspace components add themselves through these fragments: each may append to
# LIB_SRCS (libnetmap sources, also linked into unit tests), USER_BINS (programs for
# the host, build/bin/) and PROG_BINS (static programs for the test guest).
LIB_SRCS  :=
USER_BINS :=
-include lib/lib.mk
-include $(wildcard tools/*.mk)
-include $(wildcard qemu-backend/*.mk)
-include $(wildcard valed/*.mk)
-include bench/bench.mk

.PHONY: all module userspace unit check check-unit check-vm check-selftest deps demo \
	demo-run sandbox install uninstall clean distclean

all: module userspace

deps:
	@scripts/deps.sh

module:
	@test -n "$(KVER)" || { echo "no kernel known for KSERIES=$(KSERIES): run 'make deps'" >&2; exit 1; }
	@scripts/build-module.sh "$(KVER)" "$(KDIR)"

userspace: $(PROG_BINS) $(USER_BINS)

# Guest programs are static so the initramfs needs no libraries; they may use
# libnetmap as applications do.
build/vm/progs/%: tests/vm/progs/%.c $(wildcard tests/vm/progs/*.h) $(CORE_HDRS) \
		build/lib/libnetmap.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -static -o $@ $< build/lib/libnetmap.a

unit: $(UNIT_BINS)

build/unit/%: tests/unit/%.c tests/unit/os_user.c tests/unit/os_user.h $(CORE_SRCS) $(CORE_HDRS) \
		$(LIB_SRCS) $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -Ikernel -Itests/unit -Ilib -o $@ $< tests/unit/os_user.c \
		$(CORE_SRCS) $(LIB_SRCS) -lcmocka -lpthread

# TAP from every unit test program; fails if any test failed.
check-unit: unit
	@rc=0; for t in $(UNIT_BINS); do \
		CMOCKA_MESSAGE_OUTPUT=TAP $$t || rc=1; \
	done; exit $$rc

# FUZZ=N runs the control-request fuzzer with N requests per process.
check-vm: module userspace
	@NM_GUEST_ARGS="$(if $(FUZZ),nm.fuzz=$(FUZZ))" tests/vm/run.sh -k $(KSERIES) $(if $(SUITE),$(foreach s,$(SUITE),-s $(s))) | \
		tests/tap-summary.sh

check-selftest: module userspace
	@tests/vm/selftest.sh -k $(KSERIES) | tests/tap-summary.sh

check:
	@tests/check.sh

# A fresh machine has no kernel yet, so deps run before KVER is known (recursive make).
demo:
	@echo "demo: [1/4] dependencies, netmap.ko, programs"
	@scripts/deps.sh && $(MAKE) --no-print-directory demo-run

demo-run: module userspace
	@tests/vm/demo.sh -k $(KSERIES)

sandbox: module userspace
	@tests/vm/sandbox.sh -k $(KSERIES) -i

# PREFIX, DESTDIR, KVER: see scripts/install.sh.
install: module userspace
	@scripts/install.sh install

uninstall:
	@scripts/install.sh uninstall

clean:
	rm -rf build/kmod build/unit build/vm build/check build/valed build/qemu-backend build/bin

distclean:
	rm -rf build
