import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Every public export of every package (what its src/mod.ts re-exports) carries a doc comment
// with an @example.

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Source files reachable from `entry`, each with the names it exports publicly (all: "*"). */
function modules(entry: string, names: Set<string> | "*" = "*"): Map<string, Set<string> | "*"> {
  const found = new Map<string, Set<string> | "*">();
  const visit = (file: string, wanted: Set<string> | "*") => {
    if (!existsSync(file) || found.has(file)) return;
    found.set(file, wanted);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/export\s+(\*|\{[^}]*\})\s+from\s+"(\.[^"]+)"/g)) {
      const target = join(dirname(file), match[2]!.replace(/\.js$/, ".ts"));
      const list =
        match[1] === "*"
          ? "*"
          : new Set(
              match[1]!
                .slice(1, -1)
                .split(",")
                .map((name) => name.replace(/^\s*type\s+/, "").trim())
                .filter(Boolean),
            );
      visit(target, list);
    }
  };
  visit(entry, names);
  return found;
}

function undocumented(file: string, names: Set<string> | "*"): string[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const missing: string[] = [];
  const checked = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const declaration =
      /^export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(function\*?|class|const|let|interface|type)\s+([A-Za-z_$][\w$]*)/.exec(
        lines[i]!,
      );
    if (declaration === null) continue;
    if (names !== "*" && !names.has(declaration[2]!)) continue;
    // An overload group is documented once, on its first signature.
    if (checked.has(declaration[2]!)) continue;
    checked.add(declaration[2]!);
    let j = i - 1;
    while (j >= 0 && /^\s*(\/\/.*)?$/.test(lines[j]!)) j--;
    if (j < 0 || !lines[j]!.trim().endsWith("*/")) {
      missing.push(`${declaration[2]} (no doc comment)`);
      continue;
    }
    let k = j;
    while (k >= 0 && !lines[k]!.includes("/**")) k--;
    const comment = lines.slice(Math.max(k, 0), j + 1).join("\n");
    if (!comment.includes("@example")) missing.push(`${declaration[2]} (no @example)`);
  }
  return missing;
}

/** The source files a package's exports map points at (its `development` conditions). */
function entries(name: string): string[] {
  const dir = join(root, "packages", name);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    exports?: Record<string, { development?: string }>;
  };
  const paths = Object.values(manifest.exports ?? {})
    .map((target) => target.development)
    .filter((path): path is string => path !== undefined);
  return paths.length > 0 ? paths.map((path) => join(dir, path)) : [join(dir, "src", "mod.ts")];
}

const packages = readdirSync(join(root, "packages")).filter((name) =>
  existsSync(join(root, "packages", name, "src", "mod.ts")),
);

describe("public exports", () => {
  it("are found for every package", () => {
    expect(packages).toEqual(expect.arrayContaining(["core", "http"]));
  });

  for (const name of packages) {
    it(`of @skein/${name} (every entry of its exports map) all have a doc comment with an @example`, () => {
      const report: string[] = [];
      const found = new Map<string, Set<string> | "*">();
      for (const entry of entries(name)) {
        for (const [file, names] of modules(entry)) if (!found.has(file)) found.set(file, names);
      }
      for (const [file, names] of found) {
        for (const missing of undocumented(file, names)) {
          report.push(`${file.slice(root.length + 1)}: ${missing}`);
        }
      }
      expect(report).toEqual([]);
    });
  }
});
