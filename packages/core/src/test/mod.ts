export * from "./bdd.js";
export { LeakedTasksError } from "./harness.js";
