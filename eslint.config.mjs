// typescript-eslint's recommended rules, as the Pulumi component libraries lint; Prettier owns the layout.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["dist/**", "dist-*/**", "node_modules/**", "test/cluster/engines/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            // `_`-prefixed parameters and variables are deliberately unused (callbacks with fixed signatures).
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            // Riofile values are checked for control characters on purpose (they would corrupt YAML and terminals).
            "no-control-regex": "off",
        },
    },
    {
        // Tests and benchmarks read untyped YAML/JSON and load modules fresh (require) to isolate Pulumi's runtime state.
        files: ["test/**/*.ts", "bench/**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
        },
    },
);
