#!/bin/sh
# Fails when a C++ source differs from what clang-format (.clang-format) would write.
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp' '*.hpp.in' | grep -v '\.in$')
clang-format --dry-run -Werror $files
echo "clang-format: $(echo "$files" | wc -l) files formatted"
