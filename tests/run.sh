#!/bin/bash
# tests/run.sh - every test of tlsglass, as `make test` runs it (the
# Makefile builds the sanitizer binaries first). Prints each stage with its
# time and a closing "N passed, M failed" line over all stages; exits
# non-zero if any stage failed. The stages that compare with tshark share
# one tshark run per capture (tests/tshark_cache.py) through a cache
# directory made here and removed at exit.
set -u
cd "$(dirname "$0")/.."
TOOL=build/asan/tlsglass
SHARED=../shared/captures
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

records=$(mktemp)
TG_TSHARK_CACHE=$(mktemp -d)
export TG_TSHARK_CACHE
trap 'rm -rf "$records" "$TG_TSHARK_CACHE"' EXIT

passed=0
failed=0
stage() { # name command...: runs a stage, counts it
    local name=$1 start=$SECONDS
    shift
    echo "== $name"
    if "$@"; then
        passed=$((passed + 1))
    else
        echo "!! stage failed: $name"
        failed=$((failed + 1))
    fi
    echo "   ($((SECONDS - start)) s)"
}

runnable() { [ -f "$1" ] && [ -x "$1" ] && case "$1" in *.o | *.d) false ;; esac; }
for t in build/asan/tests/test_*; do
    runnable "$t" && stage "unit $(basename "$t")" "$t"
done
for t in build/asan/fuzz/fuzz_*; do
    runnable "$t" || continue
    n=$(basename "$t")
    extra=()
    [ "$n" = fuzz_pipeline ] && extra=(captures) # our captures seed the pipeline
    stage "replay $n" "$t" "fuzz/corpus/$n" "fuzz/regressions/$n" "${extra[@]}"
done
stage "command line" tests/cli.sh "$TOOL"
stage "live capture (netns)" tests/live.sh "$TOOL"
stage "--threads: same records, ThreadSanitizer" tests/threads.sh "$TOOL" build/tsan/tlsglass
stage "adversarial captures (small)" tests/adversarial.sh "$TOOL" small
stage "scenarios (captures/)" python3 tests/scenarios.py "$TOOL" captures
stage "tshark agreement (captures/)" python3 tests/conformance.py "$TOOL" captures

for f in captures/*.pcap captures/*.pcapng; do
    "$TOOL" -r "$f" 2>/dev/null
done >"$records"
if [ -d "$SHARED" ]; then
    stage "conformance ($SHARED)" python3 tests/conformance.py "$TOOL" "$SHARED"
    stage "nDPI app_protocol vs .ndpi.out" python3 tests/ndpi_check.py "$TOOL"
    stage "zeek ssl.log baselines" python3 tests/zeek_check.py "$TOOL" "$SHARED"
    stage "fingerprints vs tshark and published outputs" python3 tests/fingerprints.py "$TOOL"
    stage "tshark field by field (captures/ and $SHARED)" python3 tests/tshark_diff.py "$TOOL"
    tail -n +2 "$SHARED/index.tsv" | cut -f1 | while read -r f; do
        "$TOOL" -r "$SHARED/$f" 2>/dev/null
    done >>"$records"
else
    echo "== conformance: $SHARED not found, skipped (CI has it)"
    stage "tshark field by field (captures/)" python3 tests/tshark_diff.py "$TOOL" captures
fi
stage "schema ($(wc -l <"$records") records)" \
    python3 tests/validate_records.py docs/session-v1.schema.json "$records"

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
