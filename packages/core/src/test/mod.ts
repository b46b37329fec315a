export * from "./bdd.js";
export * from "./find-task.js";
export { LeakedTasksError } from "./harness.js";
export * from "./suite-resource.js";
export * from "./virtual-clock.js";
export * from "./wait-all-tasks-blocked.js";
