// Octoterra, the tool the benchmark compares octoport with, pinned for scripts/build-octoterra.sh.
module octoport.local/tools/octoterra

go 1.25.0

require github.com/OctopusSolutionsEngineering/OctopusTerraformExport v1.19.15
