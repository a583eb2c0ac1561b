#!/bin/bash
# bench/run.sh - the benchmark behind `make bench`.
#
# Usage: bench/run.sh [TLSGLASS]        (default: build/tlsglass)
#
# For every bench capture F it runs `pcap_floor count F` (the cheapest libpcap
# reader: the speed floor) and `TLSGLASS -r F -w /dev/null` interleaved,
# BENCH_RUNS times each, and reports the median wall times, their ratio
# (tlsglass / floor), sessions per second, and tlsglass's peak RSS.  Then the
# memory per concurrent flow (conc vs seq captures), the conc/seq time ratio,
# and the start-up time on tiny.pcap.  The table goes to bench/RESULTS.md
# (one section per BENCH_SET; a run replaces only its own section) and to
# standard output.
#
# The captures come from ../shared/bench/make-bench-captures.sh (real TLS
# traffic in a private network namespace; needs root).  Missing ones are made.
#
# Environment:
#   BENCH=/tmp/bench        where the captures live
#   BENCH_SET=small|full    small (default): base captures, slices, tiny,
#                           seq10k/conc10k (~0.5 GB, no large-* files);
#                           full: also large-{hs,mixed,bulk}, seq100k/conc100k,
#                           conc30k (~6 GB)
#   BENCH_RUNS=5            timed runs per capture and program
#   BENCH_RUNS_LARGE=N      timed runs for captures over 1 GB (default BENCH_RUNS)
#   BENCH_ONLY="a.pcap .."  measure only these (paths relative to BENCH)
#   BENCH_CALLGRIND=1       also run callgrind on slice-hs/slice-mixed/tiny
#                           (with and without --no-ndpi)
#   BENCH_RESULTS=FILE      where to write the results (default bench/RESULTS.md)
#   BENCH_THREADS=2         workers of the `--threads` rows (slices, large-hs,
#                           large-mixed); large-hs gets a speed-up target
#   BENCH_PEERS="..."       the other tools measured the same way when installed
#                           (default: mercury ssldump ndpiReader tshark; "none":
#                           no peer), each doing what it does with a capture
#                           file, its output to /dev/null (see peer_args)
#   BENCH_PEER_RUNS=3       timed runs per capture and peer
#   BENCH_PEERS_LARGE=1     peers on the full set's large captures too (hours:
#                           tshark and ndpiReader take 150-180x the floor on
#                           large-hs); by default peers run on the small
#                           captures (slices, base-bulk, seq10k/conc10k)
#   BENCH_IDLE_ARGS=...     tlsglass options for the second run of the seq*/conc*
#                           captures (default --idle-timeout 86400): conc100k
#                           spreads each flow over ~2 h of capture time, so
#                           with the default 300 s idle timeout its flows expire
#                           mid-handshake and are not all open at once
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
SHARED=$(cd "$REPO/../shared/bench" && pwd)
TG=$(realpath "${1:-$REPO/build/tlsglass}")
BENCH=${BENCH:-/tmp/bench}
BENCH_SET=${BENCH_SET:-small}
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_RUNS_LARGE=${BENCH_RUNS_LARGE:-$BENCH_RUNS}
BENCH_RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
IDLE_ARGS=${BENCH_IDLE_ARGS:---idle-timeout 86400}
BENCH_THREADS=${BENCH_THREADS:-2} # the --threads rows: workers
BENCH_PEERS=${BENCH_PEERS:-mercury ssldump ndpiReader tshark}
BENCH_PEER_RUNS=${BENCH_PEER_RUNS:-3}
OUT=$REPO/build/bench
FLOOR=$OUT/pcap_floor
SCALE=$OUT/pcap_scale
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }
run() { say "+ $*"; "$@"; }

case $BENCH_SET in small | full) ;; *) die "BENCH_SET must be small or full" ;; esac
[ -x "$TG" ] || die "$TG: not an executable (run make first)"
# Measure a snapshot, so a rebuild during the run does not change the binary.
mkdir -p "$OUT"
cp "$TG" "$OUT/tlsglass.tmp" && mv "$OUT/tlsglass.tmp" "$OUT/tlsglass.$BENCH_SET"
TG=$OUT/tlsglass.$BENCH_SET
TG_VERSION=$("$TG" -V 2>/dev/null | head -1)

