#!/usr/bin/env bash
# Builds OpenTofu and the Octopus Terraform provider from the Go module proxy at the versions
# pinned in tools/tofu/go.mod and tools/provider/go.mod (go.sum pins their hashes), into
# ~/.cache/octoport-tools (override with OCTOPORT_TOOLS_CACHE). Skips what is already built.
# Also lays the provider out as a filesystem mirror, so `tofu init` installs it with no registry.
# Prints the two binaries' paths and the mirror directory. Exit 3 when Go is not installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${OCTOPORT_TOOLS_CACHE:-$HOME/.cache/octoport-tools}

if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed, so OpenTofu and the Octopus provider cannot be built" >&2
  exit 3
fi

version_of() { # module path, go.mod file
  awk -v m="$1" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$2"
}

build() { # name, tools dir, module, package, binary name
  local name=$1 dir=$2 module=$3 pkg=$4 bin=$5
  local version
  version=$(version_of "$module" "$root/tools/$dir/go.mod")
  [ -n "$version" ] || { echo "no pinned version of $module in tools/$dir/go.mod" >&2; exit 1; }
  local out="$cache/$name-$version/$bin"
  if [ ! -x "$out" ]; then
    echo "building $module@$version (a few minutes, once)" >&2
    mkdir -p "$(dirname "$out")"
    (cd "$root/tools/$dir" && go build -trimpath -o "$out.tmp" "$pkg")
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

build tofu tofu github.com/opentofu/opentofu github.com/opentofu/opentofu/cmd/tofu tofu
provider=$(build provider provider github.com/OctopusDeploy/terraform-provider-octopusdeploy \
  github.com/OctopusDeploy/terraform-provider-octopusdeploy terraform-provider-octopusdeploy)
echo "$provider"

# The mirror: <host>/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>.
version=$(basename "$(dirname "$provider")")
version=${version#provider-v}
platform="$(go env GOOS)_$(go env GOARCH)"
mirror="$cache/mirror"
for host in registry.opentofu.org registry.terraform.io; do
  dir="$mirror/$host/octopusdeploy/octopusdeploy/$version/$platform"
  if [ ! -e "$dir/terraform-provider-octopusdeploy_v$version" ]; then
    mkdir -p "$dir"
    ln -f "$provider" "$dir/terraform-provider-octopusdeploy_v$version" 2>/dev/null ||
      cp "$provider" "$dir/terraform-provider-octopusdeploy_v$version"
  fi
done
echo "$mirror"
