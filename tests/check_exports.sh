#!/bin/sh
# Every plugin exports exactly one dynamic symbol, its descriptor:
# kv_connector_plugin for build/connectors/*.so, kv_indicator_plugin for
# build/indicators/*.so. Anything else visible could clash between plugins or
# tempt someone to call into a plugin behind the ABI's back.
status=0
count=0
for so in "$@"; do
	case "$so" in
	*/connectors/*) want=kv_connector_plugin ;;
	*/indicators/*) want=kv_indicator_plugin ;;
	*) echo "check-exports: $so is neither a connector nor an indicator" >&2; status=1; continue ;;
	esac
	got=$(nm -D --defined-only "$so" | awk '{print $3}' | sort | tr '\n' ' ')
	if [ "$got" != "$want " ]; then
		echo "check-exports: FAIL $so exports [${got% }], expected only [$want]" >&2
		status=1
	fi
	count=$((count + 1))
done
echo "check-exports: $count plugin(s) checked"
exit $status
