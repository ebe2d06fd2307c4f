#!/bin/bash
# make install / make uninstall into a staging root: every piece lands where the
# docs say, the vhost-user descriptor names the installed back-end, the
# manifest lists what was written, uninstall removes exactly that and keeps the
# operator's configuration (also when it was edited), and a second install
# does not overwrite it. Prints TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
n=0 failed=0
check() {	# check NAME CMD...
	n=$((n + 1))
	if "${@:2}" > "$d/out" 2>&1; then
		echo "ok $n - install: $1"
	else
		echo "not ok $n - install: $1"
		sed 's/^/# /' "$d/out" | tail -15
		failed=1
	fi
}
root=$d/root
kver=$(cat build/kernels/series-6.1)
inst() { DESTDIR=$root PREFIX=/usr/local KVER=$kver scripts/install.sh "$@"; }

check "make install into DESTDIR succeeds" inst install
for f in /lib/modules/$kver/updates/netmap.ko /usr/local/bin/vale-ctl /usr/local/bin/pkt-gen \
	/usr/local/libexec/vale-vhost /etc/qemu/vhost-user/50-vale-vhost.json \
	/usr/local/share/man/man8/vale-ctl.8 /usr/local/share/man/man8/vale-vhost.8 \
	/etc/valed/valed.json /usr/local/share/vale/MANIFEST; do
	check "installs $f" test -s "$root$f"
done
for f in /usr/local/sbin/valed /etc/systemd/system/valed.service \
	/usr/local/share/man/man8/valed.8 /usr/local/share/man/man5/valed.json.5 \
	/usr/local/share/vale/valed.schema.json /usr/local/share/doc/vale/examples/demo.json \
	/usr/local/share/doc/vale/examples/vm1-valed-server.xml /usr/local/share/doc/vale/libvirt.md; do
	check "installs $f" test -s "$root$f"
done
check "the installed configuration is valid and creates nothing" sh -c "
	'$root/usr/local/sbin/valed' check '$root/etc/valed/valed.json' &&
	grep -q '\"switches\": \[\]' '$root/etc/valed/valed.json'"
check "the unit runs the installed valed with the installed configuration" \
	grep -q '^ExecStart=/usr/local/sbin/valed start --config /etc/valed/valed.json$' \
	"$root/etc/systemd/system/valed.service"
# systemd-analyze verify checks the unit's syntax, its directives and that its
# programs exist: point it at the staged ones.
check "systemd-analyze verify passes on the unit" sh -c "
	sed 's|/usr/local/sbin/valed|$root/usr/local/sbin/valed|g' \
		'$root/etc/systemd/system/valed.service' > '$d/valed.service' &&
	systemd-analyze verify --man=no '$d/valed.service' 2>&1 | tee '$d/verify' &&
	! grep -q . '$d/verify'"
check "the module is the one built for $kver" \
	sh -c "modinfo -F vermagic '$root/lib/modules/$kver/updates/netmap.ko' | grep -q '^$kver '"
check "programs are executable" test -x "$root/usr/local/bin/vale-ctl" -a -x "$root/usr/local/libexec/vale-vhost"
check "the vhost-user descriptor names the installed vale-vhost" \
	grep -q '"binary": "/usr/local/libexec/vale-vhost"' "$root/etc/qemu/vhost-user/50-vale-vhost.json"
check "the installed vale-vhost answers --print-capabilities" \
	sh -c "'$root/usr/local/libexec/vale-vhost' --print-capabilities | grep -q '\"net\"'"
# badmac MAC WORDS: vale-vhost refuses --mac MAC before doing anything, with
# a message naming the value and saying why.
badmac() {
	"$root/usr/local/libexec/vale-vhost" --socket-path "$d/never.sock" --port vale0:x \
		--mac "$1" > "$d/mac.out" 2>&1
	rc=$?
	cat "$d/mac.out"
	[ $rc -ne 0 ] && grep -q -- "--mac $1: $2" "$d/mac.out" && [ ! -e "$d/never.sock" ]
}
check "vale-vhost refuses --mac 02:00:00:00:00 (too short)" badmac 02:00:00:00:00 "not a MAC address"
check "vale-vhost refuses --mac 02:00:00:00:00:0g" badmac 02:00:00:00:00:0g "not a MAC address"
check "vale-vhost refuses a multicast --mac" badmac 01:00:5e:00:00:01 "a multicast address"
check "vale-vhost refuses the broadcast --mac" badmac ff:ff:ff:ff:ff:ff "a multicast address"
check "vale-vhost refuses the all-zero --mac" badmac 00:00:00:00:00:00 "the all-zero address"
# badopt WORDS ARGS...: vale-vhost refuses ARGS before doing anything, saying WORDS.
badopt() {
	_w=$1
	shift
	"$root/usr/local/libexec/vale-vhost" --socket-path "$d/never.sock" --port vale0:x \
		"$@" > "$d/opt.out" 2>&1
	rc=$?
	cat "$d/opt.out"
	[ $rc -ne 0 ] && grep -q -- "$_w" "$d/opt.out" && [ ! -e "$d/never.sock" ]
}
check "vale-vhost refuses --coalesce-ms 0" badopt "--coalesce-ms 0: must be 1..100" --coalesce-ms 0
check "vale-vhost refuses --coalesce-ms 101" badopt "--coalesce-ms 101: must be 1..100" --coalesce-ms 101
check "vale-vhost refuses --coalesce-ms with --busy-poll" \
	badopt "exclude each other" --coalesce-ms 1 --busy-poll
check "the manifest lists every installed file and nothing else" sh -c "
	cd '$root' && find . -type f | sed 's|^\.||' | grep -v '^/etc/valed/valed.json$' | sort > '$d/found'
	sort '$root/usr/local/share/vale/MANIFEST' > '$d/listed'
	diff '$d/listed' '$d/found'"
echo '{"switches": [], "global": {"log_level": "debug"}}' > "$root/etc/valed/valed.json"
check "a second install keeps an edited configuration" sh -c "
	DESTDIR='$root' KVER='$kver' scripts/install.sh install >/dev/null &&
	grep -q debug '$root/etc/valed/valed.json'"
check "make uninstall succeeds" inst uninstall
check "uninstall leaves only the operator's configuration" sh -c "
	cd '$root' && left=\$(find . -type f | sed 's|^\.||') && echo \"\$left\" &&
	[ \"\$left\" = /etc/valed/valed.json ]"
check "uninstall with nothing installed fails and says so" sh -c "
	if DESTDIR='$root' KVER='$kver' scripts/install.sh uninstall 2> '$d/err'; then exit 1; fi
	cat '$d/err'; grep -q 'nothing installed' '$d/err'"
exit $failed
