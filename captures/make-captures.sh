#!/usr/bin/env bash
# make-captures.sh - regenerate tlsglass's own TLS test captures.
#
# Builds a throwaway PKI, two network namespaces joined by a veth pair
# (tgc = client 10.77.0.1 / fd77::1, tgs = server 10.77.0.2 / fd77::2), runs
# real TLS stacks (OpenSSL s_server/s_client, GnuTLS gnutls-serv/gnutls-cli,
# curl) across it and records each scenario with tcpdump on the server-side
# veth into captures/<name>.pcap.  Derived files (VLAN/SLL/raw re-linking,
# gaps, truncation, ...) are then made offline by the python tools in
# captures/tools/.  Needs root (namespaces, tcpdump) and Debian 12 packages:
# openssl gnutls-bin curl tcpdump tshark iproute2 ethtool python3.
#
# Usage: captures/make-captures.sh [SCENARIO...]
#   With no argument every scenario is made (the canonical set; the PKI is
#   new on every run, so a partial run mixes certificates).  Scenario names
#   are the capture names without .pcap, e.g. "tls13-openssl hrr13".
#   Derived captures are made when their source capture is made.
#
# Nothing leaves the namespaces; all of them and every background process
# started here are removed on exit, even on failure.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE
TOOLS=$HERE/tools

CNS=tgc                     # client namespace
SNS=tgs                     # server namespace
BNS=tgb                     # bridge namespace (loss-reorder only)
C4=10.77.0.1 S4=10.77.0.2
C6=fd77::1 S6=fd77::2
CMAC=02:77:00:00:00:01 SMAC=02:77:00:00:00:02
PORT=8443
NAME=server.tlsglass.test
# Keep ARP/ND and TCP; MLD reports (behind a hop-by-hop header) are noise.
FILTER=(tcp or arp or icmp6)

CAP_PID=
SRV_PID=
MADE_NS=()                  # namespaces this run created (and will delete)

log() { printf '== %s\n' "$*" >&2; }

[[ $(id -u) -eq 0 ]] || { echo "run as root" >&2; exit 1; }
for ns in "$CNS" "$SNS" "$BNS"; do
    if ip netns list | grep -qw "$ns"; then
        echo "namespace $ns already exists; remove it first" >&2
        exit 1
    fi
done

WORK=$(mktemp -d /tmp/tlsglass-captures.XXXXXX)
PKI=$WORK/pki

