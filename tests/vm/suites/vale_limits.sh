# VALE limits. One switch takes 252 ports: the 253rd is refused with ENOMEM
# (netmap-abi.md 6.1: refused when active_ports + 2 >= 254), whatever asks for
# it (REGISTER of an ephemeral port, PORT_INFO_GET, pkt-gen, VALE_ATTACH of a
# persistent port), other switches are unaffected, and a freed port index is
# reused. The module parameter max_bridges (default 64) bounds the switches:
# with 64 in use a port on a 65th is refused with ENOMEM while an existing
# switch still takes ports; loaded with max_bridges=128 the bound is 128.
# Afterwards no port is left, live_allocs is back to its value before, and the
# module unloads. Ports have 8-slot rings and share allocators ten by ten
# (nm_vale_ports -g 10), which keeps 252 ports in about 250 MB.
# timeout: 90
# mem: 1024

P=/sys/module/netmap/parameters

t "insmod netmap.ko" load_netmap
t "max_bridges is 64 by default" sh -c "[ \"\$(cat $P/max_bridges)\" = 64 ]"
before=$(cat $P/live_allocs)
diag "live_allocs before: $before"

# --- ports per switch ---
nm_vale_ports open -g 10 -r -H 'vale1:p%d' > /tmp/lim.out 2>&1 &
holder=$!
t "252 ephemeral ports open on vale1" wait_for /tmp/lim.out '^ready$' 60
grep -v '^alloc' /tmp/lim.out | sed 's/^/# /'
t "exactly 252 ports were accepted before the first refusal" grep -qx 'opened 252' /tmp/lim.out
t "the 253rd port (REGISTER) is refused with ENOMEM" \
	grep -qx 'refused vale1:p252 errno 12 (Cannot allocate memory)' /tmp/lim.out
t "after one port closed, the refused name opens" grep -qx 'retry ok' /tmp/lim.out
t "vale-ctl -l lists 252 ports of vale1" sh -c '[ "$(vale-ctl -l | grep -c "^vale1:")" = 252 ]'
t "the new port took the freed index 0" sh -c 'vale-ctl -l vale1:p252 | grep -q "^port_idx: *0$"'
t "port indices are 0..251, each once" \
	sh -c '[ "$(vale-ctl -l | sed -n "s/^vale1:[^ ]* bridge_idx [0-9]* port_idx \([0-9]*\).*/\1/p" | sort -n | uniq | tr "\n" " ")" = "$(seq 0 251 | tr "\n" " ")" ]'
t "PORT_INFO_GET of a new port on the full switch fails with ENOMEM" \
	sh -c '[ "$(vale-ctl -g vale1:extra 2>&1)" = "failed to obtain info for vale1:extra: Cannot allocate memory" ]'
t "pkt-gen cannot open a new port on the full switch" \
	sh -c 'pkt-gen -i vale1:extra -f rx -n 1 > /tmp/pg.out 2>&1; rc=$?; cat /tmp/pg.out;
		[ $rc = 1 ] && grep -q "cannot open vale1:extra: Cannot allocate memory" /tmp/pg.out'
t "vale-ctl -n lim0" vale-ctl -n lim0
t "attaching a persistent port to the full switch fails with ENOMEM" \
	sh -c '[ "$(vale-ctl -a vale1:lim0 2>&1)" = "failed to attach vale1:lim0: Cannot allocate memory" ]'
t "another switch still takes the persistent port" vale-ctl -a vale2:lim0
t "and a new ephemeral port" sh -c 'vale-ctl -g vale2:eph | grep -q "^tx_slots: *1024$"'
t "vale-ctl -d vale2:lim0" vale-ctl -d vale2:lim0
kill -TERM $holder
wait $holder
t "the holder closed its ports" grep -qx 'closed' /tmp/lim.out
t "no port is left" sh -c '[ -z "$(vale-ctl -l)" ]'

# --- switches (max_bridges) ---
nm_vale_ports open -g 10 -r -H 'vale%d:b' > /tmp/br.out 2>&1 &
holder=$!
t "one port on each of 64 switches" wait_for /tmp/br.out '^ready$' 60
grep -v '^alloc' /tmp/br.out | sed 's/^/# /'
t "exactly 64 switches were made before the first refusal" grep -qx 'opened 64' /tmp/br.out
t "a port on a 65th switch is refused with ENOMEM" \
	grep -qx 'refused vale64:b errno 12 (Cannot allocate memory)' /tmp/br.out
t "once a switch is empty, a new switch can be made" grep -qx 'retry ok' /tmp/br.out
t "vale-ctl -l shows 64 switches" \
	sh -c '[ "$(vale-ctl -l | cut -d: -f1 | sort -u | wc -l)" = 64 ]'
t "attaching to a 65th switch fails with ENOMEM" \
	sh -c '[ "$(vale-ctl -a vale_x:lim0 2>&1)" = "failed to attach vale_x:lim0: Cannot allocate memory" ]'
t "PORT_INFO_GET on a 65th switch fails with ENOMEM" \
	sh -c '[ "$(vale-ctl -g vale_x:eph 2>&1)" = "failed to obtain info for vale_x:eph: Cannot allocate memory" ]'
t "an existing switch still takes a second port" vale-ctl -a vale1:lim0
t "vale-ctl -d vale1:lim0" vale-ctl -d vale1:lim0
kill -TERM $holder
wait $holder
t "the holder closed its ports" grep -qx 'closed' /tmp/br.out
t "no port is left" sh -c '[ -z "$(vale-ctl -l)" ]'
t "vale-ctl -r lim0" vale-ctl -r lim0
after=$(cat $P/live_allocs)
t "live_allocs is back to $before (now $after)" [ "$after" = "$before" ]
t "rmmod netmap" rmmod netmap

# --- max_bridges=128 ---
t "insmod netmap.ko max_bridges=128" load_netmap max_bridges=128
t "max_bridges reads 128" sh -c "[ \"\$(cat $P/max_bridges)\" = 128 ]"
nm_vale_ports open -g 10 'vale%d:b' > /tmp/br2.out 2>&1
grep -v '^alloc' /tmp/br2.out | sed 's/^/# /'
t "128 switches take a port each" grep -qx 'opened 128' /tmp/br2.out
t "a port on a 129th switch is refused with ENOMEM" \
	grep -qx 'refused vale128:b errno 12 (Cannot allocate memory)' /tmp/br2.out
t "no port is left" sh -c '[ -z "$(vale-ctl -l)" ]'
t "rmmod netmap" rmmod netmap
