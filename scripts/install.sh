#!/bin/bash
# Install or uninstall the appliance: the module, the tools, vale-vhost, valed,
# its unit, the example configuration and the man pages.
#
# usage: scripts/install.sh install|uninstall
# env:   DESTDIR   staging root (default: none, the live system)
#        PREFIX    programs, man pages, docs (default /usr/local)
#        KVER      kernel the module is for (default: the running kernel when its
#                  headers are installed, else the default build series)
#        SYSCONFDIR  (default /etc)
#
# Every file written is recorded in PREFIX/share/vale/MANIFEST, and uninstall
# removes exactly those, so nothing else is ever deleted. The live
# configuration (SYSCONFDIR/valed/valed.json) is installed only when absent and
# never removed: it is the operator's.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
action=${1:-}
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
manifest_rel=$PREFIX/share/vale/MANIFEST
manifest=$DESTDIR$manifest_rel

die() { echo "install: $*" >&2; exit 1; }

# The kernel: the running one if its build tree is here, else the series default.
kver=${KVER:-}
if [ -z "$kver" ]; then
	if [ -d "/lib/modules/$(uname -r)/build" ]; then
		kver=$(uname -r)
	elif [ -s build/kernels/series-6.1 ]; then
		kver=$(cat build/kernels/series-6.1)
	else
		die "no kernel to install the module for: set KVER or run 'make deps'"
	fi
fi

files=()
put() {	# put MODE SRC DST: install one file, record it
	local mode=$1 src=$2 dst=$3
	[ -f "$src" ] || die "missing $src (run 'make' first)"
	install -D -m "$mode" "$src" "$DESTDIR$dst"
	files+=("$dst")
	echo "  $dst"
}
subst() {	# subst MODE SRC DST: like put, with @PREFIX@ / @SYSCONFDIR@ replaced
	local mode=$1 src=$2 dst=$3 tmp
	[ -f "$src" ] || die "missing $src"
	tmp=$(mktemp)
	sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" "$src" > "$tmp"
	install -D -m "$mode" "$tmp" "$DESTDIR$dst"
	rm -f "$tmp"
	files+=("$dst")
	echo "  $dst"
}

do_install() {
	local ko=build/kmod/$kver/kernel/netmap.ko
	if [ ! -f "$ko" ]; then
		[ -d "/lib/modules/$kver/build" ] || [ -d "/usr/src/linux-headers-$kver" ] ||
			die "no headers for kernel $kver to build the module"
		scripts/build-module.sh "$kver" "$( [ -d "/lib/modules/$kver/build" ] &&
			echo "/lib/modules/$kver/build" || echo "/usr/src/linux-headers-$kver")"
	fi
	echo "install: kernel $kver, prefix $PREFIX${DESTDIR:+, staged in $DESTDIR}"
	# updates/ wins over the distribution's own modules of the same name.
	put 0644 "$ko" "/lib/modules/$kver/updates/netmap.ko"
	put 0755 build/bin/vale-ctl "$PREFIX/bin/vale-ctl"
	put 0755 build/bin/pkt-gen "$PREFIX/bin/pkt-gen"
	put 0755 build/bin/vale-vhost "$PREFIX/libexec/vale-vhost"
	# Where QEMU and libvirt look for vhost-user back-ends (vhost-user.json).
	sed "s|\"/usr/libexec/vale-vhost\"|\"$PREFIX/libexec/vale-vhost\"|" \
		qemu-backend/50-vale-vhost.json > build/50-vale-vhost.json
	put 0644 build/50-vale-vhost.json "$SYSCONFDIR/qemu/vhost-user/50-vale-vhost.json"
	if [ -f build/valed/valed ]; then
		put 0755 build/valed/valed "$PREFIX/sbin/valed"
		[ -f config/valed.service.in ] &&
			subst 0644 config/valed.service.in "$SYSCONFDIR/systemd/system/valed.service"
		[ -f config/valed.schema.json ] &&
			put 0644 config/valed.schema.json "$PREFIX/share/vale/valed.schema.json"
		put 0644 config/valed.example.json "$PREFIX/share/doc/vale/examples/valed.json"
		for f in config/examples/*.json config/libvirt/*.xml; do
			[ -f "$f" ] && put 0644 "$f" "$PREFIX/share/doc/vale/examples/$(basename "$f")"
		done
		if [ ! -e "$DESTDIR$SYSCONFDIR/valed/valed.json" ]; then
			# The operator's file from now on: not in the manifest. It
			# starts empty: no NIC leaves the stack until it is named.
			mkdir -p "$DESTDIR$SYSCONFDIR/valed"
			printf '{\n\t"global": { "log_level": "info" },\n\t"switches": []\n}\n' \
				> "$DESTDIR$SYSCONFDIR/valed/valed.json"
			echo "  $SYSCONFDIR/valed/valed.json (empty; yours to edit, kept by uninstall)"
		fi
	fi
	for m in docs/*.[1-8]; do
		put 0644 "$m" "$PREFIX/share/man/man${m##*.}/$(basename "$m")"
	done
	for d in docs/*.md; do
		[ -f "$d" ] && put 0644 "$d" "$PREFIX/share/doc/vale/$(basename "$d")"
	done
	mkdir -p "$(dirname "$manifest")"
	printf '%s\n' "${files[@]}" "$manifest_rel" > "$manifest"
	echo "  $manifest_rel"
	if [ -z "$DESTDIR" ]; then
		depmod -a "$kver"
		echo "install: done; load the module with 'modprobe netmap'"
	else
		# A package's own scripts run depmod where it lands.
		echo "install: done (staged; run 'depmod -a $kver' where it is unpacked)"
	fi
}

do_uninstall() {
	local f d
	[ -f "$manifest" ] || die "nothing installed under $DESTDIR$PREFIX (no $manifest_rel)"
	while IFS= read -r f; do
		case $f in
		/*) ;;
		*) die "manifest line '$f' is not an absolute path: refusing" ;;
		esac
		if [ -e "$DESTDIR$f" ] || [ -L "$DESTDIR$f" ]; then
			rm -f "$DESTDIR$f"
			echo "  removed $f"
		fi
		# Our own directories go once empty; shared ones (bin, man8) stay.
		d=$(dirname "$f")
		case $d in
		*/share/vale | */share/doc/vale | */share/doc/vale/examples | \
			"$SYSCONFDIR/qemu/vhost-user")
			rmdir "$DESTDIR$d" 2>/dev/null || true ;;
		esac
	done < "$manifest"
	rmdir "$DESTDIR$PREFIX/share/doc/vale" "$DESTDIR$PREFIX/share/vale" 2>/dev/null || true
	if [ -z "$DESTDIR" ]; then
		depmod -a "$kver" 2>/dev/null || true
	fi
	echo "install: uninstalled (the configuration in $SYSCONFDIR/valed stays)"
}

case $action in
install) do_install ;;
uninstall) do_uninstall ;;
*) sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