# Stop this shell's still-running background jobs (servers, tcpdump, the
# bridge; each was started here), delete our namespaces and the temp dir.
cleanup() {
    local rc=$? pid ns
    set +e
    for pid in $(jobs -pr); do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    for ns in "${MADE_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    if [[ -n ${KEEP_WORK:-} ]]; then
        echo "kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

want() {    # want NAME: true if NAME was asked for (or nothing was)
    [[ ${#ONLY[@]} -eq 0 ]] && return 0
    local n
    for n in "${ONLY[@]}"; do [[ $n == "$1" ]] && return 0; done
    return 1
}

# ---------------------------------------------------------------- PKI ----

# Fixed validity windows so certificates do not depend on the run date.
CA_START=20250101000000Z CA_END=20450101000000Z
LEAF_START=20250601000000Z LEAF_END=20350601000000Z
OLD_START=20200101000000Z OLD_END=20210101000000Z
# Not valid before 2040 (and for less than 398 days, so the only date
# finding it raises is not_yet_valid).
FUTURE_START=20400101000000Z FUTURE_END=20401231000000Z

write_pki_config() {
    cat >"$PKI/ca.cnf" <<'EOF'
[ ca ]
default_ca = tg_ca
[ tg_ca ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = tg_policy
unique_subject = no
copy_extensions = none
[ tg_policy ]
organizationName = optional
commonName = supplied
EOF
    cat >"$PKI/ext.cnf" <<'EOF'
[ v3_root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_int ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_server ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:server.tlsglass.test, DNS:*.tlsglass.test, IP:10.77.0.2
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_server_ec ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:server.tlsglass.test, DNS:*.tlsglass.test, IP:10.77.0.2
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_selfsigned ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:server.tlsglass.test
subjectKeyIdentifier = hash
[ v3_client ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:client.tlsglass.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
}

genkey() {  # genkey OUT rsa:BITS | ec
    case $2 in
    rsa:*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" \
               -out "$1" 2>/dev/null ;;
    ec)    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
               -out "$1" ;;
    esac
}

# sign NAME KEYTYPE SUBJECT EXT START END ISSUER|self [DIGEST]
#   -> $PKI/NAME.key, $PKI/NAME.pem, signed by $PKI/ISSUER.{key,pem} with
#   DIGEST (default sha256, ca.cnf's default_md)
sign() {
    local name=$1 ktype=$2 subj=$3 ext=$4 start=$5 end=$6 issuer=$7
    local md=${8:-sha256}
    genkey "$PKI/$name.key" "$ktype"
    openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr"
    local who=(-cert "$PKI/$issuer.pem" -keyfile "$PKI/$issuer.key")
    [[ $issuer == self ]] && who=(-selfsign -keyfile "$PKI/$name.key")
    (cd "$PKI" && openssl ca -batch -config ca.cnf "${who[@]}" -md "$md" \
        -in "$name.csr" -out "$name.pem" -startdate "$start" -enddate "$end" \
        -extfile ext.cnf -extensions "$ext" -notext -preserveDN \
        >/dev/null 2>&1) || { echo "signing $name failed" >&2; return 1; }
}

make_pki() {
    log "PKI in $PKI"
    mkdir -p "$PKI/newcerts"
    : >"$PKI/index.txt"
    echo 1000 >"$PKI/serial"
    write_pki_config
    local o="/O=tlsglass test"
    # RSA: root -> intermediate -> leaf (+ client, expired, weak leaves).
    sign root rsa:2048 "$o/CN=tlsglass Test Root CA" v3_root \
        "$CA_START" "$CA_END" self
    sign int rsa:2048 "$o/CN=tlsglass Test Intermediate CA" v3_int \
        "$CA_START" "$CA_END" root
    sign leaf rsa:2048 "$o/CN=$NAME" v3_server "$LEAF_START" "$LEAF_END" int
    sign client rsa:2048 "$o/CN=client.tlsglass.test" v3_client \
        "$LEAF_START" "$LEAF_END" int
    sign expired rsa:2048 "$o/CN=$NAME" v3_server "$OLD_START" "$OLD_END" int
    sign weak rsa:1024 "$o/CN=$NAME" v3_server "$LEAF_START" "$LEAF_END" int
    sign selfsigned rsa:2048 "$o/CN=$NAME" v3_selfsigned \
        "$LEAF_START" "$LEAF_END" self
    # ECDSA P-256: root -> intermediate -> leaf.
    sign ecroot ec "$o/CN=tlsglass Test ECDSA Root CA" v3_root \
        "$CA_START" "$CA_END" self
    sign ecint ec "$o/CN=tlsglass Test ECDSA Intermediate CA" v3_int \
        "$CA_START" "$CA_END" ecroot
    sign ecleaf ec "$o/CN=$NAME" v3_server_ec "$LEAF_START" "$LEAF_END" ecint
    # Leaves for the risk captures, made last so the serials above stay as
    # they were: one not valid until 2040, one the intermediate signed with
    # SHA-1 (sha1WithRSAEncryption).
    sign notyet rsa:2048 "$o/CN=$NAME" v3_server "$FUTURE_START" "$FUTURE_END" \
        int
    sign sha1 rsa:2048 "$o/CN=$NAME" v3_server "$LEAF_START" "$LEAF_END" \
        int sha1
    cat "$PKI/int.pem" "$PKI/root.pem" >"$PKI/int+root.pem"
    cat "$PKI/ecint.pem" "$PKI/ecroot.pem" >"$PKI/ecint+ecroot.pem"
    cat "$PKI/leaf.pem" "$PKI/int.pem" >"$PKI/leaf+int.pem"
    # Dir served by s_server -WWW and python http.server.
    mkdir -p "$WORK/www"
    printf '<html><body>tlsglass test page</body></html>\n' \
        >"$WORK/www/index.html"
    # About 24 KB of fixed text (384 lines) for loss-reorder.
    seq -f 'line %04g of the tlsglass loss/reorder test payload ..........' \
        0 383 >"$WORK/www/big.txt"
    printf 'early data line from the client\n' >"$WORK/early.txt"
}

# ----------------------------------------------------------- network ----

netns_new() {   # netns_new NS: namespace with lo up, no IPv6 autoconf
    ip netns add "$1"
    MADE_NS+=("$1")
    ip -n "$1" link set lo up
    ip netns exec "$1" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1 \
        net.ipv6.conf.default.accept_ra=0 \
        net.ipv6.conf.default.router_solicitations=0
}

offloads_off() {  # offloads_off NS DEV: MTU-sized frames, real checksums
    ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off \
        >/dev/null 2>&1
}

make_net() {
    log "namespaces $CNS <-> $SNS"
    netns_new "$CNS"
    netns_new "$SNS"
    ip link add tgc0 netns "$CNS" address "$CMAC" type veth \
        peer name tgs0 netns "$SNS" address "$SMAC"
    offloads_off "$CNS" tgc0
    offloads_off "$SNS" tgs0
    ip -n "$CNS" addr add "$C4/24" dev tgc0
    ip -n "$SNS" addr add "$S4/24" dev tgs0
    ip -n "$CNS" link set tgc0 up
    ip -n "$SNS" link set tgs0 up
}

# ------------------------------------------------- process handling ----

bg() {  # bg LOGNAME NS CMD...: run CMD in NS in the background -> BG_PID
    local logname=$1 ns=$2
    shift 2
    ip netns exec "$ns" "$@" >"$WORK/$logname.out" 2>"$WORK/$logname.err" \
        </dev/null &
    BG_PID=$!
}

wait_listen() {  # wait_listen NS PORT
    local i
    for i in $(seq 100); do
        ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
        sleep 0.05
    done
    echo "nothing listens on port $2 in $1" >&2
    return 1
}

wait_exit() {   # wait_exit PID SECONDS: wait for PID, kill it if too slow
    local pid=$1 i
    for i in $(seq $(($2 * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

srv() {  # srv LOGNAME CMD...: start a server in tgs on $PORT, wait for it
    local name=$1
    shift
    bg "$name" "$SNS" "$@"
    SRV_PID=$BG_PID
    wait_listen "$SNS" "${SRV_LISTEN_PORT:-$PORT}"
}

srv_done() {  # let the server finish (-naccept) within 5 s, or stop it
    wait_exit "$SRV_PID" 5
}

cap_start() {  # cap_start FILE [NS [DEV [tcpdump options...]]]
    local file=$1 ns=${2:-$SNS} dev=${3:-tgs0}
    shift $(($# < 3 ? $# : 3))
    log "capture $file"
    rm -f "$OUT/$file"
    # --immediate-mode: without it the last packets can sit in a ring
    # block that tcpdump never reads before SIGINT ends it.
    ip netns exec "$ns" tcpdump -i "$dev" -s 0 -U --immediate-mode -n \
        -Z root "$@" -w "$OUT/$file" "${FILTER[@]}" 2>"$WORK/tcpdump.err" &
    CAP_PID=$!
    local i
    for i in $(seq 100); do
        grep -q 'listening on' "$WORK/tcpdump.err" && return 0
        sleep 0.05
    done
    cat "$WORK/tcpdump.err" >&2
    return 1
}

cap_stop() {  # let the last FIN/ACKs pass, then flush and close the file
    sleep 0.4
    kill -INT "$CAP_PID"
    wait "$CAP_PID" || true
    grep -h 'packets captured' "$WORK/tcpdump.err" >&2 || true
}

# in the client namespace, with a time limit
cli() { timeout 30 ip netns exec "$CNS" "$@"; }

# --------------------------------------------------- OpenSSL helpers ----

# s_server with the RSA leaf and intermediate, echoing lines reversed.
OSRV=(openssl s_server -accept "$PORT" -cert "$PKI/leaf.pem"
      -key "$PKI/leaf.key" -cert_chain "$PKI/int.pem")
# s_client trusting the RSA root and checking the name.
OCLI=(openssl s_client -connect "$S4:$PORT" -servername "$NAME"
      -verify_hostname "$NAME" -CAfile "$PKI/root.pem" -verify_return_error)

# talk LOGNAME CMD...: one line out, wait for the answer, then EOF on stdin
# (s_client sends close_notify and closes; s_server -rev answers reversed).
talk() {
    local name=$1
    shift
    { printf 'hello from the tlsglass client\n'; sleep 1; } |
        cli "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || {
        echo "client $name failed:" >&2
        tail -5 "$WORK/$name.err" >&2
        return 1
    }
}

# openssl_pair NAME 'SERVER ARGS' 'CLIENT ARGS': the basic scenario.
openssl_pair() {
    local name=$1
    local -a sargs cargs
    read -r -a sargs <<<"$2"
    read -r -a cargs <<<"$3"
    want "$name" || return 0
    cap_start "$name.pcap"
    srv "$name-srv" "${OSRV[@]}" -naccept 1 -rev "${sargs[@]}"
    talk "$name-cli" "${OCLI[@]}" "${cargs[@]}"
    srv_done
    cap_stop
}

# ----------------------------------------------------------- scenarios ----

sc_basic_openssl() {
    openssl_pair tls13-openssl "-tls1_3 -alpn h2" "-tls1_3 -alpn h2,http/1.1"
    openssl_pair tls12-openssl "-tls1_2" \
        "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256"
    # No -dhparam: OpenSSL 3 picks ffdhe-sized DH parameters itself.
    openssl_pair tls12-dhe "-tls1_2 -cipher DHE-RSA-AES256-GCM-SHA384" \
        "-tls1_2 -cipher DHE-RSA-AES256-GCM-SHA384"
    openssl_pair hrr13 "-tls1_3 -groups P-256" "-tls1_3 -groups X25519:P-256"
    # Server demands a client certificate (-Verify 1) and checks it against
    # the RSA root; the client sends its certificate and the intermediate.
    local need="-Verify 1 -verify_return_error -CAfile $PKI/root.pem"
    local give="-cert $PKI/client.pem -key $PKI/client.key"
    give+=" -cert_chain $PKI/int.pem"
    openssl_pair client-cert12 "-tls1_2 $need" "-tls1_2 $give"
    openssl_pair client-cert13 "-tls1_3 $need" "-tls1_3 $give"
    # The server's chain sent as leaf, intermediate and root, 512-byte records.
    openssl_pair big-chain-frag \
        "-tls1_2 -cert_chain $PKI/int+root.pem -max_send_frag 512" "-tls1_2"
}

sc_ecdsa() {
    want ecdsa-chain3 || return 0
    cap_start ecdsa-chain3.pcap
    srv ecdsa-srv openssl s_server -accept "$PORT" -naccept 1 -rev -tls1_2 \
        -cert "$PKI/ecleaf.pem" -key "$PKI/ecleaf.key" \
        -cert_chain "$PKI/ecint+ecroot.pem"
    talk ecdsa-cli openssl s_client -connect "$S4:$PORT" -servername "$NAME" \
        -verify_hostname "$NAME" -CAfile "$PKI/ecroot.pem" \
        -verify_return_error -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
    srv_done
    cap_stop
}

# Server certificates an analyzer should flag: the client does not abort
# (no -verify_return_error), so the handshake completes and data flows.
sc_bad_certs() {
    local name cert
    for name in cert-expired:expired cert-selfsigned:selfsigned \
        cert-weak-rsa1024:weak cert-notyet:notyet cert-sha1:sha1; do
        cert=${name#*:} name=${name%%:*}
        want "$name" || continue
        local chain=(-cert_chain "$PKI/int.pem")
        [[ $cert == selfsigned ]] && chain=()
        cap_start "$name.pcap"
        # SECLEVEL=0 so OpenSSL agrees to use a 1024-bit RSA key and a
        # certificate signed with SHA-1 (refused as "ca md too weak" from
        # security level 1 up).
        srv "$name-srv" openssl s_server -accept "$PORT" -naccept 1 -rev \
            -tls1_2 -cert "$PKI/$cert.pem" -key "$PKI/$cert.key" \
            "${chain[@]}" -cipher 'DEFAULT:@SECLEVEL=0'
        talk "$name-cli" openssl s_client -connect "$S4:$PORT" \
            -servername "$NAME" -CAfile "$PKI/root.pem" -tls1_2 \
            -cipher 'DEFAULT:@SECLEVEL=0'
        srv_done
        cap_stop
    done
}

# Two connections to one s_server; the second resumes the first's session.
resume_pair() {  # resume_pair NAME 'SERVER ARGS' 'CLIENT ARGS'
    local name=$1
    local -a sargs cargs
    read -r -a sargs <<<"$2"
    read -r -a cargs <<<"$3"
    want "$name" || return 0
    cap_start "$name.pcap"
    srv "$name-srv" "${OSRV[@]}" -naccept 2 -rev "${sargs[@]}"
    talk "$name-cli1" "${OCLI[@]}" "${cargs[@]}" -sess_out "$WORK/$name.sess"
    talk "$name-cli2" "${OCLI[@]}" "${cargs[@]}" -sess_in "$WORK/$name.sess"
    srv_done
    cap_stop
    grep -q '^Reused' "$WORK/$name-cli2.out" ||
        { echo "$name: second connection was not resumed" >&2; return 1; }
}

sc_resumption() {
    resume_pair resumption-ticket12 "-tls1_2" "-tls1_2"
    resume_pair resumption-sessionid12 "-tls1_2 -no_ticket" "-tls1_2 -no_ticket"
    resume_pair resumption-psk13 "-tls1_3" "-tls1_3"
}

sc_early_data() {
    want early-data13 || return 0
    cap_start early-data13.pcap
    # Plain s_server mode (not -rev) is the one that reads early data.  It
    # also reads stdin and quits at EOF, so its stdin is a FIFO that this
    # shell holds open (fd 3) and never writes to.
    mkfifo "$WORK/early.stdin"
    exec 3<>"$WORK/early.stdin"
    ip netns exec "$SNS" "${OSRV[@]}" -naccept 2 -tls1_3 -early_data \
        <"$WORK/early.stdin" >"$WORK/early-srv.out" 2>"$WORK/early-srv.err" &
    SRV_PID=$!
    wait_listen "$SNS" "$PORT"
    talk early-cli1 "${OCLI[@]}" -tls1_3 -sess_out "$WORK/early.sess"
    talk early-cli2 "${OCLI[@]}" -tls1_3 -sess_in "$WORK/early.sess" \
        -early_data "$WORK/early.txt"
    srv_done
    exec 3>&-
    cap_stop
    grep -q 'early data line' "$WORK/early-srv.out" ||
        { echo "early-data13: server got no early data" >&2; return 1; }
}

sc_alerts() {
    if want alert-version; then
        # Client insists on TLS 1.3, server only does 1.2: protocol_version.
        cap_start alert-version.pcap
        srv alert-version-srv "${OSRV[@]}" -naccept 1 -rev -tls1_2
        talk alert-version-cli "${OCLI[@]}" -tls1_3 ||
            log "(alert-version client failed, as intended)"
        srv_done
        cap_stop
    fi
    if want alert-unknown-ca; then
        # Client trusts only the ECDSA root: unknown_ca, first over TLS 1.2,
        # then over TLS 1.3.  Both alerts are in the clear: the OpenSSL
        # client has not switched to its handshake write keys yet when it
        # rejects the server's Certificate.
        cap_start alert-unknown-ca.pcap
        srv alert-ca-srv "${OSRV[@]}" -naccept 2 -rev
        local -a bad=(openssl s_client -connect "$S4:$PORT" -servername "$NAME"
                      -CAfile "$PKI/ecroot.pem" -verify_return_error)
        talk alert-ca-cli12 "${bad[@]}" -tls1_2 ||
            log "(TLS 1.2 client failed, as intended)"
        talk alert-ca-cli13 "${bad[@]}" -tls1_3 ||
            log "(TLS 1.3 client failed, as intended)"
        srv_done
        cap_stop
    fi
}

sc_small_mss() {
    want small-mss || return 0
    # A 576-byte MTU on the client side (MSS 536 both ways) and a large
    # ClientHello: a 63-character SNI label, ten groups, five long ALPN names.
    local host alpn=h2,http/1.1 i
    local ffdhe=ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192
    host=a-rather-long-host-label-to-make-the-client-hello-bigger-00001
    host=$host.tlsglass.test
    for i in 1 2 3 4 5; do
        alpn+=,$(printf 'x-tlsglass-padding-protocol-%d-%0200d' "$i" 0 |
            cut -c1-200)
    done
    ip -n "$CNS" link set tgc0 mtu 576
    cap_start small-mss.pcap
    srv small-mss-srv "${OSRV[@]}" -naccept 1 -rev -tls1_3 -alpn h2
    talk small-mss-cli openssl s_client -connect "$S4:$PORT" \
        -servername "$host" -verify_hostname "$host" \
        -CAfile "$PKI/root.pem" -verify_return_error -alpn "$alpn" \
        -groups "X25519:P-256:X448:P-384:P-521:$ffdhe"
    srv_done
    cap_stop
    ip -n "$CNS" link set tgc0 mtu 1500
}

sc_ipv6() {
    want ipv6 || return 0
    ip -n "$CNS" addr add "$C6/64" dev tgc0 nodad
    ip -n "$SNS" addr add "$S6/64" dev tgs0 nodad
    cap_start ipv6.pcap
    srv ipv6-srv openssl s_server -accept "[$S6]:$PORT" -6 -naccept 1 -rev \
        -tls1_3 -cert "$PKI/leaf.pem" -key "$PKI/leaf.key" \
        -cert_chain "$PKI/int.pem"
    talk ipv6-cli openssl s_client -connect "[$S6]:$PORT" -servername "$NAME" \
        -verify_hostname "$NAME" -CAfile "$PKI/root.pem" -verify_return_error \
        -tls1_3
    srv_done
    cap_stop
    ip -n "$CNS" addr del "$C6/64" dev tgc0
    ip -n "$SNS" addr del "$S6/64" dev tgs0
}

# GnuTLS on both ends; gnutls-serv --echo sends each line back.
gnutls_pair() {  # gnutls_pair NAME PRIORITY
    local name=$1 prio=$2
    want "$name" || return 0
    cap_start "$name.pcap"
    srv "$name-srv" gnutls-serv --echo -p "$PORT" -a \
        --x509certfile "$PKI/leaf+int.pem" --x509keyfile "$PKI/leaf.key" \
        --priority "$prio"
    talk "$name-cli" gnutls-cli -p "$PORT" --x509cafile "$PKI/root.pem" \
        --sni-hostname "$NAME" --verify-hostname "$NAME" --priority "$prio" \
        "$S4"
    sleep 0.2
    kill "$SRV_PID" 2>/dev/null || true
    srv_done
    cap_stop
}

sc_gnutls() {
    gnutls_pair tls13-gnutls "NORMAL:-VERS-ALL:+VERS-TLS1.3"
    gnutls_pair tls12-gnutls "NORMAL:-VERS-ALL:+VERS-TLS1.2"
    gnutls_pair tls11-gnutls "NORMAL:-VERS-ALL:+VERS-TLS1.1"
    gnutls_pair tls10-gnutls "NORMAL:-VERS-ALL:+VERS-TLS1.0"
}

sc_curl() {
    want curl-https || return 0
    cap_start curl-https.pcap
    srv curl-srv env -C "$WORK/www" "${OSRV[@]}" -naccept 1 -WWW
    cli curl -sS --http1.1 --cacert "$PKI/root.pem" \
        --resolve "$NAME:$PORT:$S4" "https://$NAME:$PORT/index.html" \
        -o "$WORK/curl.body"
    srv_done
    cap_stop
}

sc_notls() {
    want notls || return 0
    cap_start notls.pcap
    SRV_LISTEN_PORT=8080 srv notls-srv python3 -m http.server 8080 \
        --bind "$S4" --directory "$WORK/www"
    cli curl -sS "http://$S4:8080/index.html" -o "$WORK/notls.body"
    sleep 0.2
    kill "$SRV_PID"
    srv_done
    cap_stop
}

sc_multi() {
    want multi || return 0
    # Two TLS sessions on one 4-tuple (client port 40000 both times; the
    # server closes first, so the TIME_WAIT is on its side and the client
    # may reuse the port), then a plain HTTP flow on port 8080.
    cap_start multi.pcap
    srv multi-srv env -C "$WORK/www" "${OSRV[@]}" -naccept 2 -WWW
    local i
    for i in 1 2; do
        cli curl -sS --http1.1 --local-port 40000 --cacert "$PKI/root.pem" \
            --resolve "$NAME:$PORT:$S4" "https://$NAME:$PORT/index.html" \
            -o "$WORK/multi$i.body"
        sleep 0.3
    done
    srv_done
    SRV_LISTEN_PORT=8080 srv multi-http python3 -m http.server 8080 \
        --bind "$S4" --directory "$WORK/www"
    cli curl -sS "http://$S4:8080/index.html" -o "$WORK/multi3.body"
    sleep 0.2
    kill "$SRV_PID"
    srv_done
    cap_stop
}

sc_sslv2() {
    want sslv2-hello || return 0
    cap_start sslv2-hello.pcap
    srv sslv2-srv "${OSRV[@]}" -naccept 1 -rev -tls1 \
        -cipher 'AES128-SHA:AES256-SHA:@SECLEVEL=0'
    cli python3 "$TOOLS/sslv2_hello.py" "$S4" "$PORT" >"$WORK/sslv2.out"
    cat "$WORK/sslv2.out" >&2
    srv_done
    cap_stop
}

# loss-reorder: tgc --veth-- tgb (lossy_bridge.py) --veth-- tgs, on a
# second subnet (10.77.1.0/24) so it does not disturb the direct link.
sc_loss() {
    want loss-reorder || return 0
    netns_new "$BNS"
    ip netns exec "$BNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    ip link add tgc1 netns "$CNS" address 02:77:00:00:01:01 type veth \
        peer name tgbc netns "$BNS"
    ip link add tgs1 netns "$SNS" address 02:77:00:00:01:02 type veth \
        peer name tgbs netns "$BNS"
    offloads_off "$CNS" tgc1
    offloads_off "$SNS" tgs1
    offloads_off "$BNS" tgbc
    offloads_off "$BNS" tgbs
    ip -n "$CNS" addr add 10.77.1.1/24 dev tgc1
    ip -n "$SNS" addr add 10.77.1.2/24 dev tgs1
    local dev
    for dev in tgbc tgbs; do ip -n "$BNS" link set "$dev" up; done
    ip -n "$CNS" link set tgc1 up
    ip -n "$SNS" link set tgs1 up
    # Static neighbours: no ARP in this capture, no wait for it either.
    ip -n "$CNS" neigh replace 10.77.1.2 lladdr 02:77:00:00:01:02 dev tgc1 \
        nud permanent
    ip -n "$SNS" neigh replace 10.77.1.1 lladdr 02:77:00:00:01:01 dev tgs1 \
        nud permanent
    # Server->client (b2a): drop data frames 2, 9, 16, ... and swap 5, 12,
    # 19, ... with their successor; client->server (a2b): hold back frame 1.
    bg bridge "$BNS" python3 "$TOOLS/lossy_bridge.py" tgbc tgbs \
        --drop b2a:7:2 --hold b2a:7:5 --hold a2b:100:1
    local bridge_pid=$BG_PID i
    for i in $(seq 100); do
        grep -q '^bridging' "$WORK/bridge.err" && break
        sleep 0.05
    done
    cap_start loss-reorder.pcap "$CNS" tgc1
    srv loss-srv env -C "$WORK/www" "${OSRV[@]}" -naccept 1 -WWW -tls1_2
    cli curl -sS --http1.1 --cacert "$PKI/root.pem" \
        --resolve "$NAME:$PORT:10.77.1.2" "https://$NAME:$PORT/big.txt" \
        -o "$WORK/loss.body"
    cmp -s "$WORK/loss.body" "$WORK/www/big.txt" ||
        { echo "loss-reorder: transfer corrupted" >&2; return 1; }
    srv_done
    cap_stop
    kill -TERM "$bridge_pid"
    wait "$bridge_pid" || true
    cat "$WORK/bridge.err" >&2
    ip netns del "$BNS"
}

# ---------------------------------------------------- risk captures ----
# Each of these makes one of docs/risks.md's findings happen on the wire.

# Weak suites.  Debian's OpenSSL 3 is built without DES, 3DES and RC4
# (`openssl ciphers ALL:@SECLEVEL=0` lists none), so those come from
# GnuTLS 3.7, which still has them when the priority string asks.  NULL
# and anonymous suites come from OpenSSL at security level 0.
sc_weak_ciphers() {
    local v12=NORMAL:-VERS-ALL:+VERS-TLS1.2
    gnutls_pair cipher-3des "$v12:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+ECDHE-RSA"
    gnutls_pair cipher-rc4-md5 \
        "$v12:-CIPHER-ALL:+ARCFOUR-128:-MAC-ALL:+MD5:-KX-ALL:+RSA"
    openssl_pair cipher-null "-tls1_2 -cipher NULL-SHA256:@SECLEVEL=0" \
        "-tls1_2 -cipher NULL-SHA256:@SECLEVEL=0"
    if want cipher-anon; then
        # No certificate is sent, so the client has nothing to verify.
        local adh='ADH-AES128-GCM-SHA256:@SECLEVEL=0'
        cap_start cipher-anon.pcap
        srv cipher-anon-srv "${OSRV[@]}" -naccept 1 -rev -tls1_2 -cipher "$adh"
        talk cipher-anon-cli openssl s_client -connect "$S4:$PORT" \
            -servername "$NAME" -tls1_2 -cipher "$adh"
        srv_done
        cap_stop
    fi
}

# One s_server (RSA leaf for server.tlsglass.test and *.tlsglass.test),
# three TLS 1.2 clients: a foreign name, a name two labels under the
# wildcard (which matches one label only), and one the wildcard covers.
sc_sni_mismatch() {
    want sni-mismatch || return 0
    cap_start sni-mismatch.pcap
    srv sni-srv "${OSRV[@]}" -naccept 3 -rev -tls1_2
    local host i=0
    for host in www.example.net a.b.tlsglass.test wild.tlsglass.test; do
        i=$((i + 1))
        talk "sni-cli$i" openssl s_client -connect "$S4:$PORT" \
            -servername "$host" -CAfile "$PKI/root.pem" -tls1_2
    done
    srv_done
    cap_stop
}

# reneg_signals FILE client|server: print the renegotiation signals of the
# ClientHellos or ServerHellos in FILE (extension 65281, SCSV 0x00ff).
reneg_signals() {
    local type=1
    [[ $2 == server ]] && type=2
    tshark -r "$1" -Y "tls.handshake.type == $type" -T fields \
        -e tls.handshake.extension.type -e tls.handshake.ciphersuite |
        tr '\t,' '\n\n' | grep -x -E '65281|0x00ff' || true
}

# No RFC 5746 secure renegotiation.  reneg-client-none: a GnuTLS client
# with %DISABLE_SAFE_RENEGOTIATION sends neither renegotiation_info nor the
# SCSV; OpenSSL's server still accepts a first handshake from it and
# answers without the extension.  reneg-server-none: the OpenSSL client
# signals, a GnuTLS server with %DISABLE_SAFE_RENEGOTIATION does not
# answer, and s_client goes on because of -legacy_server_connect (OpenSSL
# 3 refuses such servers by default).  Both are checked in the bytes.
sc_renegotiation() {
    local prio=NORMAL:-VERS-ALL:+VERS-TLS1.2:%DISABLE_SAFE_RENEGOTIATION
    if want reneg-client-none; then
        cap_start reneg-client-none.pcap
        srv reneg-c-srv "${OSRV[@]}" -naccept 1 -rev -tls1_2
        talk reneg-c-cli gnutls-cli -p "$PORT" --x509cafile "$PKI/root.pem" \
            --sni-hostname "$NAME" --verify-hostname "$NAME" \
            --priority "$prio" "$S4"
        srv_done
        cap_stop
        [[ -z $(reneg_signals "$OUT/reneg-client-none.pcap" client) ]] ||
            { echo "reneg-client-none: the client signalled" >&2; return 1; }
    fi
    if want reneg-server-none; then
        cap_start reneg-server-none.pcap
        srv reneg-s-srv gnutls-serv --echo -p "$PORT" -a \
            --x509certfile "$PKI/leaf+int.pem" --x509keyfile "$PKI/leaf.key" \
            --priority "$prio"
        talk reneg-s-cli "${OCLI[@]}" -tls1_2 -legacy_server_connect
        sleep 0.2
        kill "$SRV_PID" 2>/dev/null || true
        srv_done
        cap_stop
        local f=$OUT/reneg-server-none.pcap
        [[ -n $(reneg_signals "$f" client) ]] ||
            { echo "reneg-server-none: client did not signal" >&2; return 1; }
        [[ -z $(reneg_signals "$f" server) ]] ||
            { echo "reneg-server-none: server answered" >&2; return 1; }
    fi
}

# A ServerHello choosing DEFLATE cannot be had from these stacks: Debian's
# OpenSSL 3 is built without zlib (s_server -comp and s_client -comp still
# say "Compression: NONE") and GnuTLS dropped compression in 3.6.  So this
# capture is written by a program, with the run's real certificates.
sc_compression() {
    want compression-deflate || return 0
    log "synthetic compression-deflate.pcap"
    python3 "$TOOLS/synth_compression.py" --cert "$PKI/leaf.pem" \
        --cert "$PKI/int.pem" "$OUT/compression-deflate.pcap"
}

# --------------------------------------------------- derived captures ----

sc_derived() {
    local relink="python3 $TOOLS/pcap_relink.py"
    local edit="python3 $TOOLS/pcap_edit.py"
    if want tls12-openssl; then
        log "derived from tls12-openssl.pcap"
        $relink vlan "$OUT/tls12-openssl.pcap" "$OUT/vlan.pcap" --vid 100
        $relink qinq "$OUT/tls12-openssl.pcap" "$OUT/qinq.pcap" \
            --outer-vid 200 --vid 100
        # Cut in the middle of the server's first data frame (ServerHello
        # and the start of the Certificate message).
        local off
        off=$($edit offset "$OUT/tls12-openssl.pcap" --sport "$PORT" --nth 0)
        head -c "$off" "$OUT/tls12-openssl.pcap" >"$OUT/truncated.pcap"
        # Same frame's record header claims a 2 GiB packet.
        $edit corrupt "$OUT/tls12-openssl.pcap" "$OUT/corrupt.pcap" \
            --sport "$PORT" --nth 0 --caplen 0x7ffffff0
    fi
    if want tls13-openssl; then
        log "derived from tls13-openssl.pcap"
        $relink sll "$OUT/tls13-openssl.pcap" "$OUT/sll.pcap" \
            --local-mac "$SMAC"
        $relink sll2 "$OUT/tls13-openssl.pcap" "$OUT/sll2.pcap" \
            --local-mac "$SMAC" --ifindex 2
        $relink raw "$OUT/tls13-openssl.pcap" "$OUT/raw.pcap"
        $relink ipv4 "$OUT/tls13-openssl.pcap" "$OUT/raw-ipv4.pcap"
        $relink null "$OUT/tls13-openssl.pcap" "$OUT/null.pcap"
        editcap -F pcapng "$OUT/tls13-openssl.pcap" "$OUT/tls13-openssl.pcapng"
        editcap -F nsecpcap "$OUT/tls13-openssl.pcap" \
            "$OUT/tls13-openssl-nsec.pcap"
        # Picked up mid-connection: from the ClientHello on (no SYNs), and
        # from just after the ClientHello (the server's flight comes first).
        $edit keep-from "$OUT/tls13-openssl.pcap" "$OUT/midstream.pcap" --nth 0
        $edit keep-from "$OUT/tls13-openssl.pcap" \
            "$OUT/midstream-after-ch.pcap" --nth 0 --after
    fi
    if want big-chain-frag; then
        log "derived from big-chain-frag.pcap"
        # Capture loss: the server's second data frame, which lies wholly
        # inside the Certificate message, is deleted from the file.
        $edit drop "$OUT/big-chain-frag.pcap" "$OUT/gap.pcap" \
            --sport "$PORT" --nth 1
    fi
}

# ---------------------------------------------------------------- main ----

ONLY=("$@")

make_pki
make_net
sc_basic_openssl
sc_ecdsa
sc_bad_certs
sc_resumption
sc_early_data
sc_alerts
sc_small_mss
sc_ipv6
sc_gnutls
sc_curl
sc_notls
sc_multi
sc_sslv2
sc_loss
sc_weak_ciphers
sc_sni_mismatch
sc_renegotiation
sc_compression
sc_derived
# Tool versions and what tshark sees, for review and for diffs between runs.
{
    echo "# written by make-captures.sh on $(date -u +%Y-%m-%d)"
    echo "# $(openssl version)"
    echo "# gnutls $(gnutls-cli --version | sed -n '1s/^gnutls-cli //p')"
    echo "# $(curl --version | head -1)"
    echo "# tcpdump $(tcpdump --version 2>&1 | sed -n 's/^tcpdump version //p')"
    echo "# $(tshark --version 2>/dev/null | head -1)"
    echo "# $(uname -sr)"
    (cd "$OUT" && python3 "$TOOLS/summarize.py" ./*.pcap ./*.pcapng)
} >"$OUT/summary.txt"
log "done; see $OUT/summary.txt"
