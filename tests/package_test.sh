#!/usr/bin/env bash
# Installs a build into a temporary prefix and checks what lands there: the binary, the man
# page, the completion scripts, a CMake package that a small program builds against, and the
# Debian package CPack makes.   package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/llmplan share/man/man1/llmplan.1 share/bash-completion/completions/llmplan share/zsh/vendor-completions/_llmplan share/fish/vendor_completions.d/llmplan.fish \
         include/llmplan/rules/engine.hpp include/llmplan/version.hpp lib/cmake/llmplan/llmplanConfig.cmake; do
  [[ -f "$tmp/prefix/$f" ]] || { echo "FAILED: $f is not installed"; exit 1; }
done
bash -n "$tmp/prefix/share/bash-completion/completions/llmplan"
man -l "$tmp/prefix/share/man/man1/llmplan.1" >/dev/null 2>&1 || groff -man -Tutf8 -z "$tmp/prefix/share/man/man1/llmplan.1" 2>/dev/null || true
cmake -S "$src/tests/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/consumer" >/dev/null
answer=$("$tmp/consumer/consumer" "$src/examples/json-extractor.yaml")
[[ "$answer" == "few-shot" ]] || { echo "FAILED: the consumer printed '$answer'"; exit 1; }
(cd "$build" && cpack -G DEB -B "$tmp/deb" >/dev/null)
deb=$(ls "$tmp"/deb/*.deb)
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/llmplan ./usr/share/man/man1/llmplan.1 ./usr/share/bash-completion/completions/llmplan; do
  grep -q " $f\$" <<<"$contents" || { echo "FAILED: $f is not in $(basename "$deb")"; exit 1; }
done
echo "installed files, find_package consumer and $(basename "$deb"): ok"
echo "3 passed, 0 failed"
