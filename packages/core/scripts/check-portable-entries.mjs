// Fails when the module graph of @skein/core's portable entries (the main one and
// ./experimental) reaches a `node:` module or a Node built-in: those entries must load in
// browsers, Deno and edge workers. Node-only code belongs behind @skein/core/node.
// Usage: node packages/core/scripts/check-portable-entries.mjs
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const entries = ["src/mod.ts", "src/experimental/mod.ts"];
const builtins = new Set(builtinModules);

const found = [];
const recordNodeImports = {
  name: "record-node-imports",
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, "").split("/")[0];
      if (args.path.startsWith("node:") || builtins.has(bare)) {
        found.push(`${args.importer.slice(root.length)} imports "${args.path}"`);
        return { path: args.path, external: true };
      }
      return undefined;
    });
  },
};

await build({
  absWorkingDir: root,
  entryPoints: entries,
  bundle: true,
  write: false,
  outdir: "out",
  format: "esm",
  platform: "browser",
  conditions: ["development"],
  logLevel: "silent",
  plugins: [recordNodeImports],
});

if (found.length > 0) {
  console.error(`@skein/core's portable entries import Node built-ins:\n  ${found.join("\n  ")}`);
  console.error("Move that code behind @skein/core/node (src/node/).");
  process.exit(1);
}
console.log(`portable entries (${entries.join(", ")}) import no Node built-ins`);