# ------------------------------------------------------------------ tools
# command -> Debian package
declare -A PKG=([gcc]=gcc [unshare]=util-linux [openssl]=openssl [gnutls-cli]=gnutls-bin
    [curl]=curl [tcpdump]=tcpdump [ethtool]=ethtool [tshark]=tshark [editcap]=wireshark-common
    [capinfos]=wireshark-common [ip]=iproute2 [sysctl]=procps [timeout]=coreutils)

# Installs the Debian packages providing the given commands, if missing.
need() {
    local c missing=()
    for c in "$@"; do
        case $c in
            /usr/bin/time) [ -x /usr/bin/time ] || missing+=(time) ;;
            pcap.h) [ -f /usr/include/pcap/pcap.h ] || missing+=(libpcap-dev) ;;
            *) command -v "$c" >/dev/null || missing+=("${PKG[$c]:-$c}") ;;
        esac
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (install them, or run as root)"
    say "bench: installing missing packages: ${missing[*]}"
    run apt-get update -q
    DEBIAN_FRONTEND=noninteractive run apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build_tools() {
    need gcc pcap.h /usr/bin/time
    mkdir -p "$OUT"
    local t
    for t in pcap_floor pcap_scale; do
        if [ ! -x "$OUT/$t" ] || [ "$SHARED/$t.c" -nt "$OUT/$t" ]; then
            run gcc -O2 -o "$OUT/$t" "$SHARED/$t.c" -lpcap
        fi
    done
}

# --------------------------------------------------------------- captures
SMALL_FILES=(tiny.pcap slice-hs.pcap slice-mixed.pcap gen/seq10k.pcap gen/conc10k.pcap
    gen/base-hs.pcap gen/base-mixed.pcap gen/base-bulk.pcap)
FULL_FILES=(large-hs.pcap large-mixed.pcap large-bulk.pcap seq100k.pcap conc100k.pcap gen/conc30k.pcap)

gen_script() { # $1 = stage of make-bench-captures.sh
    need unshare openssl gnutls-cli curl tcpdump ethtool tshark editcap capinfos gcc pcap.h ip sysctl timeout
    [ "$(id -u)" -eq 0 ] || die "making the captures needs root (unshare -n)"
    local t0=$SECONDS
    say "bench: generating captures: $SHARED/make-bench-captures.sh $1 (BENCH=$BENCH)"
    BENCH=$BENCH run bash "$SHARED/make-bench-captures.sh" "$1"
    say "bench: stage $1 took $((SECONDS - t0)) s"
}

field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p"; } # value of NAME=N in a pcap_floor line

# Copies of a base capture, enough for PKTS packets and FLOWS flows.  The copies
# are made exactly as make-bench-captures.sh makes large-*.pcap, so this file is
# a prefix of the large one and the slices/interleavings cut from it are the same.
small_copy() { # base out pkts flows
    local pk fl n
    pk=$("$FLOOR" count "$1" | field packets)
    fl=$("$FLOOR" flow "$1" | field flows)
    n=$(((($3 + pk - 1) / pk) > (($4 + fl - 1) / fl) ? ($3 + pk - 1) / pk : ($4 + fl - 1) / fl))
    run "$SCALE" copy $((n + 1)) "$1" "$2"
}

make_small() {
    local t0=$SECONDS
    cd "$BENCH"
    need editcap
    if [ ! -s slice-hs.pcap ] || [ ! -s gen/seq10k.pcap ] || [ ! -s gen/conc10k.pcap ]; then
        small_copy gen/base-hs.pcap gen/small-hs.pcap 100000 10000
        if [ ! -s gen/seq10k.pcap ] || [ ! -s gen/conc10k.pcap ]; then
            run "$SCALE" interleave 10000 gen/small-hs.pcap gen/seq10k.pcap gen/conc10k.pcap
        fi
        [ -s slice-hs.pcap ] || run editcap -F pcap -r gen/small-hs.pcap slice-hs.pcap 1-100000
        rm -f gen/small-hs.pcap
    fi
    if [ ! -s slice-mixed.pcap ]; then
        small_copy gen/base-mixed.pcap gen/small-mixed.pcap 100000 1
        run editcap -F pcap -r gen/small-mixed.pcap slice-mixed.pcap 1-100000
        rm -f gen/small-mixed.pcap
    fi
    [ -s tiny.pcap ] || run editcap -F pcap -r gen/base-mixed.pcap tiny.pcap 1-10
    cd - >/dev/null
    say "bench: small set made in $((SECONDS - t0)) s"
}

