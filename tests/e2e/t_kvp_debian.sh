#!/bin/bash
# KVP with Debian's hv_kvp_daemon (package hyperv-daemons) in place of hvis-kvpd: the
# same checks as t_kvp, against the same /dev/vmbus/hv_kvp ABI.
KVP_DAEMON=debian exec "$(dirname "$0")/t_kvp.sh" "$@"
