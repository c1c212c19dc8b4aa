#!/usr/bin/env bash
# Builds Octoterra (github.com/OctopusSolutionsEngineering/OctopusTerraformExport) from the Go
# module proxy at the version pinned in tools/octoterra/go.mod, into
# ~/.cache/octoport-tools/octoterra-<version>/octoterra, for `npm run bench`. Prints the path.
# Exit 3 when Go is not installed; 1 with the proxy's answer when the module cannot be had.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${OCTOPORT_TOOLS_CACHE:-$HOME/.cache/octoport-tools}
module=github.com/OctopusSolutionsEngineering/OctopusTerraformExport
command -v go >/dev/null 2>&1 || { echo "Go is not installed, so Octoterra cannot be built" >&2; exit 3; }
version=$(awk -v m="$module" '$1 == "require" && $2 == m { print $3 }' "$root/tools/octoterra/go.mod")
out="$cache/octoterra-$version/octoterra"
if [ ! -x "$out" ]; then
  echo "building $module@$version (a few minutes, once)" >&2
  mkdir -p "$(dirname "$out")"
  (cd "$root/tools/octoterra" && GOFLAGS=-mod=mod go build -trimpath -o "$out.tmp" "$module/cmd/cli") || {
    echo "cannot build $module@$version from the Go module proxy (see above)" >&2
    exit 1
  }
  mv "$out.tmp" "$out"
fi
echo "$out"
