#!/bin/sh
# Fetches the SARIF 2.1.0 JSON schema (OASIS, final "rtm.5" text) that the tests validate
# `llmplan check --format sarif` against. No Debian package ships it, so it comes from the npm
# registry, inside Microsoft's @microsoft/jest-sarif package (MIT), pinned by version and by
# the tarball's sha512. It is a test fixture only: nothing in the build reads it.
# Result: .deps/sarif-2.1.0-rtm.5.json in the source tree (ignored by git).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.deps/sarif-2.1.0-rtm.5.json"
[ -f "$dest" ] && exit 0

package="@microsoft/jest-sarif@1.0.0-beta.0"
integrity="sha512-A1fOhPd6Ic5iDk4F9YPw1qNB4XF+7+IviR7xl8r2F6QzQkx5cpY9LsGk2rExiFIEcBbjpVnSmwWGBukASkiQ9A=="
member="package/lib/schemas/sarif-2.1.0-rtm.5.json"

if ! command -v npm >/dev/null 2>&1; then
  echo "llmplan: installing npm (to fetch the SARIF schema for the tests)" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null 2>"$work/npm.log") || {
  cat "$work/npm.log" >&2
  echo "llmplan: could not fetch $package from the npm registry" >&2
  exit 1
}
tarball=$(ls "$work"/*.tgz)
actual="sha512-$(python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")"
if [ "$actual" != "$integrity" ]; then
  echo "llmplan: $package has integrity $actual, expected $integrity" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" "$member"
mkdir -p "$root/.deps"
mv "$work/$member" "$dest.tmp"
mv "$dest.tmp" "$dest"
echo "llmplan: SARIF 2.1.0 schema in .deps/" >&2
