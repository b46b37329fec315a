// Fails when a public export has no doc comment with an `@example`: every name each entry of
// each workspace package's `exports` map gives its users (packages/*, apps/*). An entry is read
// from its TypeScript source, the file its `development` condition names (else any `.ts`
// target of its conditions); each name counts once per entry, however many conditions lead to
// it. Re-exports are followed to the declaration, where the doc comment must be.
// Usage: node .ci/check-docs.mjs [package-dir...]   (default: every workspace package)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The package directories pnpm-workspace.yaml lists (`dir` or `dir/*` lines only). */
function workspacePackages() {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const list = /^packages:\n((?:[ \t]+-.*\n?)+)/m.exec(yaml);
  if (list === null) throw new Error("pnpm-workspace.yaml has no packages: list");
  return list[1]
    .split("\n")
    .map((line) => line.replace(/^\s*-\s*/, "").replace(/^["']|["']$/g, ""))
    .filter((pattern) => pattern !== "")
    .flatMap((pattern) => {
      if (!pattern.includes("*")) return [join(root, pattern)];
      if (!pattern.endsWith("/*") || pattern.slice(0, -2).includes("*")) {
        throw new Error(`pnpm-workspace.yaml: cannot expand ${pattern} (only dir/* is supported)`);
      }
      const parent = join(root, pattern.slice(0, -2));
      return readdirSync(parent, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(parent, entry.name));
    })
    .filter((dir) => existsSync(join(dir, "package.json")));
}

/** `exports` as a map from subpath to target, whichever of its shorthands the package uses. */
function subpaths(exportsField) {
  if (exportsField === undefined) return {};
  if (typeof exportsField === "string" || Array.isArray(exportsField)) return { ".": exportsField };
  const keys = Object.keys(exportsField);
  return keys.some((key) => key.startsWith(".")) ? exportsField : { ".": exportsField };
}

/** The TypeScript sources a target leads to: the `development` ones if any, else every `.ts`. */
function sourcesOf(target) {
  const development = [];
  const other = [];
  const walk = (value, underDevelopment) => {
    if (typeof value === "string") {
      if (value.endsWith(".ts") && !value.endsWith(".d.ts")) {
        (underDevelopment ? development : other).push(value);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, underDevelopment);
    } else if (value !== null && typeof value === "object") {
      for (const [condition, item] of Object.entries(value)) {
        walk(item, underDevelopment || condition === "development");
      }
    }
  };
  walk(target, false);
  return [...new Set(development.length > 0 ? development : other)];
}

function hasExample(node) {
  return ts
    .getJSDocTags(node)
    .some((tag) => tag.tagName.text === "example" && ts.getTextOfJSDocComment(tag.comment)?.trim());
}

/** Whether the documentation users see for `symbol` carries a non-empty `@example`. */
function documented(checker, symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declarations = target.declarations ?? [];
  // `export * as ns from "./x.js"`: the module has no doc comment; the export line carries it.
  if (declarations.length > 0 && declarations.every(ts.isSourceFile)) {
    return (symbol.declarations ?? []).some((d) => hasExample(d) || hasExample(d.parent));
  }
  // Overloads and merged declarations (a value and a type of one name): one doc comment serves.
  return declarations.some(hasExample);
}

const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : null;
const packages = [];
for (const dir of dirs ?? workspacePackages()) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const entries = Object.entries(subpaths(manifest.exports))
    .filter(([, target]) => target !== null)
    .map(([subpath, target]) => ({
      subpath,
      sources: sourcesOf(target).map((file) => join(dir, file)),
    }));
  if (entries.length > 0) packages.push({ name: manifest.name ?? relative(root, dir), entries });
}

const config = ts.getParsedCommandLineOfConfigFile(
  join(root, "tsconfig.base.json"),
  { noEmit: true },
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(d.messageText) },
);
if (config === undefined) process.exit(1);
const program = ts.createProgram(
  packages.flatMap((p) => p.entries.flatMap((e) => e.sources)),
  config.options,
);
const checker = program.getTypeChecker();

const gaps = [];
let exportCount = 0;
let entryCount = 0;
for (const { name, entries } of packages) {
  for (const { subpath, sources } of entries) {
    entryCount++;
    if (subpath.includes("*")) {
      gaps.push(`${name} ${subpath} (pattern entries are not checked: list the subpaths)`);
      continue;
    }
    if (sources.length === 0) {
      gaps.push(`${name} ${subpath} (no TypeScript source: add a development condition)`);
      continue;
    }
    // Name to whether it is documented in every source of this entry that exports it.
    const names = new Map();
    for (const file of sources) {
      const module = program.getSourceFile(file);
      const symbol = module && checker.getSymbolAtLocation(module);
      if (symbol === undefined) {
        gaps.push(`${name} ${subpath} (${relative(root, file)} is missing or not a module)`);
        continue;
      }
      for (const exported of checker.getExportsOfModule(symbol)) {
        const ok = documented(checker, exported);
        names.set(exported.name, (names.get(exported.name) ?? true) && ok);
      }
    }
    exportCount += names.size;
    for (const [exported, ok] of names) if (!ok) gaps.push(`${name} ${subpath} ${exported}`);
  }
}

if (gaps.length > 0) {
  console.error(`${gaps.length} public exports without a doc comment with an @example:`);
  for (const gap of gaps) console.error(`  ${gap}`);
  process.exit(1);
}
console.log(`${exportCount} exports in ${entryCount} entries, all with @example`);
