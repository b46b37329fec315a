// Runs each example in its own process (main() exits when its operation ends) and fails if
// any of them fails.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const examples = readdirSync(here)
  .filter((file) => file.endsWith(".ts") && file !== "run-all.ts")
  .sort();

let failed = 0;
for (const file of examples) {
  console.log(`\n── ${file}`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=development", join(here, file)],
    { stdio: "inherit", cwd: here, timeout: 120_000 },
  );
  if (result.status !== 0) {
    failed++;
    console.error(`✗ ${file} exited with ${result.status ?? result.signal}`);
  }
}
console.log(`\n${examples.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
