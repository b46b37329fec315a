/**
 * Internal. The program every Skein worker thread runs. It is plain CommonJS source started with
 * `new Worker(source, { eval: true })`: Node 20 cannot load a `.ts` file in a worker without a
 * loader (tsx's `--import` hook skips worker threads), and `tsc` would not copy a `.mjs` file
 * beside the built module. It imports `workerData.imports` and then `workerData.module` on the
 * first job, and answers each `{ id, name | source, args }` message with `{ id, ok, value | error }`.
 */
export const WORKER_BOOTSTRAP = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const TRANSFER = Symbol.for("@skein/core/transfer");
let loading;
function load() {
  loading ??= (async () => {
    for (const url of workerData.imports) await import(url);
    return workerData.module === null ? {} : await import(workerData.module);
  })();
  return loading;
}
async function call(message) {
  if (message.source !== undefined) {
    const fn = (0, eval)("(" + message.source + "\\n)");
    return fn(...message.args);
  }
  const fn = (await load())[message.name];
  if (typeof fn !== "function") {
    throw new TypeError(workerData.module + " has no exported function named " + JSON.stringify(message.name));
  }
  return fn(...message.args);
}
function describe(error) {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), stack: undefined };
  const out = { name: String(error.name), message: String(error.message), stack: error.stack };
  if (typeof error.code === "string" || typeof error.code === "number") out.code = error.code;
  return out;
}
parentPort.on("message", async (message) => {
  let reply;
  const transferList = [];
  try {
    let value = await call(message);
    if (typeof value === "object" && value !== null && value[TRANSFER] === true) {
      transferList.push(...value.transferList);
      value = value.value;
    }
    parentPort.postMessage({ id: message.id, ok: true, value }, transferList);
    return;
  } catch (error) {
    reply = { id: message.id, ok: false, error: describe(error) };
  }
  parentPort.postMessage(reply);
});
`;
