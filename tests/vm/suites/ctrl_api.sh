# The netmap control API answers as upstream's ctrl-api-test expects on ports that
# need no tap device (ephemeral and persistent VALE ports, pipes, null ports, legacy
# NIOCREGIF/NIOCGINFO, option lists, the mmap layout of netmap_if and rings), and
# vale-ctl drives it with upstream's flags, messages and exit status (integration
# tests 009-011); nothing is left behind: the module unloads without leaks.
# timeout: 120
# mem: 1024

t "insmod netmap.ko" load_netmap
tap nm_ctrl_api

t "vale-ctl -n creates a persistent port" vale-ctl -n nmvc0
t "vale-ctl -a attaches it to vale7" vale-ctl -a vale7:nmvc0
t "vale-ctl -l NAME prints bridge_idx, port_idx and the counters" \
	sh -c 'vale-ctl -l vale7:nmvc0 > /tmp/vc.out &&
		grep -q "^bridge_idx: [0-9]" /tmp/vc.out &&
		grep -q "^port_idx: *[0-9]" /tmp/vc.out &&
		grep -q "^rx_pkts: *[0-9]" /tmp/vc.out &&
		grep -q "^drop_hdr: *[0-9]" /tmp/vc.out'
t "vale-ctl -l lists the port as 'NAME bridge_idx B port_idx P ...'" \
	sh -c 'vale-ctl -l | grep -q "^vale7:nmvc0 bridge_idx [0-9]* port_idx [0-9]*"'
t "vale-ctl -l shows the port's counters after the upstream fields" \
	sh -c 'vale-ctl -l | grep -q "^vale7:nmvc0 bridge_idx [0-9]* port_idx [0-9]* rx_pkts [0-9]* rx_bytes [0-9]* tx_pkts [0-9]* tx_bytes [0-9]* drop_noroom [0-9]* drop_badslot [0-9]* drop_hdr [0-9]*$"'
t "vale-ctl -l | awk '{print \$1}' yields port names only" \
	sh -c 'vale-ctl -l | awk "{print \$1}" > /tmp/vc.out &&
		grep -qx "vale7:nmvc0" /tmp/vc.out && ! grep -qv "^vale[A-Za-z0-9_]*:" /tmp/vc.out'
t "vale-ctl without arguments lists the port and exits 1" \
	sh -c 'vale-ctl > /tmp/vc.out; rc=$?; [ $rc = 1 ] && grep -q "^vale7:nmvc0 " /tmp/vc.out'
t_fails "vale-ctl -a of an attached port fails (010)" vale-ctl -a vale7:nmvc0
t "vale-ctl -a to a second bridge succeeds (010)" vale-ctl -a vale8:nmvc0
t_fails "vale-ctl -d from the first bridge fails while in a second (009)" \
	vale-ctl -d vale7:nmvc0
t "vale-ctl -d from the second bridge" vale-ctl -d vale8:nmvc0
t_fails "vale-ctl -r fails while the port is attached (009)" vale-ctl -r nmvc0
t "vale-ctl -r failure reads 'failed to remove NAME: strerror'" \
	sh -c '[ "$(vale-ctl -r nmvc0 2>&1)" = "failed to remove nmvc0: Device or resource busy" ]'
t_fails "vale-ctl -n of an existing port fails (011)" vale-ctl -n nmvc0
t "vale-ctl -n failure reads 'failed to create NAME: strerror'" \
	sh -c '[ "$(vale-ctl -n nmvc0 2>&1)" = "failed to create nmvc0: File exists" ]'
t "vale-ctl -d detaches" vale-ctl -d vale7:nmvc0
t "vale-ctl -r removes the port" vale-ctl -r nmvc0
t "the interface is gone" sh -c '! test -e /sys/class/net/nmvc0'
t "vale-ctl -l of a missing port prints port_idx 255" \
	sh -c 'vale-ctl -n nmvc1 && vale-ctl -a vale7:nmvc1 &&
		vale-ctl -l vale7:nosuch | grep -q "^port_idx: *255$";
		rc=$?; vale-ctl -d vale7:nmvc1; vale-ctl -r nmvc1; exit $rc'
t "vale-ctl -n -C 256,128,2,3 -v reports the geometry" \
	sh -c 'vale-ctl -v -n nmvc2 -C 256,128,2,3 > /tmp/vc.out; rc=$?; vale-ctl -r nmvc2;
		[ $rc = 0 ] && grep -q "^tx_slots: *256$" /tmp/vc.out &&
		grep -q "^rx_slots: *128$" /tmp/vc.out'
t "vale-ctl -g prints the geometry of a VALE port" \
	sh -c 'vale-ctl -g vale7:g0 > /tmp/vc.out && grep -q "^memsize: *[1-9]" /tmp/vc.out &&
		grep -q "^tx_slots: *1024$" /tmp/vc.out'
t_fails "vale-ctl -p on a missing port fails" vale-ctl -p vale7:nosuch -C 0,0
t "vale-ctl --help exits 0" vale-ctl --help
t_fails "vale-ctl with a bad flag exits 1" vale-ctl -x
t "no port is left" sh -c '[ -z "$(vale-ctl -l)" ]'
t "rmmod netmap" rmmod netmap
t "unload reported no leaked allocations" sh -c '! dmesg | grep -q "leaked"'