ensure_captures() {
    mkdir -p "$BENCH/gen"
    local f gap=0
    [ -s "$BENCH/gen/pki/ca.pem" ] || [ -s "$BENCH/gen/base-hs.pcap" ] || gen_script pki
    for f in gen/base-hs.pcap gen/base-mixed.pcap gen/base-bulk.pcap; do
        [ -s "$BENCH/$f" ] || gap=1
    done
    [ $gap -eq 0 ] || gen_script base
    if [ "$BENCH_SET" = full ]; then
        gap=0
        for f in "${FULL_FILES[@]}" "${SMALL_FILES[@]}"; do
            [ -s "$BENCH/$f" ] || gap=1
        done
        if [ $gap -eq 1 ]; then
            local avail
            avail=$(df -Pk "$BENCH" | awk 'NR == 2 { print int($4 / 1048576) }')
            [ "$avail" -ge 7 ] || die "$BENCH: only $avail GB free; the full set needs ~6.5 GB"
            gen_script scale
        fi
    else
        make_small
    fi
}

# ------------------------------------------------------------ measurement
now() { echo "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { sort -g | head -1; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# Runs a command under /usr/bin/time; appends "wall_s rss_kb exit cpu_s" to $1
# (cpu = user + system, 10 ms resolution).
timed() {
    local log=$1 t0 t1 rc=0 rss usr sys
    shift
    t0=$(now)
    /usr/bin/time -f '%M %U %S' -o "$TMP/time" "$@" >/dev/null 2>"$TMP/stderr" || rc=$?
    t1=$(now)
    read -r rss usr sys < <(tail -1 "$TMP/time")
    [[ $rss =~ ^[0-9]+$ ]] || { rss=0 usr=0 sys=0; }
    echo "$(sub "$t1" "$t0") $rss $rc $(calc %.2f "$usr + $sys")" >>"$log"
    if [ $rc -ne 0 ]; then
        say "bench: FAILED (exit $rc): $*"
        sed 's/^/    /' "$TMP/stderr" | head -5 >&2
        echo "\`$*\` exited $rc: $(head -c 300 "$TMP/stderr" | tr '\n' ' ')" >>"$TMP/problems"
    fi
}

# Measures one capture; appends a row of fields to $TMP/rows.  The row's key is
# the path, or path@idle for the run with $IDLE_ARGS, or path@nondpi for the
# run with --no-ndpi (what nDPI costs: the difference with the plain row).
measure() { # relative path [idle|nondpi]
    local rel=$1 f=$BENCH/$1 runs=$BENCH_RUNS i size pk fl key=$1 args=()
    [ -s "$f" ] || { say "bench: $f missing, skipped"; return 0; }
    if [ "${2:-}" = idle ]; then
        key=$rel@idle
        read -r -a args <<<"$IDLE_ARGS"
    elif [ "${2:-}" = nondpi ]; then
        key=$rel@nondpi
        args=(--no-ndpi)
    elif [ "${2:-}" = threads ]; then
        key=$rel@threads
        args=(--threads "$BENCH_THREADS")
    fi
    size=$(stat -c %s "$f")
    [ "$size" -lt 1000000000 ] || runs=$BENCH_RUNS_LARGE
    pk=$("$FLOOR" count "$f" | field packets) # also warms the page cache
    fl=$("$FLOOR" flow "$f" | field flows)
    say "bench: $rel${args[*]:+ ${args[*]}}: $((size / 1000000)) MB, $pk packets, $fl flows, $runs runs"
    : >"$TMP/floor.log"
    : >"$TMP/tg.log"
    for ((i = 0; i < runs; i++)); do # interleaved; alternate which goes first
        if ((i % 2 == 0)); then
            timed "$TMP/floor.log" "$FLOOR" count "$f"
            timed "$TMP/tg.log" "$TG" -r "$f" -w /dev/null "${args[@]}"
        else
            timed "$TMP/tg.log" "$TG" -r "$f" -w /dev/null "${args[@]}"
            timed "$TMP/floor.log" "$FLOOR" count "$f"
        fi
    done
    # Records: one more run, to a pipe; every line must be one JSON object.
    local recs bad rc
    read -r recs bad < <({ "$TG" -r "$f" "${args[@]}" 2>"$TMP/rec.err"; echo $? >"$TMP/rec.rc"; } |
        awk '{ n++ } !/^\{.*\}$/ { bad++ } END { print n + 0, bad + 0 }')
    rc=$(cat "$TMP/rec.rc")
    local cmd="$TG -r $f${args[*]:+ ${args[*]}}"
    [ "$rc" -eq 0 ] || echo "\`$cmd\` (records to stdout) exited $rc" >>"$TMP/problems"
    [ "$bad" -eq 0 ] || echo "\`$cmd\`: $bad of $recs output lines are not one JSON object" >>"$TMP/problems"
    if [ -s "$TMP/rec.err" ]; then
        echo "\`$cmd\` stderr ($(wc -l <"$TMP/rec.err") lines): $(head -3 "$TMP/rec.err" | tr '\n' ' ' | head -c 300)" >>"$TMP/problems"
    fi
    local fm tm fmin tmin rss ex fc tc
    fm=$(cut -d' ' -f1 "$TMP/floor.log" | median)
    tm=$(cut -d' ' -f1 "$TMP/tg.log" | median)
    fmin=$(cut -d' ' -f1 "$TMP/floor.log" | minimum)
    tmin=$(cut -d' ' -f1 "$TMP/tg.log" | minimum)
    rss=$(cut -d' ' -f2 "$TMP/tg.log" | sort -g | tail -1)
    ex=$(cut -d' ' -f3 "$TMP/tg.log" | sort -u | tr '\n' ',' | sed 's/,$//')
    fc=$(cut -d' ' -f4 "$TMP/floor.log" | median)
    tc=$(cut -d' ' -f4 "$TMP/tg.log" | median)
    echo "$key $size $pk $fl $runs $fm $tm $fmin $tmin $recs $rss $ex $fc $tc" >>"$TMP/rows"
    say "$(calc "bench: %s: floor %.3f s, tlsglass %.3f s, ratio %.2f, %d records, %.1f MB RSS" \
        "\"$key\", $fm, $tm, $tm / $fm, $recs, $rss / 1024")"
}

