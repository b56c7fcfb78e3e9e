#!/bin/sh
# Installs the Debian packages llmplan needs to build and test, when they are missing.
# Run as root, or as a user with sudo. The only other download is a test fixture: the SARIF
# 2.1.0 JSON schema, from the npm registry (scripts/fetch-sarif-schema.sh).
#   --fuzz   also clang and its libFuzzer and sanitizer runtimes, for fuzz/run.sh
set -eu
packages="g++ make cmake libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libfmt-dev catch2 python3 python3-jsonschema python3-yaml clang-format dpkg-dev zsh chromium"  # zsh and chromium: the completion and HTML report tests
[ "${1:-}" = "--fuzz" ] && packages="$packages clang libclang-rt-14-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "llmplan: installing$missing" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
"$(dirname "$0")/fetch-sarif-schema.sh" || echo "llmplan: warning: no SARIF schema; only the sarif.schema test needs it" >&2
