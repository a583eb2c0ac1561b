#!/bin/bash
# tests/soak.sh [TLSGLASS] - a long live capture under steady load (not run by
# `make test`). Needs root, `ip netns`, openssl and jq.
#
# The namespaces of tests/live.sh (tglA-PID 10.88.0.1 client, tglB-PID
# 10.88.0.2 server, veth tglA0/tglB0); tlsglass captures with -i tglB0 while
# `openssl s_time -new` clients make new handshakes as fast as one
# single-threaded s_server answers them (a few hundred a second), TLS 1.3
# and TLS 1.2 at once, for SOAK_SECONDS (default 600) in rounds of at most
# SOAK_ROUND seconds. Load generators run at nice 19 (a monitoring host
# gives the capture its CPU); SOAK_OPTS adds tlsglass options (e.g.
# "--immediate" or "-B 65536"; the capture is buffered by default).
# Then tlsglass is stopped with SIGINT and the script checks that every
# client connection has its record (one at the handshake, one update),
# and reports the kernel's drop count, tlsglass's CPU time and the peak
# RSS from the final stats record (RSS sampled every 10 s shows whether
# memory grows; the -B ring counts in it once touched).
#
# Exits 0 when every handshake was recorded and nothing was dropped.
set -u
cd "$(dirname "$0")/.."
T=$(realpath "${1:-build/tlsglass}")
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_ROUND=${SOAK_ROUND:-30}
NSA=tglA-$$ NSB=tglB-$$ IFA=tglA0 IFB=tglB0 # per run: a test may run meanwhile
A=10.88.0.1 B=10.88.0.2

[ "$(id -u)" -eq 0 ] || { echo "skipped: not root"; exit 0; }
ip netns list >/dev/null 2>&1 || { echo "skipped: no ip netns"; exit 0; }
for ns in $NSA $NSB; do
    ip netns list | grep -qw "$ns" && { echo "namespace $ns exists: remove it first"; exit 1; }
done

tmp=$(mktemp -d /tmp/tlsglass-soak.XXXXXX)
PIDS=()
made_ns=()
cleanup() {
    local p ns
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for ns in "${made_ns[@]}"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    done
    for p in "${PIDS[@]}"; do timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null; done
    for ns in "${made_ns[@]}"; do ip netns del "$ns" 2>/dev/null; done
    [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
inA() { ip netns exec $NSA "$@"; }
inB() { ip netns exec $NSB "$@"; }

ip netns add $NSA && made_ns+=($NSA) && ip netns add $NSB && made_ns+=($NSB) &&
    ip link add $IFA netns $NSA type veth peer name $IFB netns $NSB &&
    inA ip addr add $A/24 dev $IFA && inB ip addr add $B/24 dev $IFB &&
    inA sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
    inB sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
    inA sysctl -qw net.ipv4.ip_local_port_range="10000 65000" &&
    inA sysctl -qw net.ipv4.tcp_tw_reuse=1 &&
    inA ip link set $IFA up && inB ip link set $IFB up && inA ip link set lo up &&
    inB ip link set lo up || { echo "cannot set up the namespaces"; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj /CN=soak.tlsglass.test -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1

for port in 4433 4434; do
    ip netns exec $NSB nice -n 19 openssl s_server -accept $port -cert "$tmp/cert.pem" -key "$tmp/key.pem" \
        -quiet -naccept 100000000 >/dev/null 2>&1 </dev/null &
    PIDS+=($!)
done
timeout 10 bash -c "until ip netns exec $NSB ss -ltn | grep -q ':4434 '; do sleep 0.1; done"

# shellcheck disable=SC2086 # SOAK_OPTS: extra options, split on purpose
ip netns exec $NSB "$T" -i $IFB ${SOAK_OPTS:-} --stats-interval 10 --close-delay 1 -w "$tmp/records" \
    2>"$tmp/tlsglass.err" &
TG=$!
PIDS+=("$TG")
timeout 10 bash -c "until grep -q 'listening on' '$tmp/tlsglass.err'; do sleep 0.1; done" ||
    { echo "tlsglass did not start"; cat "$tmp/tlsglass.err"; exit 1; }

# One client: rounds of s_time until the time is up; its connection count.
client() { # port version-option
    local left=$SOAK_SECONDS total=0 n t
    while [ "$left" -gt 0 ]; do
        t=$((left < SOAK_ROUND ? left : SOAK_ROUND))
        n=$(timeout $((t + 30)) ip netns exec $NSA nice -n 19 openssl s_time -connect $B:"$1" -new "$2" \
            -time "$t" 2>/dev/null | sed -n 's/^\([0-9]*\) connections in .*real.*/\1/p' | head -1)
        total=$((total + ${n:-0}))
        left=$((left - t))
    done
    echo "$total"
}
echo "soak: $SOAK_SECONDS s of new handshakes across the veth"
start=$(date +%s)
client 4433 -tls1_3 >"$tmp/n13" &
c1=$!
client 4434 -tls1_2 >"$tmp/n12" &
c2=$!
PIDS+=($c1 $c2)
timeout $((SOAK_SECONDS * 2 + 120)) tail --pid=$c1 -f /dev/null
timeout 120 tail --pid=$c2 -f /dev/null
elapsed=$(($(date +%s) - start))
sleep 3 # the close delay, then every flow has ended
read -r -a st <"/proc/$TG/stat"
cpu=$(((st[13] + st[14]) / $(getconf CLK_TCK)))
kill -INT "$TG"
timeout 60 tail --pid="$TG" -f /dev/null
wait "$TG"
rc=$?

n13=$(cat "$tmp/n13") n12=$(cat "$tmp/n12")
conns=$((n13 + n12))
# grep, not jq: the records of a long run take a gigabyte. The update key
# is the last of a record; a record without it is a session's first.
grep '^{"type":"stats"' "$tmp/records" >"$tmp/stats"
grep '^{"type":"tls"' "$tmp/records" >"$tmp/tls"
upd=$(grep -c '"update":true}$' "$tmp/tls")
recs=$(($(wc -l <"$tmp/tls") - upd))
est=$(grep -v '"update":true}$' "$tmp/tls" | grep -c '"state":"established"')
final=$(jq -c 'select(.final==true)' "$tmp/stats" | tail -1)
drops=$(jq -r '.drops_kernel + .drops_interface' <<<"$final")
peak=$(jq -r '.peak_rss_bytes' <<<"$final")
rss=$(jq -r '.rss_bytes' "$tmp/stats" | sort -n | sed -n '1p;$p' | tr '\n' ' ')
echo "soak: ${elapsed} s, client connections: $conns (TLS 1.3 $n13, TLS 1.2 $n12)," \
    "$((conns / (elapsed > 0 ? elapsed : 1)))/s; tlsglass options: ${SOAK_OPTS:-none (buffered capture)}"
echo "soak: records: $recs sessions ($est established at the handshake), $upd updates;" \
    "tlsglass exit $rc"
echo "soak: pcap: $(jq -c '{pcap_received, drops_kernel, drops_interface, packets}' <<<"$final")"
echo "soak: sessions by state $(jq -c .states <<<"$final"), by error $(jq -c .errors <<<"$final")"
echo "soak: tlsglass CPU time ${cpu} s in ${elapsed} s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "soak: peak RSS $((peak / 1024)) KiB; RSS sampled every 10 s: lowest, highest (bytes): $rss"
grep -v 'listening on' "$tmp/tlsglass.err" | head -5
[ "$rc" -eq 0 ] && [ "$recs" -eq "$conns" ] && [ "$upd" -eq "$conns" ] && [ "$drops" -eq 0 ]
