import { all, run, sleep, suspend, createSemaphore, race } from "./src/mod.ts";
import { canFollowFrames } from "./src/engine/frames.ts";
console.log("canFollowFrames", canFollowFrames());
const variant = process.argv[2];
function* tryNode() { try { yield* sleep(0); } catch {} finally { console.log("finally start"); yield* all([sleep(2), sleep(1)]); console.log("finally end"); } }
function* op() { yield* tryNode(); console.log("after try (should not run after halt)"); if (variant === "race") yield* race([sleep(3), sleep(2)]); yield* suspend(); }
const task = run(op);
await new Promise((r) => setImmediate(r)); await new Promise((r) => setImmediate(r));
console.log("halting");
const t = setTimeout(() => { console.log("HANG"); process.exit(1); }, 1000);
await task.halt();
clearTimeout(t);
console.log("halted ok");