# ------------------------------------------------------------------ peers
# What each peer is asked to do: read the capture and write what it writes
# about TLS by default (to /dev/null). Sets PEER_ARGS; false when the peer
# is not installed.
peer_args() { # peer file
    command -v "$1" >/dev/null || return 1
    case $1 in
        mercury) PEER_ARGS=(mercury -r "$2" -f /dev/null) ;;
        ssldump) PEER_ARGS=(ssldump -n -r "$2") ;;
        ndpiReader) PEER_ARGS=(ndpiReader -q -i "$2") ;;
        tshark) PEER_ARGS=(tshark -n -r "$2" -Y tls.handshake -T fields -e frame.number
            -e tls.handshake.type -e tls.handshake.extensions_server_name) ;;
        *) return 1 ;;
    esac
}

# One capture, one peer, interleaved with the floor: appends
# "capture peer floor_s peer_s peer_rss_kb exits" to $TMP/peers.
measure_peer() { # relative path, peer
    local f=$BENCH/$1 i fm pm rss ex
    [ -s "$f" ] || return 0
    peer_args "$2" "$f" || return 0
    say "bench: $1: peer $2, $BENCH_PEER_RUNS runs"
    : >"$TMP/pfloor.log"
    : >"$TMP/peer.log"
    for ((i = 0; i < BENCH_PEER_RUNS; i++)); do
        timed "$TMP/pfloor.log" "$FLOOR" count "$f"
        timed "$TMP/peer.log" "${PEER_ARGS[@]}"
    done
    fm=$(cut -d' ' -f1 "$TMP/pfloor.log" | median)
    pm=$(cut -d' ' -f1 "$TMP/peer.log" | median)
    rss=$(cut -d' ' -f2 "$TMP/peer.log" | sort -g | tail -1)
    ex=$(cut -d' ' -f3 "$TMP/peer.log" | sort -u | tr '\n' ',' | sed 's/,$//')
    echo "$1 $2 $fm $pm $rss $ex" >>"$TMP/peers"
    say "$(calc "bench: %s: floor %.3f s, $2 %.3f s, ratio %.2f, %.1f MB RSS" "\"$1\", $fm, $pm, $pm / $fm, $rss / 1024")"
}

