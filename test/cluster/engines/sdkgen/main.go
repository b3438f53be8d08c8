// Command pulumi-rio-sdkgen writes a language SDK for a Pulumi package schema with Pulumi's own code generators,
// for the cluster tier.
//
// `pulumi package add` and `pulumi package gen-sdk` hand the schema to the language's host
// (`pulumi-language-python`, `pulumi-language-go`), whose GeneratePackage runs the generator of
// github.com/pulumi/pulumi/pkg/v3/codegen/<language>. The Go module proxy serves neither host's module
// (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3 and sdk/go/pulumi-language-go/v3 answer 403),
// but it serves pkg/v3, so this command runs those same generators, at the version the Pulumi CLI is built at, on
// the schema `pulumi package get-schema` printed. No generator logic lives here. .NET and Java are not covered:
// their generators live in pulumi-dotnet and pulumi-java, which the proxy does not serve either.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noDependencies refuses every package reference: pulumi-rio's schema refers to no other package, and an SDK that
// suddenly needed one should fail here rather than be generated against nothing.
type noDependencies struct{}

var errNoDependencies = errors.New("the schema refers to another package; pulumi-rio's must not")

func (noDependencies) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoDependencies
}

func (noDependencies) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoDependencies
}

func (noDependencies) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoDependencies
}

func (noDependencies) LoadPackageReferenceV2(
	context.Context, *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, errNoDependencies
}

func generate(language string, pkg *schema.Package) (map[string][]byte, error) {
	switch language {
	case "python":
		return pygen.GeneratePackage("pulumi-rio-sdkgen", pkg, nil, noDependencies{})
	case "go":
		return gogen.GeneratePackage("pulumi-rio-sdkgen", pkg, nil)
	default:
		return nil, fmt.Errorf("unknown language %q (python or go)", language)
	}
}

func run() error {
	schemaFile := flag.String("schema", "", "the package schema (JSON, as `pulumi package get-schema` prints it)")
	language := flag.String("language", "", "python or go")
	out := flag.String("out", "", "the folder to write the SDK into (emptied first, as gen-sdk does)")
	flag.Parse()
	if *schemaFile == "" || *language == "" || *out == "" {
		return errors.New("usage: pulumi-rio-sdkgen -schema FILE -language python|go -out DIR")
	}
	data, err := os.ReadFile(*schemaFile)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: %w", *schemaFile, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noDependencies{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s: %s", *schemaFile, diags.Error())
	}
	files, err := generate(*language, pkg)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(*out); err != nil {
		return err
	}
	for name, content := range files {
		p := filepath.Join(*out, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("%d files\n", len(files))
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-rio-sdkgen:", err)
		os.Exit(1)
	}
}
