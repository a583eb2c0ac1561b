#!/bin/bash
# tests/lint.sh - the static checks of `make lint` (STYLE.md "Build"):
#   1. clang-format: every C file laid out as .clang-format says;
#   2. clang-tidy:   the checks of .clang-tidy, each .c file in parallel;
#   3. cppcheck:     warning, performance and portability findings;
#   4. banned libc calls (sprintf strcpy strcat strncpy strtok atoi sscanf
#      gets alloca and their kin).
# Each part prints what it found; the script fails if any part found
# anything, or if one of the tools is missing (CI installs them: .ci/run).
# A false positive is suppressed in the source with a reason:
# NOLINT(check): ... for clang-tidy, cppcheck-suppress id ... for cppcheck.
set -u
cd "$(dirname "$0")/.."
shopt -s nullglob

C_FILES=(analyzer/*.c dissectors/*.c fuzz/*.c tests/unit/*.c bench/*.c)
H_FILES=(analyzer/*.h dissectors/*.h fuzz/*.h tests/unit/*.h bench/*.h)
JOBS=$(nproc 2>/dev/null || echo 2)
PKGS="libpcap libndpi libcjson libcrypto"
status=0

fail() {
    echo "lint: $*"
    status=1
}

have() {
    command -v "$1" >/dev/null 2>&1 && return 0
    fail "$1 not installed"
    return 1
}

part() {
    echo "== lint: $*"
}

part "clang-format"
if have clang-format; then
    if clang-format --dry-run --Werror "${C_FILES[@]}" "${H_FILES[@]}"; then
        echo "clang-format: clean"
    else
        fail "clang-format: files differ from .clang-format (run clang-format -i on them)"
    fi
fi

part "clang-tidy"
if have clang-tidy && have pkg-config; then
    # The flags of the Makefile's build, library headers as system headers.
    pkg=$(pkg-config --cflags $PKGS | sed 's/-I/-isystem /g')
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    # One clang-tidy per file; each writes its own log, so parallel output
    # does not interleave. A header finding shows up once per includer:
    # the paths are normalised and the lines deduplicated below.
    printf '%s\n' "${C_FILES[@]}" |
        xargs -P"$JOBS" -I{} sh -c \
            'clang-tidy --quiet "$1" -- -std=c11 -D_GNU_SOURCE -DTG_VERSION="\"lint\"" \
                 -Idissectors -Ianalyzer '"$pkg"' \
                 >"$2/$(echo "$1" | tr / _).log" 2>&1 || echo "$1" >>"$2/failed"' \
            _ {} "$out"
    findings=$(cat "$out"/*.log | sed -E -e "s|^$PWD/||" -e ':a' -e 's|[^/ ]+/\.\./||' -e 'ta' |
        grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' | sort -u)
    if [ -n "$findings" ]; then
        echo "$findings"
        fail "clang-tidy: $(echo "$findings" | wc -l) finding(s) (details: clang-tidy FILE -- FLAGS)"
    elif [ -s "$out/failed" ]; then
        cat "$out"/*.log
        fail "clang-tidy: failed on $(tr '\n' ' ' <"$out/failed")"
    else
        echo "clang-tidy: clean (${#C_FILES[@]} files)"
    fi
fi

part "cppcheck"
if have cppcheck; then
    # One process, no -j: cppcheck's whole-program checks (ctu*) run only then.
    if cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
        --inline-suppr --std=c11 -D_GNU_SOURCE -Idissectors -Ianalyzer \
        --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
        "${C_FILES[@]}"; then
        echo "cppcheck: clean"
    else
        fail "cppcheck: findings above"
    fi
fi

part "banned calls"
banned=$(grep -n -E '\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|atoll|sscanf|gets|alloca)\s*\(' \
    "${C_FILES[@]}" "${H_FILES[@]}")
if [ -n "$banned" ]; then
    echo "$banned"
    fail "banned calls above (STYLE.md: use snprintf, memcpy with a checked length, strtol...)"
else
    echo "banned calls: none"
fi

if [ $status -eq 0 ]; then
    echo "lint: clean"
else
    echo "lint: FAILED"
fi
exit $status
