// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider for the cluster tier.
//
// Upstream's own main package embeds schema-embed.json and terraform-mapping-embed.json, which its
// `go generate` writes and git ignores, so they are not in the module zip and that package cannot be
// built from the module proxy. This main does the same thing: `npm run engines` writes both files here
// from the module's schema.json (with its version set) and terraform-mapping.json, then builds it.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