peers() {
    : >"$TMP/peers"
    [ "$BENCH_PEERS" != none ] || return 0
    local f p files=(slice-hs.pcap slice-mixed.pcap gen/base-bulk.pcap gen/seq10k.pcap gen/conc10k.pcap)
    [ "$BENCH_SET" != full ] || [ "${BENCH_PEERS_LARGE:-0}" != 1 ] || files+=("${FULL_FILES[@]}")
    [ -z "${BENCH_ONLY:-}" ] || read -r -a files <<<"$BENCH_ONLY"
    for f in "${files[@]}"; do
        for p in $BENCH_PEERS; do
            measure_peer "$f" "$p"
        done
    done
}

# The peers' table, with tlsglass's row of the same run beside each.
peer_table() {
    [ -s "$TMP/peers" ] || return 0
    echo
    echo "Peers, measured the same way (floor interleaved, median of $BENCH_PEER_RUNS; tlsglass from the table above):"
    echo
    echo "| capture | tool | floor s | tool s | ratio | tlsglass ratio | peak RSS MB | exit |"
    echo "|---|---|---:|---:|---:|---:|---:|---|"
    local c p fm pm rss ex tr
    while read -r c p fm pm rss ex; do
        tr=$(awk -v c="$c" '$1 == c { printf "%.2f", $7 / $6 }' "$TMP/rows")
        echo "| $c | $p | $(calc %.3f "$fm") | $(calc %.3f "$pm") | **$(calc %.2f "$pm / $fm")** | ${tr:--} | $(calc %.1f "$rss / 1024") | $ex |"
    done <"$TMP/peers"
    local n nf key skey conc seq
    echo
    for n in 100k 10k; do
        nf=${n%k}000
        for p in $BENCH_PEERS; do
            key=$(awk -v p="$p" -v n="$n" '$2 == p && $1 ~ ("conc" n ".pcap$") { print $5 }' "$TMP/peers")
            skey=$(awk -v p="$p" -v n="$n" '$2 == p && $1 ~ ("seq" n ".pcap$") { print $5 }' "$TMP/peers")
            if [ -z "$key" ] || [ -z "$skey" ]; then continue; fi
            echo "- $p, $n flows: peak RSS conc $(calc %.1f "$key / 1024") MB vs seq $(calc %.1f "$skey / 1024") MB" \
                "= $(calc %.0f "($key - $skey) * 1024 / $nf") bytes per concurrent flow"
        done
    done
}

row() { # field N of the row for capture $1
    awk -v c="$1" -v n="$2" '$1 == c { print $n }' "$TMP/rows"
}

# Start-up: 21 bare runs on tiny.pcap, no /usr/bin/time in between.
startup() {
    local f=$BENCH/tiny.pcap i t0 t1
    [ -s "$f" ] || return 0
    : >"$TMP/st.tg"
    : >"$TMP/st.floor"
    for ((i = 0; i < 21; i++)); do
        t0=$(now); "$FLOOR" count "$f" >/dev/null; t1=$(now); sub "$t1" "$t0" >>"$TMP/st.floor"; echo >>"$TMP/st.floor"
        t0=$(now); "$TG" -r "$f" -w /dev/null || true; t1=$(now); sub "$t1" "$t0" >>"$TMP/st.tg"; echo >>"$TMP/st.tg"
    done
    ST_TG=$(median <"$TMP/st.tg")
    ST_FLOOR=$(median <"$TMP/st.floor")
    ST_TG_MIN=$(minimum <"$TMP/st.tg")
    ST_FLOOR_MIN=$(minimum <"$TMP/st.floor")
}

