module pulumi-rio.test/engines/crds

go 1.26.0

require (
	github.com/cert-manager/cert-manager v1.21.1
	github.com/envoyproxy/gateway v1.9.0
	github.com/kedacore/http-add-on v0.15.0
	github.com/kedacore/keda/v2 v2.20.2
	github.com/traefik/traefik/v3 v3.7.13
	sigs.k8s.io/gateway-api v1.6.1
)
