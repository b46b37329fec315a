import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Every package's examples/*.ts runs as its own process and must exit 0. Postgres examples run
// on embedded PGlite: the PG* variables are left out of their environment.

const packages = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function examplesOf(name: string): { folder: string; files: string[] } {
  const folder = join(packages, name, "examples");
  const files = existsSync(folder)
    ? readdirSync(folder)
        .filter((file) => file.endsWith(".ts") && file !== "run-all.ts")
        .sort()
    : [];
  return { folder, files };
}

function embeddedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^PG|^DATABASE_URL$/.test(key)),
  );
}

function runExample(
  folder: string,
  file: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--conditions=development", join(folder, file)],
      { cwd: folder, timeout: 60_000, env: embeddedEnvironment() },
      (error, stdout, stderr) => {
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const expected: Record<string, string[]> = {
  core: ["hello.ts", "cleanup.ts", "resource.ts", "timeout.ts", "task-tree.ts"],
  http: ["concurrent-fetcher.ts", "json-api.ts", "sse.ts"],
  postgres: ["transfer.ts", "export-cursor.ts", "listen-worker.ts"],
};

for (const [name, basics] of Object.entries(expected)) {
  const { folder, files } = examplesOf(name);
  describe(`the ${name} examples`, () => {
    it("include at least the basic ones", () => {
      expect(files).toEqual(expect.arrayContaining(basics));
    });

    for (const file of files) {
      it(`${file} runs to completion and exits 0`, async () => {
        const { code, stdout, stderr } = await runExample(folder, file);
        expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
        expect(stdout.length + stderr.length).toBeGreaterThan(0);
      }, 60_000);
    }
  });
}