callgrind() {
    [ "${BENCH_CALLGRIND:-0}" = 1 ] || return 0
    command -v valgrind >/dev/null || { say "bench: BENCH_CALLGRIND=1 but valgrind is not installed"; return 0; }
    local c f pk ir fir nir
    for c in slice-hs slice-mixed tiny; do
        f=$BENCH/$c.pcap
        [ -s "$f" ] || continue
        pk=$("$FLOOR" count "$f" | field packets)
        say "bench: callgrind on $c.pcap"
        valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$c.out" \
            "$TG" -r "$f" -w /dev/null 2>"$TMP/vg.err" || say "bench: callgrind run failed: $(tail -3 "$TMP/vg.err")"
        valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.nondpi.$c.out" \
            "$TG" -r "$f" -w /dev/null --no-ndpi 2>"$TMP/vg.err" || say "bench: callgrind run failed: $(tail -3 "$TMP/vg.err")"
        valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.floor.$c.out" \
            "$FLOOR" count "$f" >/dev/null 2>&1 || true
        ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$OUT/callgrind.$c.out")
        nir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$OUT/callgrind.nondpi.$c.out")
        fir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$OUT/callgrind.floor.$c.out")
        {
            echo "== self cost (top 30)"
            callgrind_annotate "$OUT/callgrind.$c.out" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | head -31
            echo "== inclusive cost of tlsglass's own functions"
            callgrind_annotate --inclusive=yes "$OUT/callgrind.$c.out" 2>/dev/null |
                grep -E "^ *[0-9,]+ \(.*\[$TG\]" | grep -v '???' | head -40
        } >"$OUT/callgrind.$c.txt" || true
        echo "| $c.pcap | $pk | $(calc %.0f "$ir / $pk") | $(calc %.0f "$nir / $pk") | $(calc %.0f "($ir - $nir) * 100 / $ir")% | $(calc %.0f "$fir / $pk") | \`build/bench/callgrind.$c.txt\` |" >>"$TMP/cg"
    done
}

# --------------------------------------------------------------- reporting
fmt_row() { # key size pk fl runs fm tm fmin tmin recs rss ex fc tc
    awk -v idle="$IDLE_ARGS" -v threads="$BENCH_THREADS" -v r="$1" -v sz="$2" -v pk="$3" -v fl="$4" -v n="$5" -v fm="$6" -v tm="$7" \
        -v fmin="$8" -v tmin="$9" -v recs="${10}" -v rss="${11}" -v ex="${12}" -v fc="${13}" -v tc="${14}" 'BEGIN {
        cr = (fc >= 0.1) ? sprintf("%.2f", tc / fc) : "-"
        if (sub(/@idle$/, "", r)) r = r " `" idle "`"
        if (sub(/@nondpi$/, "", r)) r = r " `--no-ndpi`"
        if (sub(/@threads$/, "", r)) r = r " `--threads " threads "`"
        printf "| %s | %.1f | %d | %d | %d | %.3f | %.3f | **%.2f** | %.2f | %.2f | %s | %d | %.0f | %.1f | %s |\n",
            r, sz / 1e6, pk, fl, n, fm, tm, tm / fm, tmin / fmin, tc, cr, recs, (tm > 0 ? recs / tm : 0), rss / 1024, ex }'
}

target() { # name capture measured-expression(awk) op limit unit
    local v
    [ -n "$2" ] || return 0
    v=$(calc %.3f "$3") || return 0
    awk -v name="$1" -v cap="$2" -v v="$v" -v op="$4" -v lim="$5" -v unit="$6" 'BEGIN {
        ok = (op == "<=") ? (v <= lim) : (v >= lim)
        printf "| %s | %s | %.2f %s | %s %s %s | %s |\n", name, cap, v, unit, op, lim, unit, ok ? "met" : "not met" }'
}

