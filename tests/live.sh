#!/bin/bash
# tests/live.sh [TLSGLASS] - live capture on real interfaces (docs/live.md).
#
# Two network namespaces, tglA-PID (client, 10.88.0.1) and tglB-PID
# (server, 10.88.0.2), joined by the veth pair tglA0/tglB0; tlsglass
# captures with -i inside tglB-PID while OpenSSL and GnuTLS clients and
# servers talk across the pair. Records are checked as they arrive (every
# wait is bounded), and how soon after their last packet they are written,
# in the default buffered mode and with --immediate; then the statistics
# records (their per-error counts against the records' errors), the
# signals, -Z, EPIPE and write errors. Needs root, `ip netns`, openssl,
# gnutls-bin, jq and python3; without root or `ip netns` it says "skipped"
# and passes. Every background process is killed and both namespaces
# deleted on exit. Closes with "N passed, M failed".
set -u
cd "$(dirname "$0")/.."

skip() {
    echo "skipped: $*"
    echo "0 passed, 0 failed"
    exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root"
ip netns list >/dev/null 2>&1 || skip "ip netns is unavailable"
for tool in openssl gnutls-cli gnutls-serv jq python3 timeout ss; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done
T=$(realpath "${1:-build/asan/tlsglass}")
[ -x "$T" ] || { echo "no binary $T"; echo "0 passed, 1 failed"; exit 1; }

NSA=tglA-$$ NSB=tglB-$$ IFA=tglA0 IFB=tglB0 # per run: runs may overlap
A=10.88.0.1 B=10.88.0.2
SNI=live.tlsglass.test
for ns in $NSA $NSB; do
    if ip netns list | grep -qw "$ns"; then
        echo "namespace $ns exists already: remove it first (ip netns del $ns)"
        echo "0 passed, 1 failed"
        exit 1
    fi
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

tmp=$(mktemp -d /tmp/tlsglass-live.XXXXXX)
chmod 755 "$tmp"
PIDS=()
made_ns=()

cleanup() {
    local p ns
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    for ns in "${made_ns[@]}"; do # anything still running inside them
        for p in $(ip netns pids "$ns" 2>/dev/null); do
            kill -9 "$p" 2>/dev/null
        done
    done
    for p in "${PIDS[@]}"; do
        timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null
    done
    for ns in "${made_ns[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
check() { # description, then a status already evaluated
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok: $1"
    else
        failed=$((failed + 1))
        echo "FAIL: $1"
    fi
}
inA() { ip netns exec $NSA "$@"; }
inB() { ip netns exec $NSB "$@"; }

# ------------------------------------------------------------------ setup
setup_net() {
    ip netns add $NSA && made_ns+=($NSA) && ip netns add $NSB && made_ns+=($NSB) &&
        ip link add $IFA netns $NSA type veth peer name $IFB netns $NSB &&
        inA ip addr add $A/24 dev $IFA && inB ip addr add $B/24 dev $IFB &&
        inA sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
        inB sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
        inA ip link set $IFA up && inB ip link set $IFB up &&
        inA ip link set lo up && inB ip link set lo up &&
        timeout 10 bash -c "until ip netns exec $NSA ip link show $IFA | grep -q LOWER_UP &&
            ip netns exec $NSB ip link show $IFB | grep -q LOWER_UP; do sleep 0.1; done"
}
setup_pki() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
        -subj "/CN=$SNI" -addext "subjectAltName=DNS:$SNI" \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
}
if ! setup_net || ! setup_pki; then
    echo "FAIL: cannot set up the namespaces or the certificate"
    echo "0 passed, 1 failed"
    exit 1
fi

# --------------------------------------------------------------- helpers
TG= # pid of the running tlsglass
start_tg() { # name args...: tlsglass -i in tglB, output $tmp/name.out
    local name=$1
    shift
    ip netns exec $NSB "$T" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    TG=$!
    PIDS+=("$TG")
    local i
    for i in $(seq 100); do
        grep -q 'listening on' "$tmp/$name.err" && return 0
        kill -0 "$TG" 2>/dev/null || break
        sleep 0.1
    done
    echo "tlsglass did not start: $(head -c 300 "$tmp/$name.err")"
    return 1
}
stop_tg() { # signal: stops $TG, sets RC (999 if it had to be killed)
    kill -"$1" "$TG" 2>/dev/null
    if timeout 20 tail --pid="$TG" -f /dev/null; then
        wait "$TG"
        RC=$?
    else
        kill -9 "$TG" 2>/dev/null
        wait "$TG" 2>/dev/null
        RC=999
    fi
}
TORN=0
wait_for() { # file jq-condition [seconds]: a record matching arrives
    local file=$1 cond=$2 n=$((${3:-10} * 5)) i
    for i in $(seq "$n"); do
        if [ -s "$file" ] && [ "$(tail -c1 "$file" | od -An -c | tr -d ' ')" != '\n' ]; then
            TORN=$((TORN + 1)) # a reader would see half a line
        fi
        [ -n "$(jq -c "select($cond)" "$file" 2>/dev/null | head -1)" ] && return 0
        sleep 0.2
    done
    return 1
}
count() { jq -c "select($2)" "$1" 2>/dev/null | wc -l; }
# Milliseconds from a record's last packet (ts_end, the kernel's capture
# time) to its write: the output file's modification time once the record
# is the file's last line (records are written whole, so that time is the
# write's). 99999 if the record does not come within 10 s, 99998 if more
# was written after it before it was seen.
latency_ms() { # file jq-condition [nth match, default 1]
    local file=$1 cond=$2 nth=${3:-1} i line mtime
    for i in $(seq 200); do
        line=$(jq -c "select($cond)" "$file" 2>/dev/null | sed -n "${nth}p")
        if [ -n "$line" ]; then
            mtime=$(stat -c %.9Y "$file")
            [ "$(tail -n1 "$file" | jq -c .)" = "$line" ] || { echo 99998; return; }
            # (the modification time is the kernel's coarse clock: a few
            # ms early at worst, so a negative difference counts as 0)
            jq -r --argjson at "$mtime" '.ts_end | ((.[0:19] + "Z" | fromdate) +
                (.[19:26] | tonumber)) | [($at - .) * 1000 | floor, 0] | max' <<<"$line"
            return
        fi
        sleep 0.05
    done
    echo 99999
}
# The final stats record's `errors` equals the errors of the session
# records, counted (one record per session: --emit=end).
errors_agree() { # file
    local from_records from_stats
    from_records=$(jq -sc '[.[] | select(.type=="tls") | .errors[]] | group_by(.) |
        map({key: .[0], value: length}) | from_entries' "$1")
    from_stats=$(jq -c 'select(.type=="stats" and .final==true) | .errors' "$1" | tail -1)
    echo "records $from_records, stats $from_stats"
    [ -n "$from_stats" ] && [ "$(jq -S . <<<"$from_records")" = "$(jq -S . <<<"$from_stats")" ]
}
wait_port() { timeout 10 bash -c "until ip netns exec $NSB ss -ltn | grep -q ':$1 '; do sleep 0.1; done"; }

start_servers() {
    ip netns exec $NSB openssl s_server -accept 4433 -cert "$tmp/cert.pem" -key "$tmp/key.pem" -www -quiet \
        >/dev/null 2>&1 &
    PIDS+=($!)
    ip netns exec $NSB openssl s_server -accept 4436 -tls1_3 -cert "$tmp/cert.pem" -key "$tmp/key.pem" -www \
        -quiet >/dev/null 2>&1 &
    PIDS+=($!)
    ip netns exec $NSB gnutls-serv --x509certfile "$tmp/cert.pem" --x509keyfile "$tmp/key.pem" -p 4434 \
        >/dev/null 2>&1 &
    PIDS+=($!)
    # A listener that accepts and never answers: handshakes stay unfinished.
    ip netns exec $NSB python3 -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.88.0.2", 4435)); s.listen(8); c=[]
while True: c.append(s.accept()[0])' >/dev/null 2>&1 &
    PIDS+=($!)
    wait_port 4433 && wait_port 4434 && wait_port 4435 && wait_port 4436
}
ossl() { # port args...: one s_client connection from tglA
    local port=$1
    shift
    timeout 10 ip netns exec $NSA openssl s_client -connect $B:"$port" -servername $SNI "$@" \
        </dev/null >/dev/null 2>&1
}
gtls() { # args...: one gnutls-cli connection to port 4434
    timeout 10 ip netns exec $NSA gnutls-cli --insecure -p 4434 "$@" $B </dev/null >/dev/null 2>&1
}

start_servers
check "servers listen in $NSB" $?

# ------------------------------------------------ records while running
start_tg run1 -i $IFB -p -s 65535 -B 4096 --close-delay 1 tcp
check "tlsglass -i $IFB -p -s -B with a filter starts" $?
out=$tmp/run1.out

grep -q 'listening on .*buffered mode' "$tmp/run1.err"
check "buffered mode is the default" $?
ossl 4433 -tls1_3
wait_for "$out" '.type=="tls" and .version=="TLSv1.3" and .state=="established" and .update==null'
check "TLS 1.3 (OpenSSL): a record as soon as the handshake completed" $?
uid=$(jq -r 'select(.version=="TLSv1.3" and .update==null) | .uid' "$out" | head -1)
wait_for "$out" ".uid==\"$uid\" and .update==true"
check "TLS 1.3 (OpenSSL): the update record with the same uid when the flow ended" $?

gtls --priority NORMAL:-VERS-ALL:+VERS-TLS1.2
wait_for "$out" '.version=="TLSv1.2" and .state=="established" and .server_port==4434'
check "TLS 1.2 (GnuTLS): record while running" $?

gtls --priority NORMAL:-VERS-ALL:+VERS-TLS1.3
wait_for "$out" '.version=="TLSv1.3" and .state=="established" and .server_port==4434'
check "TLS 1.3 (GnuTLS): record while running" $?

ossl 4433 -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
wait_for "$out" '.version=="TLSv1.2" and .server_port==4433 and
                 .cipher=="TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"'
check "TLS 1.2 (OpenSSL): record while running" $?

ossl 4436 -tls1_2
wait_for "$out" '.server_port==4436 and .state=="failed" and (.alerts|length)>0'
check "a failed handshake (protocol_version alert): record with state failed" $?

ossl 4433 -tls1_2 -reconnect
wait_for "$out" '.server_port==4433 and .state=="resumed" and .resumed==true'
check "a resumption (OpenSSL -reconnect): record with state resumed" $?

timeout 10 ip netns exec $NSA gnutls-cli --insecure --resume -p 4434 \
    --priority NORMAL:-VERS-ALL:+VERS-TLS1.3 $B </dev/null >/dev/null 2>&1
wait_for "$out" '.server_port==4434 and .state=="resumed" and .version=="TLSv1.3"'
check "a TLS 1.3 resumption (GnuTLS --resume): record with state resumed" $?

# An unfinished handshake, then SIGINT: its record says incomplete.
timeout 30 ip netns exec $NSA openssl s_client -connect $B:4435 -servername $SNI \
    < <(sleep 25) >/dev/null 2>&1 &
PIDS+=($!)
hanging=$!
sleep 1.5
n_before=$(count "$out" '.server_port==4435')
stop_tg INT
check "SIGINT: exit status 0 (got $RC)" $((RC != 0))
[ "$n_before" -eq 0 ] && wait_for "$out" '.server_port==4435 and .state=="incomplete"' 1
check "SIGINT: the unfinished handshake is written, state incomplete" $?
grep -q 'packets received by filter, [0-9]* packets dropped by kernel, [0-9]* packets dropped by interface' \
    "$tmp/run1.err"
check "SIGINT: capture statistics on stderr" $?
kill "$hanging" 2>/dev/null
jq -e . "$out" >/dev/null
check "every line of the output is whole JSON" $?
[ "$TORN" -eq 0 ]
check "no reader ever saw a partial line at the end of the file ($TORN times)" $?

# ------------------------------------ quiet link: expiry, stats, SIGUSR1
start_tg run2 -i $IFB --emit=end --idle-timeout 2 --stats-interval 1
check "tlsglass --emit=end --idle-timeout 2 --stats-interval 1 starts" $?
out=$tmp/run2.out
timeout 30 ip netns exec $NSA openssl s_client -connect $B:4433 -servername $SNI -tls1_3 \
    < <(sleep 25) >/dev/null 2>&1 &
PIDS+=($!)
idle_client=$!
wait_for "$out" '.type=="tls" and .server_port==4433' 8
check "an idle flow expires on the wall clock while the link is quiet" $?
kill -0 "$idle_client" 2>/dev/null
check "... while its client is still connected" $?
kill "$idle_client" 2>/dev/null
wait_for "$out" '.type=="stats" and .pcap_received>0 and .drops_kernel!=null and .rss_bytes>0' 5
check "stats records every second with pcap counters and memory" $?
n1=$(count "$out" '.type=="stats"')
sleep 2.5
n2=$(count "$out" '.type=="stats"')
[ $((n2 - n1)) -ge 2 ] && [ $((n2 - n1)) -le 4 ]
check "stats records come on time on a quiet link ($n1 then $n2)" $?
kill -USR1 "$TG"
timeout 5 bash -c "until grep -q 'packets received by filter' '$tmp/run2.err'; do sleep 0.1; done"
check "SIGUSR1 prints statistics" $?
kill -0 "$TG" 2>/dev/null
check "SIGUSR1 does not stop the capture" $?
stop_tg TERM
check "SIGTERM: exit status 0 (got $RC)" $((RC != 0))
[ "$(jq -c 'select(.type=="stats") | .final' "$out" | tail -1)" = true ]
check "a final stats record at the end" $?

[ "$(jq -c 'select(.type=="stats" and .final==true) | .errors' "$out" | tail -1)" = '{}' ]
check "the final stats record: no session errors on a clean link" $?
jq -e 'select(.type=="stats" and .final==true) | (.states | add) == .records and
    (.caps | type) == "object" and .accounted_bytes >= 0 and .max_memory_bytes > 0' "$out" >/dev/null
check "the final stats record: states add up to the records, caps and accounted memory" $?

# ------------------------------------ --threads: workers, live
start_tg run_thr -i $IFB --threads 2 --close-delay 1 --stats-interval 60
check "tlsglass -i --threads 2 starts" $?
out=$tmp/run_thr.out
gtls --priority NORMAL:-VERS-ALL:+VERS-TLS1.3
wait_for "$out" '.type=="tls" and .server_port==4434 and .update==null' 5
ms=$(latency_ms "$out" '.type=="tls" and .server_port==4434 and .update==null')
[ "$ms" -lt 1000 ]
check "--threads 2: the record is written within a second of its last packet ($ms ms)" $?
for port_args in "4433 -tls1_3" "4433 -tls1_2" "4433 -tls1_3" "4433 -tls1_2"; do
    # shellcheck disable=SC2086 # two words: port and option
    ossl $port_args
done
wait_for "$out" '.type=="tls" and .server_port==4433 and .version=="TLSv1.2" and .update==true' 5
[ "$(count "$out" '.type=="tls" and .update==null and .state=="established"')" -eq 5 ]
check "--threads 2: a record for each of 5 handshakes while running" $?
wait_for "$out" '.type=="tls" and .server_port==4434 and .update==true' 5
check "--threads 2: update records once the flows close" $?
stop_tg INT
check "--threads 2: SIGINT, exit status 0 (got $RC)" $((RC != 0))
jq -e 'select(.type=="stats" and .final==true) | .sessions == 5 and .records == 10 and
    .states.established == 5' "$out" >/dev/null
check "--threads 2: the final stats record sums the workers (5 sessions, 10 records)" $?

# ------------------------------------ per-error counts in stats records
# A snaplen that keeps the ClientHello but cuts the server's flight of
# TLS 1.2 (certificate, key exchange): sessions with truncated_capture.
start_tg run5 -i $IFB -s 500 --emit=end --close-delay 1 --stats-interval 1
check "tlsglass -s 500 --emit=end --stats-interval 1 starts" $?
out=$tmp/run5.out
for i in 1 2 3; do ossl 4433 -tls1_2; done
ossl 4433 -tls1_3
wait_for "$out" '.type=="stats" and .errors.truncated_capture>=3' 8
check "a stats record counts the sessions ended with truncated_capture while running" $?
stop_tg TERM
check "-s 500: SIGTERM exit status 0 (got $RC)" $((RC != 0))
agree=$(errors_agree "$out")
check "final stats record: per-error counts equal the records' errors ($agree)" $?

# ------------------------------- how soon records are written, per mode
# A first connection warms tlsglass up (the system trust store and nDPI
# are loaded at the first session: a few hundred ms under ASan); the
# record of the second must then be written within a second of its last
# packet. --close-delay 1 and waiting for the first update keep anything
# else from being written meanwhile.
for mode in buffered immediate; do
    opt=
    [ $mode = immediate ] && opt=--immediate
    start_tg run7-$mode -i $IFB $opt --close-delay 1 tcp port 4433
    check "tlsglass ${opt:-(no mode option)} starts, in $mode mode" $?
    grep -q "listening on .*, $mode mode" "$tmp/run7-$mode.err"
    check "... the log line says $mode mode" $?
    out=$tmp/run7-$mode.out
    ossl 4433 -tls1_3
    wait_for "$out" '.type=="tls" and .update==true' 5
    ossl 4433 -tls1_3 &
    client=$!
    ms=$(latency_ms "$out" '.type=="tls" and .update==null' 2)
    wait $client
    [ "$ms" -lt 1000 ]
    check "$mode mode: a handshake record written $ms ms after its last packet" $?
    stop_tg INT
    check "$mode mode: SIGINT exit status 0 (got $RC)" $((RC != 0))
done
"$T" -r captures/tls12-openssl.pcap --immediate >/dev/null 2>"$tmp/imm.err"
RC=$?
[ "$RC" -eq 1 ] && grep -q 'live capture' "$tmp/imm.err"
check "--immediate with -r: a usage error (got $RC)" $?

# ------------------------------------------------- SIGHUP log rotation
start_tg run3 -i $IFB --buffered --emit=end --close-delay 1 -w "$tmp/rot.ndjson"
check "tlsglass --buffered (the default, still accepted) -w FILE starts" $?
ok=0
for i in $(seq 8); do gtls --priority NORMAL:-VERS-ALL:+VERS-TLS1.2 && ok=$((ok + 1)); done
wait_for "$tmp/rot.ndjson" 'true' 5
mv "$tmp/rot.ndjson" "$tmp/rot.ndjson.1"
kill -HUP "$TG"
for i in $(seq 8); do gtls --priority NORMAL:-VERS-ALL:+VERS-TLS1.3 && ok=$((ok + 1)); done
timeout 10 bash -c "until [ -s '$tmp/rot.ndjson' ]; do sleep 0.1; done"
check "SIGHUP: a new file is created" $?
sleep 1.5
stop_tg INT
n_old=$(count "$tmp/rot.ndjson.1" '.type=="tls"')
n_new=$(count "$tmp/rot.ndjson" '.type=="tls"')
[ $((n_old + n_new)) -eq "$ok" ] && [ "$n_old" -gt 0 ] && [ "$n_new" -gt 0 ]
check "SIGHUP: no record lost ($ok connections, $n_old + $n_new records)" $?
jq -e . "$tmp/rot.ndjson.1" "$tmp/rot.ndjson" >/dev/null
check "SIGHUP: both files hold whole lines" $?
[ "$(jq -r 'select(.type=="tls") | .uid' "$tmp/rot.ndjson.1" "$tmp/rot.ndjson" | sort -u |
    wc -l)" -eq "$ok" ]
check "SIGHUP: every record once (distinct uids)" $?

# --------------------------------------------------- -Z drops privileges
mkdir -m 1777 "$tmp/z"
start_tg run4 -i any -Z nobody -w "$tmp/z/out.ndjson"
check "tlsglass -i any -Z nobody starts" $?
status=/proc/$TG/status
nuid=$(id -u nobody) ngid=$(id -g nobody)
grep -Eq "^Uid:\s+$nuid\s+$nuid\s+$nuid\s+$nuid$" "$status" &&
    grep -Eq "^Gid:\s+$ngid\s+$ngid\s+$ngid\s+$ngid$" "$status"
check "-Z nobody: real, effective, saved uid and gid are nobody's" $?
grep -Eq "^Groups:\s*($ngid)?\s*$" "$status"
check "-Z nobody: no supplementary group of root's kept" $?
grep -Eq '^CapEff:\s+0+$' "$status" && grep -Eq '^CapPrm:\s+0+$' "$status"
check "-Z nobody: no capability left (CapEff, CapPrm)" $?
ossl 4433 -tls1_3
wait_for "$tmp/z/out.ndjson" '.version=="TLSv1.3" and .server_port==4433'
check "-Z nobody: still captures, on -i any" $?
stat -c %U "$tmp/z/out.ndjson" | grep -qx nobody
check "-Z nobody: the output is opened as nobody" $?
stop_tg TERM
check "-Z nobody: SIGTERM exit status 0 (got $RC)" $((RC != 0))

# ------------------------- not root, capture capabilities only (the unit)
if command -v setpriv >/dev/null; then
    ip netns exec $NSB setpriv --reuid "$nuid" --regid "$ngid" --clear-groups \
        --inh-caps -all,+net_raw,+net_admin --ambient-caps -all,+net_raw,+net_admin \
        --bounding-set -all,+net_raw,+net_admin "$T" -i $IFB -w "$tmp/z/caps.ndjson" \
        >/dev/null 2>"$tmp/caps.err" &
    TG=$!
    PIDS+=("$TG")
    timeout 10 bash -c "until grep -q 'listening on' '$tmp/caps.err'; do sleep 0.1; done"
    check "as nobody with only CAP_NET_RAW and CAP_NET_ADMIN (as tlsglass@.service): starts" $?
    grep -Eq "^Uid:\s+$nuid\s" "/proc/$TG/status" &&
        grep -Eq '^CapEff:\s+0*3000$' "/proc/$TG/status"
    check "... running as nobody with CapEff = net_admin + net_raw only" $?
    ossl 4433 -tls1_3
    wait_for "$tmp/z/caps.ndjson" '.version=="TLSv1.3" and .server_port==4433'
    check "... and captures" $?
    stop_tg TERM
    check "... SIGTERM: exit status 0 (got $RC)" $((RC != 0))
fi

# --------------------------------------------------------------- EPIPE
(
    timeout 30 ip netns exec $NSB "$T" -i $IFB 2>"$tmp/epipe.err" | head -1 >"$tmp/epipe.out"
    echo "${PIPESTATUS[0]}" >"$tmp/epipe.rc"
) &
PIDS+=($!)
pipeline=$!
timeout 10 bash -c "until grep -q 'listening on' '$tmp/epipe.err'; do sleep 0.1; done"
ossl 4433 -tls1_3
ossl 4433 -tls1_2
timeout 20 tail --pid=$pipeline -f /dev/null
[ "$(cat "$tmp/epipe.rc" 2>/dev/null)" = 0 ]
check "EPIPE (| head -1): exit status 0 (got $(cat "$tmp/epipe.rc" 2>/dev/null))" $?
jq -e '.type=="tls"' "$tmp/epipe.out" >/dev/null && ! grep -q 'failed' "$tmp/epipe.err"
check "EPIPE: head got a whole record, nothing said on stderr" $?

# ---------------------------------------------------------- write error
start_tg full -i $IFB -w /dev/full --stats-interval 1
ossl 4433 -tls1_3
timeout 20 tail --pid="$TG" -f /dev/null
wait "$TG"
RC=$?
[ "$RC" -eq 3 ] && grep -q 'No space left' "$tmp/full.err"
check "-w /dev/full: exit status 3 with the reason (got $RC)" $?

# ------------------------------------------------- errors before anything
inB "$T" -i nosuch0 -w "$tmp/never.out" 2>"$tmp/nosuch.err"
RC=$?
[ "$RC" -eq 2 ] && grep -q 'no such interface' "$tmp/nosuch.err" && [ ! -e "$tmp/never.out" ]
check "a missing interface: exit 2, a clear message, no output opened (got $RC)" $?
inB "$T" -i $IFB -w "$tmp/never.out" -f 'tcp port' 2>"$tmp/badf.err"
RC=$?
[ "$RC" -eq 1 ] && grep -q 'filter' "$tmp/badf.err" && [ ! -e "$tmp/never.out" ]
check "a bad filter: exit 1, a clear message, no output opened (got $RC)" $?
inB "$T" -D >"$tmp/list" 2>&1 && grep -q "$IFB" "$tmp/list" && grep -q '^[0-9]*\.any' "$tmp/list"
check "-D lists the interfaces" $?

# -------------------------------------------------------------- schema
cat "$tmp"/run*.out "$tmp/rot.ndjson.1" "$tmp/rot.ndjson" "$tmp"/z/*.ndjson >"$tmp/all"
python3 tests/validate_records.py docs/session-v1.schema.json "$tmp/all" >"$tmp/schema" 2>&1
check "every record valid against the schema ($(wc -l <"$tmp/all") lines)" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
