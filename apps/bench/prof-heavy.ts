import { spawn } from "node:child_process";
import { run, until } from "@skein/core";
import { useHeavySite } from "./src/heavy-site.js";
const [kind, ...extra] = process.argv.slice(2);
await run(function* () {
  const site = yield* useHeavySite({ pages: 530 });
  yield* until(new Promise<void>((resolve) => {
    const p = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/prof18", "--conditions=development", "--import", "tsx", "src/crawl-child.ts", kind!, site.origin, "64", ...extra], { stdio: "inherit" });
    p.on("exit", () => resolve());
  }));
});
