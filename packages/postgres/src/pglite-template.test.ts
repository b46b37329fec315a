import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { ensure, type Operation, scoped, until, useAbortSignal } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { type PgliteOptions, sql, usePglite } from "./mod.js";

/** The `system_identifier` initdb drew for the database opened with `options`. */
function identifierOf(options: PgliteOptions): Operation<string> {
  return scoped(function* () {
    const db = yield* usePglite(options);
    const [row] = yield* db.query<{ id: string }>(
      sql`select system_identifier::text as id from pg_control_system()`,
    );
    return row?.id ?? "";
  });
}

describe("the PGlite template", () => {
  it("exists for the installed PGlite's major.minor line", function* () {
    const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
    const manifest = new URL("../package.json", pathToFileURL(entry));
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
    const line = version.split(".").slice(0, 2).join(".");
    const template = new URL(`./pglite-${line}-template.tar.br`, import.meta.url);
    // Without it every new database runs initdb; make it with `node scripts/pglite-template.mjs`.
    expect(existsSync(template), fileURLToPath(template)).toBe(true);
  });

  it("is where new databases start, in memory and in a directory, instead of initdb", function* () {
    const dir = mkdtempSync(join(tmpdir(), "skein-pglite-template-"));
    yield* ensure(() => rmSync(dir, { recursive: true, force: true }));
    // initdb draws a new identifier for every database it makes.
    const inMemory = yield* identifierOf({});
    expect(yield* identifierOf({})).toBe(inMemory);
    expect(yield* identifierOf({ dataDir: dir })).toBe(inMemory);
    expect(yield* identifierOf({ dataDir: dir })).toBe(inMemory);
  });

  it("keeps a new database in memory under 450 MB of peak RSS; initdb took 740", function* () {
    const fixture = fileURLToPath(new URL("../test/pglite-peak.ts", import.meta.url));
    // Aborted (the child killed) if the test ends first.
    const signal = yield* useAbortSignal();
    const { stdout } = yield* until(
      promisify(execFile)(
        process.execPath,
        ["--conditions=development", "--import", "tsx", fixture],
        { cwd: fileURLToPath(new URL("..", import.meta.url)), signal },
      ),
    );
    const peakMb = Number(stdout.trim());
    expect(peakMb).toBeGreaterThan(0);
    expect(peakMb).toBeLessThan(450);
  });
});
