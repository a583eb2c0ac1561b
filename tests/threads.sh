#!/usr/bin/env bash
# tests/threads.sh TOOL [TSAN_TOOL] - `--threads N` gives the records of one
# thread.
#
# For every capture in captures/ (and some of ../shared/captures):
#   - the records with --threads 2 and 4, sorted, equal those of one thread,
#     byte for byte (uids included);
#   - two runs with --threads 2 write the same lines in the same order (the
#     writer orders records by the packet that ended their session);
#   - the final stats record counts the same packets, flows, sessions,
#     states and errors as one thread's.
# With TSAN_TOOL (a ThreadSanitizer build), --threads 3 runs on the same
# captures with no report from ThreadSanitizer.
set -u
TOOL=${1:?usage: tests/threads.sh TOOL [TSAN_TOOL]}
TSAN=${2:-}
cd "$(dirname "$0")/.." || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
check() { # name status
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else
        fail=$((fail + 1))
        echo "FAIL: $1"
    fi
}

# The stats record's counters that do not depend on threads or timing.
stats_counts() {
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "stats" and r.get("final"):
        keep = {k: r[k] for k in ("packets", "bytes", "flows", "flows_created", "flows_evicted", "sessions", "records") if k in r}
        for k in ("states", "errors"):
            keep[k] = r.get(k)
        print(json.dumps(keep, sort_keys=True))
' "$1"
}

captures=(captures/*.pcap captures/*.pcapng)
if [ -d ../shared/captures ]; then
    # The shared captures with the most TLS in them, a few of each source.
    while IFS= read -r f; do captures+=("$f"); done < <(
        find ../shared/captures \( -name '*.pcap' -o -name '*.pcapng' \) -size +20k |
            sort | awk 'NR % 8 == 0' | head -24)
fi

for f in "${captures[@]}"; do
    [ -f "$f" ] || continue
    "$TOOL" -r "$f" 2>/dev/null | sort >"$work/one"
    for n in 2 4; do
        "$TOOL" --threads "$n" -r "$f" 2>/dev/null >"$work/n$n"
        sort "$work/n$n" | cmp -s - "$work/one"
        check "$f: --threads $n records differ from one thread's" $?
    done
    "$TOOL" --threads 2 -r "$f" 2>/dev/null | cmp -s - "$work/n2"
    check "$f: two runs of --threads 2 wrote lines in different orders" $?
done

# Stats: the same sums from the workers as from one thread.
for f in captures/tls13-*.pcap captures/midstream*.pcap; do
    [ -f "$f" ] || continue
    "$TOOL" --stats-interval 1 -r "$f" 2>/dev/null >"$work/s1"
    "$TOOL" --stats-interval 1 --threads 3 -r "$f" 2>/dev/null >"$work/s3"
    a=$(stats_counts "$work/s1")
    b=$(stats_counts "$work/s3")
    [ -n "$a" ] && [ "$a" = "$b" ]
    check "$f: final stats record differs with --threads 3: $a / $b" $?
done

if [ -n "$TSAN" ]; then
    for f in "${captures[@]}"; do
        [ -f "$f" ] || continue
        TSAN_OPTIONS="report_signal_unsafe=0 exitcode=66" "$TSAN" --threads 3 \
            --stats-interval 1 -r "$f" >/dev/null 2>"$work/tsan"
        ! grep -q ThreadSanitizer "$work/tsan"
        st=$?
        [ $st -eq 0 ] || head -30 "$work/tsan"
        check "$f: ThreadSanitizer report with --threads 3" $st
    done
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
