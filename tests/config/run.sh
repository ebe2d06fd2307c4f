#!/bin/bash
# Configuration corpus: runs "valed check" on every case and prints TAP.
#
#   valid/NAME.json      must print "valid/NAME.json: OK" and exit 0
#   invalid/NAME.json    must print exactly invalid/NAME.err on stderr,
#                        nothing on stdout, and exit 1
#
# Cases run from this directory, so FILE in the messages is the relative
# path above. The shipped examples (config/) must be valid too, and the
# command line's other promises (exit codes, --version) are checked here.
#
# When python3 has the jsonschema module, config/valed.schema.json must be
# a valid draft 2020-12 schema that accepts every valid case and rejects
# every invalid one, except the cases that no schema can catch: syntax-*
# (not JSON), dup-* (duplicate keys, invisible once parsed) and conflict-*
# (values used twice across objects).
#
# Usage: tests/config/run.sh [VALED]   (default build/valed/valed)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
valed=${1:-build/valed/valed}
case $valed in /*) ;; *) valed=$top/$valed ;; esac
cd "$top/tests/config" || exit 1

n=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - config: $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - config: $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/# /'
	return 0
}

# Schema verdicts, one "PASS file" or "FAIL file" line each, in one run.
schema=
if python3 -c 'import jsonschema' 2>/dev/null; then
	schema=$tmp/schema
	python3 - "$top/config/valed.schema.json" valid/*.json invalid/*.json \
		"$top"/config/valed.example.json "$top"/config/examples/*.json \
		> "$schema" 2> "$tmp/schema.err" <<'PY'
import json, sys
import jsonschema
s = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(s)
v = jsonschema.Draft202012Validator(s)
for f in sys.argv[2:]:
    try:
        doc = json.load(open(f, encoding="utf-8"))
        good = v.is_valid(doc)
    except Exception:
        good = False
    print(("PASS " if good else "FAIL ") + f)
PY
	if [ -s "$tmp/schema.err" ] || [ ! -s "$schema" ]; then
		not_ok "config/valed.schema.json is a valid draft 2020-12 schema" \
			"$(cat "$tmp/schema.err")"
		schema=
	else
		ok "config/valed.schema.json is a valid draft 2020-12 schema"
	fi
else
	n=$((n + 1))
	echo "ok $n - config: schema checks # SKIP python3 jsonschema module not installed"
fi

verdict() { [ -n "$schema" ] && grep -qx "$1 $2" "$schema"; }

for f in valid/*.json "$top"/config/valed.example.json "$top"/config/examples/*.json; do
	name=${f#"$top"/}
	out=$("$valed" check "$f" 2>"$tmp/err"); rc=$?
	if [ $rc != 0 ] || [ "$out" != "$f: OK" ] || [ -s "$tmp/err" ]; then
		not_ok "$name" "exit $rc" "$out" "$(cat "$tmp/err")"
	elif [ -n "$schema" ] && ! verdict PASS "$f"; then
		not_ok "$name" "valid, but config/valed.schema.json rejects it"
	else
		ok "$name"
	fi
done

for f in invalid/*.json; do
	want=${f%.json}.err
	if [ ! -f "$want" ]; then
		not_ok "$f" "no $want"
		continue
	fi
	"$valed" check "$f" > "$tmp/out" 2> "$tmp/err"; rc=$?
	if [ $rc != 1 ] || [ -s "$tmp/out" ] || ! cmp -s "$want" "$tmp/err"; then
		not_ok "$f" "exit $rc (expected 1)" "$(cat "$tmp/out")" \
			"$(diff "$want" "$tmp/err")"
		continue
	fi
	base=${f#invalid/}
	case $base in
	syntax-*|dup-*|conflict-*) ok "$f" ;;
	*)
		if [ -n "$schema" ] && ! verdict FAIL "$f"; then
			not_ok "$f" "config/valed.schema.json accepts it"
		else
			ok "$f"
		fi ;;
	esac
done

# Every expected output belongs to a case.
for e in invalid/*.err; do
	[ -f "${e%.err}.json" ] || not_ok "$e" "no ${e%.err}.json for it"
done

# plan/NAME.old.json + NAME.new.json -> NAME.out, and back: NAME.out read
# bottom-up with each action inverted (the rollback).
for o in plan/*.out; do
	p=${o%.out}
	"$valed" plan "$p.old.json" "$p.new.json" > "$tmp/out" 2> "$tmp/err"; rc=$?
	if [ $rc != 0 ] || [ -s "$tmp/err" ] || ! cmp -s "$o" "$tmp/out"; then
		not_ok "valed plan $p" "exit $rc" "$(cat "$tmp/err")" "$(diff "$o" "$tmp/out")"
		continue
	fi
	"$valed" plan "$p.new.json" "$p.old.json" > "$tmp/back" 2>&1
	tac "$o" | sed -e 's/^vhost-stop /X/;s/^vhost-start /vhost-stop /;s/^X/vhost-start /' \
		-e 's/^uplink-detach /X/;s/^uplink-attach /uplink-detach /;s/^X/uplink-attach /' \
		-e 's/^persistent-detach /X/;s/^persistent-attach /persistent-detach /;s/^X/persistent-attach /' \
		-e 's/^persistent-delete /X/;s/^persistent-create /persistent-delete /;s/^X/persistent-create /' \
		-e 's/^switch-remove /X/;s/^switch-add /switch-remove /;s/^X/switch-add /' > "$tmp/inv"
	if cmp -s "$tmp/inv" "$tmp/back"; then
		ok "valed plan $p, and back"
	else
		not_ok "valed plan $p, and back" "$(diff "$tmp/inv" "$tmp/back")"
	fi
done

# The command line.
# cmd NAME WANT_RC WANT_STDOUT WANT_STDERR ARGS...: exact outputs.
cmd() {
	local name=$1 rc=$2 out=$3 err=$4 got_rc
	shift 4
	"$valed" "$@" > "$tmp/out" 2> "$tmp/err"; got_rc=$?
	if [ "$got_rc" = "$rc" ] && [ "$(cat "$tmp/out")" = "$out" ] &&
	   [ "$(cat "$tmp/err")" = "$err" ]; then
		ok "valed $name"
	else
		not_ok "valed $name" "exit $got_rc (expected $rc)" "stdout: $(cat "$tmp/out")" \
			"stderr: $(cat "$tmp/err")"
	fi
}
cmd "--version" 0 "valed $(cat "$top/valed/VERSION")" "" --version
cmd "-V" 0 "valed $(cat "$top/valed/VERSION")" "" -V
cmd "check of a missing file" 1 "" "missing.json: cannot read: No such file or directory" \
	check missing.json
cmd "check of a directory" 1 "" "valid: cannot read: not a regular file" check valid
cmd "check with two files" 2 "" "valed check: too many arguments (expected at most one FILE)" \
	check valid/minimal.json valid/full.json
cmd "check with an unknown option" 2 "" "valed check: unknown option '-q'" check -q valid/minimal.json
cmd "check -- FILE" 0 "valid/minimal.json: OK" "" check -- valid/minimal.json
cmd "plan with one file" 2 "" "valed plan: expected two files, OLD and NEW" plan valid/minimal.json
cmd "plan with an invalid file" 1 "" "$(cat invalid/range-queues-zero.err)" \
	plan valid/minimal.json invalid/range-queues-zero.json
cmd "unknown command" 2 "" "valed: unknown command 'frobnicate'
Try 'valed --help'." frobnicate
cmd "unknown option" 2 "" "valed: unknown option '--frobnicate'
Try 'valed --help'." --frobnicate
# The daemon's commands, where they need no kernel: a start with a bad file
# creates nothing and says why, exactly as check would; clients without a
# daemon say so.
# (start names the file by its absolute path: the one it will reload.)
cmd "start with an invalid file: check's errors, exit 1" 1 "" "$PWD/$(cat invalid/range-queues-zero.err)" \
	start --config invalid/range-queues-zero.json
cmd "start with a missing file" 1 "" "$PWD/missing.json: cannot read: No such file or directory" \
	start --config missing.json
cmd "status without a daemon" 1 "" "valed is not running (no control socket at $tmp/none.sock)" \
	status --socket "$tmp/none.sock"
cmd "reload without a daemon" 1 "" "valed is not running (no control socket at $tmp/none.sock)" \
	reload --socket "$tmp/none.sock"
cmd "port without add or del: usage" 2 "" "Usage: valed port add SWITCH PORT-JSON
       valed port del SWITCH NAME" port
"$valed" --help > "$tmp/out" 2>&1; rc=$?
if [ $rc = 0 ] && grep -q '^Usage: valed COMMAND' "$tmp/out" &&
   grep -q '^  check \[FILE\]' "$tmp/out"; then
	ok "valed --help"
else
	not_ok "valed --help" "exit $rc" "$(cat "$tmp/out")"
fi
"$valed" > "$tmp/out" 2> "$tmp/err"; rc=$?
if [ $rc = 2 ] && [ ! -s "$tmp/out" ] && grep -q '^Usage: valed' "$tmp/err"; then
	ok "valed without a command"
else
	not_ok "valed without a command" "exit $rc"
fi

echo "1..$n"
[ $failed = 0 ]
