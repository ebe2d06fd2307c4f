#!/bin/bash
# Host-side step of the valed_libvirt suite ("# prepare:"): the files it proves
# as they ship, copied untouched: the domain examples of config/libvirt/ and
# docs/libvirt.md (the suite runs valed from the valed.json fragment the page
# shows, and applies to the examples the TCG override the page shows).
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
cp "$top"/config/libvirt/*.xml "$1/"
cp "$top/docs/libvirt.md" "$1/libvirt.md"
