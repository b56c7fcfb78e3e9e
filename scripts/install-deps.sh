#!/bin/sh
# Installs the Debian packages llmplan needs to build and test, when they are missing.
# Run as root, or as a user with sudo. Nothing is downloaded from anywhere else.
set -eu
packages="g++ make cmake libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libfmt-dev catch2 python3 python3-jsonschema python3-yaml clang-format dpkg-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "llmplan: installing$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
