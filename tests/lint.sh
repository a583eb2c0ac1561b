#!/bin/bash
# tests/lint.sh - static checks: banned libc calls (STYLE.md). clang-format,
# clang-tidy and cppcheck runs are to come (issue "Hostile input").
set -u
cd "$(dirname "$0")/.."
status=0
banned=$(grep -n -E '\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|sscanf|gets|alloca)\s*\(' \
    analyzer/*.[ch] dissectors/*.[ch] fuzz/*.c 2>/dev/null)
if [ -n "$banned" ]; then
    echo "banned calls:"
    echo "$banned"
    status=1
fi
[ $status -eq 0 ] && echo "lint: clean"
exit $status
