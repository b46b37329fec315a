// Runs every example in a folder (this one, or the one given as the first argument), one
// process each (they use main(), which exits), and fails if any of them fails. The other
// packages' `examples` scripts run it on their own folders.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = resolve(process.argv[2] ?? dirname(fileURLToPath(import.meta.url)));
const examples = readdirSync(here)
  .filter((file) => file.endsWith(".ts") && file !== "run-all.ts")
  .sort();

let failed = 0;
for (const file of examples) {
  console.log(`\n── ${file}`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=development", join(here, file)],
    { stdio: "inherit", cwd: here, timeout: 60_000 },
  );
  if (result.status !== 0) {
    failed++;
    console.error(`✗ ${file} exited with ${result.status ?? result.signal}`);
  }
}
console.log(`\n${examples.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
