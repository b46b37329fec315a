import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const folder = join(dirname(fileURLToPath(import.meta.url)), "..", "examples");
const examples = readdirSync(folder)
  .filter((file) => file.endsWith(".ts") && file !== "run-all.ts")
  .sort();

function runExample(
  file: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--conditions=development", join(folder, file)],
      { cwd: folder, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe("the core examples", () => {
  it("include at least the basic ones", () => {
    expect(examples).toEqual(expect.arrayContaining(["hello.ts", "cleanup.ts", "resource.ts"]));
  });

  for (const file of examples) {
    it(`${file} runs to completion and exits 0`, async () => {
      const { code, stdout, stderr } = await runExample(file);
      expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
      expect(stdout.length + stderr.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