report() {
    local commit cpu when
    commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    git -C "$REPO" diff --quiet HEAD 2>/dev/null && [ -z "$(git -C "$REPO" status --porcelain 2>/dev/null)" ] ||
        commit="$commit (working tree with uncommitted changes)"
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    when=$(date -u '+%Y-%m-%d %H:%M UTC')
    {
        echo "## BENCH_SET=$BENCH_SET, $when"
        echo
        echo "- tlsglass: repository at commit $commit; binary \`$TG_VERSION\`"
        echo "- machine: $(nproc) CPUs, $cpu, $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
        echo "- load average before/after: $LOAD0 / $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: compare ratios, not seconds)"
        echo "- floor: \`pcap_floor count F\`; tlsglass: \`tlsglass -r F -w /dev/null\`; runs interleaved; times are medians of wall time; \"best\" is min/min; CPU = user + system (median), its ratio only where the floor uses >= 0.1 s"
        echo
        echo "| capture | MB | packets | TCP flows | runs | floor s | tlsglass s | ratio | ratio (best) | tlsglass CPU s | CPU ratio | records | sessions/s | peak RSS MB | exit |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
        while read -r line; do
            # shellcheck disable=SC2086
            fmt_row $line
        done <"$TMP/rows"
        echo
        local n v key skey nf conc seq ct cf st sf cr sr label
        for n in 100k 30k 10k; do
            nf=${n%k}000
            key=conc$n.pcap
            [ -n "$(row "$key" 1)" ] || key=gen/$key
            skey=seq$n.pcap
            [ -n "$(row "$skey" 1)" ] || skey=gen/$skey
            for v in "" @idle; do
                conc=$(row "$key$v" 11)
                [ -n "$conc" ] || continue
                label="$n flows"
                [ -z "$v" ] || label="$n flows, \`$IDLE_ARGS\`"
                seq=$(row "$skey$v" 11)
                if [ -z "$seq" ]; then
                    echo "- concurrency, $label: peak RSS $(calc %.1f "$conc / 1024") MB" \
                        "($(calc %.0f "$conc * 1024 / $nf") bytes per flow, all included)"
                    continue
                fi
                ct=$(row "$key$v" 7); cf=$(row "$key$v" 6); st=$(row "$skey$v" 7); sf=$(row "$skey$v" 6)
                cr=$(row "$key$v" 10); sr=$(row "$skey$v" 10)
                echo "- concurrency, $label: peak RSS conc $(calc %.1f "$conc / 1024") MB vs seq $(calc %.1f "$seq / 1024") MB" \
                    "= **$(calc %.0f "($conc - $seq) * 1024 / $nf") bytes per concurrent flow**;" \
                    "tlsglass time conc/seq **$(calc %.2f "$ct / $st")** (floor-normalised $(calc %.2f "($ct / $cf) / ($st / $sf)"));" \
                    "records conc $cr, seq $sr"
                if [ "$cr" != "$sr" ]; then
                    echo "\`$TG -r $BENCH/$key${v:+ $IDLE_ARGS}\` writes $cr records, but $sr on $skey, the same packets in another order" >>"$TMP/problems"
                fi
            done
        done
        if [ -n "${ST_TG:-}" ]; then
            echo "- start-up on tiny.pcap (10 packets), 21 bare runs each: tlsglass median $(calc %.2f "$ST_TG * 1000") ms," \
                "best **$(calc %.2f "$ST_TG_MIN * 1000") ms**; pcap_floor median $(calc %.2f "$ST_FLOOR * 1000") ms," \
                "best $(calc %.2f "$ST_FLOOR_MIN * 1000") ms (tlsglass - floor, best: $(calc %.2f "($ST_TG_MIN - $ST_FLOOR_MIN) * 1000") ms)"
        fi
        echo
        echo "Targets (issue; \"proxy\" = the small set's stand-in for a large capture):"
        echo
        echo "| target | capture | measured | limit | status |"
        echo "|---|---|---:|---:|---|"
        local hs=large-hs.pcap mx=large-mixed.pcap bk=large-bulk.pcap c=conc100k.pcap s=seq100k.pcap
        nf=100000
        [ -n "$(row $hs 1)" ] || hs=gen/base-hs.pcap
        [ -n "$(row $mx 1)" ] || mx=gen/base-mixed.pcap
        [ -n "$(row $bk 1)" ] || bk=gen/base-bulk.pcap
        [ -n "$(row $c 1)" ] || { c=gen/conc10k.pcap; s=gen/seq10k.pcap; nf=10000; }
        tr_cap() {
            local k=${1%@idle} x=""
            [ "$k" = "$1" ] || x=" \`$IDLE_ARGS\`"
            [[ $k == gen/* ]] && echo "${k#gen/}$x (proxy)" || echo "$k$x"
        }
        if [ -n "$(row $hs 1)" ]; then
            target "handshake-heavy ratio (make bench issue)" "$(tr_cap $hs)" "$(row $hs 7) / $(row $hs 6)" "<=" 2 x
            target "large-hs ratio" "$(tr_cap $hs)" "$(row $hs 7) / $(row $hs 6)" "<=" 1.5 x
            target "large-hs peak RSS" "$(tr_cap $hs)" "$(row $hs 11) / 1024" "<=" 32 MB
            [ -z "$(row "$hs@threads" 1)" ] ||
                target "--threads $BENCH_THREADS speed-up ($(nproc) CPUs)" "$(tr_cap $hs)" \
                    "$(row $hs 7) / $(row "$hs@threads" 7)" ">=" 1.8 x
        fi
        [ -z "$(row $mx 1)" ] || target "large-mixed ratio" "$(tr_cap $mx)" "$(row $mx 7) / $(row $mx 6)" "<=" 1.0 x
        [ -z "$(row $bk 1)" ] || target "large-bulk ratio" "$(tr_cap $bk)" "$(row $bk 7) / $(row $bk 6)" "<=" 0.6 x
        for v in "" @idle; do
            if [ -n "$(row "$c$v" 1)" ] && [ -n "$(row "$s$v" 1)" ]; then
                target "memory per concurrent flow" "$(tr_cap "$c$v") vs $(basename "$s")" \
                    "($(row "$c$v" 11) - $(row "$s$v" 11)) * 1024 / $nf" "<=" 1024 bytes
                target "conc/seq time" "$(tr_cap "$c$v") vs $(basename "$s")" "$(row "$c$v" 7) / $(row "$s$v" 7)" "<=" 1.3 x
            fi
        done
        [ -z "${ST_TG:-}" ] || target "start-up, 10-packet file (best of 21)" tiny.pcap "$ST_TG_MIN * 1000" "<=" 5 ms
        peer_table
        if [ -s "$TMP/cg" ]; then
            echo
            echo "callgrind (instructions per packet):"
            echo
            echo "| capture | packets | tlsglass Ir/packet | with --no-ndpi | nDPI's share | pcap_floor Ir/packet | top functions |"
            echo "|---|---:|---:|---:|---:|---:|---|"
            cat "$TMP/cg"
        fi
        echo
        if [ -s "$TMP/problems" ]; then
            echo "Problems:"
            echo
            sort -u "$TMP/problems" | sed 's/^/- /'
        else
            echo "Problems: none (every run exited 0, every output line was one JSON object, nothing on stderr)."
        fi
    } >"$TMP/section"
}

# Replaces this set's section of $BENCH_RESULTS (or appends it).
write_results() {
    local begin="<!-- BEGIN $BENCH_SET -->" end="<!-- END $BENCH_SET -->"
    if [ ! -s "$BENCH_RESULTS" ]; then
        printf '# tlsglass benchmark results\n\nWritten by `bench/run.sh` (`make bench`); see bench/README.md.\nEach BENCH_SET has its own section; a run replaces only its own.\n' >"$BENCH_RESULTS"
    fi
    if grep -qF "$begin" "$BENCH_RESULTS"; then
        awk -v b="$begin" -v e="$end" -v f="$TMP/section" '
            $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
            $0 == e { skip = 0 }
            !skip' "$BENCH_RESULTS" >"$TMP/results"
    else
        { cat "$BENCH_RESULTS"; echo; echo "$begin"; cat "$TMP/section"; echo "$end"; } >"$TMP/results"
    fi
    cp "$TMP/results" "$BENCH_RESULTS"
}

# --------------------------------------------------------------------- main
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
build_tools
ensure_captures
if [ -n "${BENCH_ONLY:-}" ]; then
    read -r -a FILES <<<"$BENCH_ONLY"
elif [ "$BENCH_SET" = full ]; then
    FILES=("${SMALL_FILES[@]}" "${FULL_FILES[@]}")
else
    FILES=("${SMALL_FILES[@]}")
fi
: >"$TMP/rows"
for f in "${FILES[@]}"; do
    measure "$f"
    case ${f##*/} in
        conc* | seq*) measure "$f" idle ;;
        slice-hs.pcap | slice-mixed.pcap | large-hs.pcap | large-mixed.pcap)
            measure "$f" nondpi
            measure "$f" threads
            ;;
    esac
done
startup
callgrind
peers
report
write_results
echo
cat "$TMP/section"
echo
echo "written to $BENCH_RESULTS"
