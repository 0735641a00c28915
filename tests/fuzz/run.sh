#!/bin/sh
# Run libFuzzer targets (built by `make fuzz` into BUILD_DIR/fuzz_NAME) for
# $FUZZ_SECONDS each, starting from tests/fuzz/corpus/NAME/. New inputs go
# to BUILD_DIR/new/NAME/; a minimal set covering the corpus and them is
# computed (libFuzzer -merge=1 into an empty directory), and its files at
# most $FUZZ_KEEP_BYTES long not yet in the committed corpus are added,
# the smallest first, at most $FUZZ_KEEP_FILES (default 50) per run. The run
# goes on after a crash (-fork=1 -ignore_crashes=1); crash, leak, timeout
# and OOM reproducers land in BUILD_DIR/crashes/NAME/. Prints one line per
# target: executions, corpus growth, crashes. Exits 1 if any target crashed.
# Usage: sh tests/fuzz/run.sh BUILD_DIR TARGET...
set -u
b=$1
shift
secs=${FUZZ_SECONDS:-60}
keep=${FUZZ_KEEP_BYTES:-4096}
keepmax=${FUZZ_KEEP_FILES:-50}
summary=""
status=0
for t in "$@"; do
	corpus=tests/fuzz/corpus/$t
	new=$b/new/$t
	crashes=$b/crashes/$t
	mkdir -p "$new" "$crashes" "$corpus"
	before=$(ls "$corpus" | wc -l)
	log=$b/fuzz-$t.log
	case $t in
	pgcopy|odbc) maxlen=65536 ;;
	*) maxlen=4096 ;;
	esac
	echo "fuzz $t: $secs s ..."
	"$b/fuzz_$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$secs" -max_len=$maxlen -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" "$new" "$corpus" > "$log" 2>&1
	# fork mode: "#EXECS: cov: N ft: N corp: N/NB exec/s: N oom/timeout/crash: a/b/c time: Ns"
	last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)
	execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	otc=$(echo "$last" | sed -n 's/.*oom\/timeout\/crash: \([0-9/]*\).*/\1/p')
	# keep what adds coverage and is small: a minimal covering set of the
	# corpus and the new inputs (libFuzzer's merge into an empty directory),
	# of which the files not already committed are added (named by SHA-1)
	find "$new" -type f -size +"${keep}"c -delete
	rm -rf "$b/min/$t"
	mkdir -p "$b/min/$t"
	"$b/fuzz_$t" -merge=1 -max_len=$maxlen "$b/min/$t" "$corpus" "$new" > "$b/merge-$t.log" 2>&1
		added=0
	for f in $(ls -S -r "$b/min/$t"); do
		f=$b/min/$t/$f
		[ -f "$f" ] || continue
		[ "$(wc -c < "$f")" -le "$keep" ] || continue
		[ "$added" -lt "$keepmax" ] || break
		sum=$(sha1sum < "$f" | cut -d' ' -f1)
		for g in "$corpus"/*; do
			if cmp -s "$f" "$g"; then sum=; break; fi
		done
		if [ -n "$sum" ]; then
			cp "$f" "$corpus/$sum"
			added=$((added + 1))
		fi
	done
	after=$(ls "$corpus" | wc -l)
	found=$(ls "$crashes" | wc -l)
	[ "$found" -gt 0 ] && status=1
	line="fuzz $t: ${execs:-?} executions in $secs s, coverage ${cov:-?}, corpus $before -> $after, oom/timeout/crash ${otc:-?}, $found reproducer(s) in $crashes"
	echo "$line"
	summary="$summary$line
"
done
echo "---- fuzz summary"
printf '%s' "$summary"
exit $status
