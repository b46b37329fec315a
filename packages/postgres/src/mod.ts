export type { CustomTypes, TypeCodec } from "./custom-types.js";
export type {
  CursorOptions,
  Db,
  IsolationLevel,
  Queryable,
  Row,
  Transaction,
  TransactionOptions,
} from "./db.js";
export {
  ConnectionError,
  CustomTypeError,
  DataDirLockedError,
  InvalidArgumentError,
  type LockHolder,
  NotSupportedError,
  PoolTimeoutError,
  PostgresError,
  type PostgresErrorFields,
  type PostgresErrorKind,
} from "./errors.js";
export type { Notice } from "./notice.js";
export type { PostgresOptions, SslMode } from "./options.js";
export { type PgliteOptions, usePglite } from "./pglite.js";
export type { PgliteSettings } from "./pglite-settings.js";
export type { PoolStats } from "./pool-stats.js";
export { Postgres, type PostgresApi, type PostgresQuery } from "./postgres-api.js";
export type { Result } from "./result.js";
export type { SessionSettings } from "./session-settings.js";
export { type CompiledQuery, compile, type Fragment, type SqlTag, sql } from "./sql.js";
export { usePostgres } from "./use-postgres.js";
