//go:build tools

// Package tools pins Octoterra's command for `go build`.
package tools

import _ "github.com/OctopusSolutionsEngineering/OctopusTerraformExport/cmd/cli"
