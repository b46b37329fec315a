export * from "./ps-error.js";
export * from "./ps-format.js";
export * from "./read-task-tree.js";
export * from "./readable.js";
export * from "./to-thread.js";
export { type Transfer, transfer } from "./transfer.js";
export * from "./worker-errors.js";
export * from "./worker-pool.js";
