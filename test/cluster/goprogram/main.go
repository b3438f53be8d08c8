// A Go program against the Go SDK Pulumi's generator writes from the plugin's schema: package.test.ts generates the SDK
// into ./sdk (go.mod's replace) and builds this, as the README's Go example. Compiled, not run (no Go language host).
package main

import (
	"example.com/pulumi-rio/sdk/go/pulumirio"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		traefik := pulumirio.GatewayImplementationTraefik
		web, err := pulumirio.NewRioService(ctx, "web", &pulumirio.RioServiceArgs{
			Image:   pulumi.String("nginx:1.27-alpine"),
			Ports:   []string{"80:8080/http"},
			Gateway: pulumirio.GatewayPtr(&pulumirio.GatewayArgs{Domain: pulumi.StringRef("apps.example.com"), Implementation: &traefik}),
		})
		if err != nil {
			return err
		}
		ctx.Export("url", web.Url)
		return nil
	})
}
