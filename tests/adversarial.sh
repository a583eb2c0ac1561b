#!/bin/bash
# tests/adversarial.sh TLSGLASS [small|full] - the hostile captures of
# tests/adversarial.py against the resource caps (docs/limits.md).
#
# Each scenario is made at two sizes, S and 2S (small: 1/32 and 1/16 of the
# full size; full: 1/2 and 1), and read with --max-memory M (small 16M, full
# 256M) under /usr/bin/time -v (Debian package `time`). For every run:
#   - the exit status is 0, or 4 for a corrupt capture (main.c), and stderr
#     has no sanitizer report;
#   - a corrupt capture's message names the file and the packet number, and
#     every session before the damage has its record;
#   - every session has its record, the evicted ones with "evicted", and
#     the scenario's own findings are there (tests/adversarial.py check);
#   - peak RSS <= M + the allowance: the peak RSS of the same binary on
#     captures/tls12-openssl.pcap, one TLS session (binary, libraries, the
#     nDPI module, the trust store) + 16 MiB for what is not accounted (the
#     record being written, caches, malloc's slack); for a sanitizer build
#     also + M, for ASan's redzones and shadow memory (measured: under
#     ASan the accounted 16M took at most 18 MiB over the one-session run);
#   - CPU time (user + sys) of 2S is less than 3 times that of S.
# Prints one line per run and "N passed, M failed"; exits 1 on a failure.
set -u
cd "$(dirname "$0")/.."
TOOL=${1:-build/asan/tlsglass}
SIZE=${2:-small}
case $SIZE in
small) SCALES=(1/32 1/16) MEM=16M MEM_KB=$((16 * 1024)) ;;
full) SCALES=(1/2 1) MEM=256M MEM_KB=$((256 * 1024)) ;;
*)
    echo "usage: $0 TLSGLASS [small|full]" >&2
    exit 2
    ;;
esac
if [ ! -x /usr/bin/time ]; then
    echo "adversarial: /usr/bin/time is missing (apt-get install time)" >&2
    exit 2
fi
# A small quarantine: ASan's default keeps 256 MB of freed blocks, which
# would measure ASan, not tlsglass.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}:quarantine_size_mb=4:malloc_context_size=8"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
SANITIZED=0
if ldd "$TOOL" 2>/dev/null | grep -q libasan || nm "$TOOL" 2>/dev/null | grep -q __asan_init; then
    SANITIZED=1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "  FAIL $*"
}

# One run under /usr/bin/time: sets RSS_KB, CPU_S, WALL, STATUS.
measure() { # output stderr capture
    /usr/bin/time -v -o "$tmp/time" "$TOOL" --max-memory "$MEM" --stats-interval 31536000 \
        -r "$3" -w "$1" 2>"$2"
    STATUS=$?
    RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time")
    CPU_S=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$tmp/time")
    WALL=$(awk -F': ' '/Elapsed/ {print $2}' "$tmp/time")
}

measure "$tmp/base.out" "$tmp/base.err" captures/tls12-openssl.pcap
BASE_KB=$RSS_KB
LIMIT_KB=$((MEM_KB + BASE_KB + 16 * 1024 + SANITIZED * MEM_KB))
echo "== adversarial ($SIZE, --max-memory $MEM): RSS limit $((LIMIT_KB / 1024)) MiB" \
    "(one session $((BASE_KB / 1024)) MiB, sanitizer $SANITIZED)"

for scale in "${SCALES[@]}"; do
    dir="$tmp/${scale/\//_}"
    python3 tests/adversarial.py "$dir" "$scale" >/dev/null || {
        fail "generating at scale $scale"
        continue
    }
done

declare -A CPU
for f in "$tmp/${SCALES[0]/\//_}"/*.pcap; do
    name=$(basename "$f" .pcap)
    for scale in "${SCALES[@]}"; do
        dir="$tmp/${scale/\//_}"
        measure "$tmp/out" "$tmp/err" "$dir/$name.pcap"
        CPU[$scale]=$CPU_S
        printf '%-15s x%-5s exit %d  peak RSS %4d MiB  cpu %6.2f s  wall %8s  (%d MiB of capture)\n' \
            "$name" "$scale" "$STATUS" $((RSS_KB / 1024)) "$CPU_S" "$WALL" \
            $(($(stat -c %s "$dir/$name.pcap") / 1048576))
        if python3 tests/adversarial.py check "$dir" "$name" "$tmp/out" "$tmp/err" "$STATUS"; then
            ok
        else
            fail "$name x$scale: see above"
        fi
        if [ "$RSS_KB" -le "$LIMIT_KB" ]; then ok; else
            fail "$name x$scale: peak RSS $((RSS_KB / 1024)) MiB over $((LIMIT_KB / 1024)) MiB"
        fi
    done
    # 2S against S, with 0.05 s added to both so that tiny runs do not make noise
    if awk -v a="${CPU[${SCALES[0]}]}" -v b="${CPU[${SCALES[1]}]}" \
        'BEGIN {exit !((b + 0.05) < 3 * (a + 0.05))}'; then ok; else
        fail "$name: cpu ${CPU[${SCALES[1]}]} s at twice the size of ${CPU[${SCALES[0]}]} s"
    fi
done
echo "adversarial: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
