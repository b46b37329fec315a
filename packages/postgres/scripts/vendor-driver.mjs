// Build step: put the patched postgres.js beside dist/ and point dist/server.js at it.
//
// The fixes in patches/postgres@3.4.9.patch are applied by pnpm inside this workspace only; a
// project installing @skein/postgres from its tarball would get the registry's driver, with the
// bugs the patch fixes (a COPY that wedges its connection, reconnects that hang). So the built
// package carries the driver it was tested with, as a bundler would inline it.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The package's exports hide its package.json: walk up from its entry to find its folder.
let driver = dirname(createRequire(join(root, "package.json")).resolve("postgres"));
const isDriverRoot = (dir) =>
  existsSync(join(dir, "package.json")) &&
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name === "postgres";
while (!isDriverRoot(driver)) {
  if (dirname(driver) === driver) throw new Error("vendor-driver: postgres.js not found");
  driver = dirname(driver);
}
const manifest = JSON.parse(readFileSync(join(driver, "package.json"), "utf8"));
const marker = "Patched (@skein/postgres)";
if (!readFileSync(join(driver, "src", "connection.js"), "utf8").includes(marker)) {
  console.error(`vendor-driver: ${driver} is not the patched postgres.js (run pnpm install)`);
  process.exit(1);
}
const target = join(root, "dist", "vendor", "postgres");
rmSync(target, { recursive: true, force: true });
cpSync(join(driver, "src"), join(target, "src"), { recursive: true });
writeFileSync(
  join(target, "package.json"),
  `${JSON.stringify(
    {
      name: "postgres",
      version: manifest.version,
      description: `${manifest.description}, with @skein/postgres's patches`,
      license: manifest.license,
      type: "module",
      private: true,
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(target, "NOTICE.md"),
  `postgres.js ${manifest.version} (${manifest.license}, https://github.com/porsager/postgres), ` +
    "its ESM sources with the changes in @skein/postgres's patches/postgres@" +
    `${manifest.version}.patch, each marked "${marker}".\n`,
);
const server = join(root, "dist", "server.js");
if (!existsSync(server)) {
  console.error("vendor-driver: dist/server.js is missing (run tsc first)");
  process.exit(1);
}
const code = readFileSync(server, "utf8");
const rewritten = code.replace(/from "postgres";/, 'from "./vendor/postgres/src/index.js";');
if (rewritten === code) {
  console.error('vendor-driver: dist/server.js no longer imports "postgres"');
  process.exit(1);
}
writeFileSync(server, rewritten);
console.log(`vendor-driver: postgres.js ${manifest.version} (patched) in dist/vendor/postgres`);
