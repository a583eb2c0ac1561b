#!/bin/bash
# tests/cli.sh TLSGLASS - the command line: inputs, outputs, filters, exit
# status (README "Exit status"). Prints "N passed, M failed".
set -u
T=${1:-build/asan/tlsglass}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # description, then a condition already evaluated as $?
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1"
    fi
}
status() { # expected-status command...
    local want=$1
    shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    [ "$got" -eq "$want" ]
    check "exit $want from: $* (got $got: $(head -c 200 "$tmp/err"))" $?
}
records() { grep -c '"type":"tls"' "$1"; }

status 0 "$T" -r captures/tls13-openssl.pcap
[ "$(records "$tmp/out")" -eq 1 ]
check "one record for tls13-openssl.pcap" $?

# Standard input, and several files read as one timeline.
"$T" -r - <captures/tls12-openssl.pcap >"$tmp/stdin.out" 2>/dev/null
check "-r - reads standard input" $?
[ "$(records "$tmp/stdin.out")" -eq 1 ]
check "one record from standard input" $?
status 0 "$T" -r captures/tls13-openssl.pcap -r captures/multi.pcap -r captures/notls.pcap
[ "$(records "$tmp/out")" -eq 3 ]
check "three records from three files" $?

# -w writes the records to a file; stdout stays empty.
status 0 "$T" -r captures/multi.pcap -w "$tmp/w.ndjson"
[ ! -s "$tmp/out" ] && [ "$(records "$tmp/w.ndjson")" -eq 2 ]
check "-w writes both records to the file" $?

# A BPF filter as trailing arguments, and from a file.
status 0 "$T" -r captures/multi.pcap 'tcp port 9999'
[ "$(records "$tmp/out")" -eq 0 ]
check "a filter that matches nothing gives no record" $?
status 0 "$T" -r captures/multi.pcap tcp port 8443
[ "$(records "$tmp/out")" -eq 2 ]
check "a filter in several arguments" $?
echo 'tcp and port 8443' >"$tmp/filter"
status 0 "$T" -r captures/multi.pcap -F "$tmp/filter"
[ "$(records "$tmp/out")" -eq 2 ]
check "-F reads the filter from a file" $?

# --pretty output is still one JSON document per record.
status 0 "$T" -r captures/tls12-openssl.pcap --pretty
python3 -c 'import json,sys; json.loads(sys.stdin.read())' <"$tmp/out"
check "--pretty writes valid JSON" $?

# --emit=handshake: a record when each handshake ends, then a final update
# with the same uid when its flow ends.
status 0 "$T" -r captures/resumption-ticket12.pcap --emit=handshake
python3 - "$tmp/out" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 4, len(recs)
first, final = recs[:2], recs[2:]
assert [r.get("update") for r in first] == [None, None]
assert [r.get("update") for r in final] == [True, True]
assert sorted(r["uid"] for r in first) == sorted(r["uid"] for r in final)
for a in first:
    b = next(r for r in final if r["uid"] == a["uid"])
    assert b["server_bytes"] >= a["server_bytes"] and b["state"] == a["state"]
PY
check "--emit=handshake writes a record and its update" $?
status 1 "$T" -r captures/tls12-openssl.pcap --emit=sometimes

# Exit status.
status 1 "$T"
status 1 "$T" --no-such-option -r captures/tls12-openssl.pcap
status 1 "$T" -r captures/tls12-openssl.pcap 'tcp port nonsense'
status 2 "$T" -r "$tmp/does-not-exist.pcap"
echo "not a capture" >"$tmp/text.pcap"
status 2 "$T" -r "$tmp/text.pcap"
status 4 "$T" -r captures/truncated.pcap
[ "$(records "$tmp/out")" -eq 1 ] && grep -q 'damaged' "$tmp/err"
check "a truncated file: its session still written, damage named on stderr" $?
status 4 "$T" -r captures/corrupt.pcap
grep -q 'corrupt.pcap:6:' "$tmp/err"
check "the damaged packet's number is in the message" $?
# An unreadable input among readable ones: the others are still read.
status 2 "$T" -r "$tmp/does-not-exist.pcap" -r captures/tls12-openssl.pcap
[ "$(records "$tmp/out")" -eq 1 ]
check "the readable input is still read" $?
if [ -w /dev/full ]; then
    status 3 "$T" -r captures/multi.pcap -w /dev/full
fi
# A closed pipe ends quietly with status 0.
"$T" -r captures/multi.pcap -r captures/tls13-openssl.pcap 2>"$tmp/err" | head -c 1 >/dev/null
[ "${PIPESTATUS[0]}" -eq 0 ] && [ ! -s "$tmp/err" ]
check "EPIPE: status 0, nothing on stderr" $?
"$T" --help | grep -q 'Exit status'
check "--help documents the exit status" $?
"$T" --version | grep -q 'tlsglass'
check "--version" $?

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
