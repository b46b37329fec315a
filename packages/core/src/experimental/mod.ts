export * from "./api.js";
export { createApi } from "./create-api.js";
export * from "./invalid-api-error.js";
