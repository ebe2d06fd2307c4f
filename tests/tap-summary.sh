#!/bin/bash
# Pass TAP through and end with one line "N passed, N failed"; exit non-zero if
# anything failed or nothing ran.
pass=0 fail=0
while IFS= read -r line; do
	printf '%s\n' "$line"
	case $line in
	"ok "*) pass=$((pass + 1)) ;;
	"not ok "*) fail=$((fail + 1)) ;;
	esac
done
echo "$pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
