export * from "./db.js";
export * from "./errors.js";
export * from "./options.js";
export * from "./pglite.js";
export * from "./sql.js";
export * from "./use-postgres.js";
