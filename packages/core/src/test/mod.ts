export * from "./bdd.js";
export { LeakedTasksError } from "./harness.js";
export * from "./suite-resource.js";
export * from "./virtual-clock.js";
export * from "./wait-all-tasks-blocked.js";
