#!/bin/bash
# Host-side step of the demo ("# prepare:"): the saved inner guest of
# tests/vm/nested/prepare.sh, plus the files the demo shows working as they
# ship: valed's demo configuration and valed's unit (its ExecStart line is
# how the demo starts valed).
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
"$top/tests/vm/nested/prepare.sh" "$1"
cp "$top/config/examples/demo.json" "$1/demo.json"
sed -e 's|@PREFIX@|/usr/local|g' -e 's|@SYSCONFDIR@|/etc|g' \
	"$top/config/valed.service.in" > "$1/valed.service"
