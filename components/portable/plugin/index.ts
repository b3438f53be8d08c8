/**
 * The schema analyzer's entry point for the pulumi-rio plugin: Pulumi's analyzer starts at a package's `index.ts`
 * and looks for the components in the files it exports. The plugin itself runs dist/components/portable/main.js.
 */
export * from "..";
