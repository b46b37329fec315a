import type { ConnectionOptions } from "node:tls";
import { type CustomTypes, checkTypes } from "./custom-types.js";
import { InvalidArgumentError } from "./errors.js";
import type { Notice } from "./notice.js";
import type { PgliteSettings } from "./pglite-settings.js";
import { type SessionSettings, sessionEntries } from "./session-settings.js";

/** The largest pool `max` may ask for. */
const MAX_POOL_SIZE = 1_000;

/**
 * Options for {@link usePostgres}. For every connection setting the first of these wins: the
 * explicit option, then the URL (`url`, else `DATABASE_URL`), then the `PG*` environment
 * variables (`PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`, `PGSSLMODE`,
 * `PGAPPNAME`), then the default written on the option. Durations are milliseconds. A variable
 * set to the empty string (`DATABASE_URL=` in a `.env` file) counts as unset.
 *
 * Without `embedded`, the server backend is used when a URL, a `host`, or any of
 * `DATABASE_URL`, `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER` is set; otherwise an in-memory
 * PGlite is started.
 *
 * @example
 * ```ts
 * import type { PostgresOptions } from "@skein/postgres";
 *
 * const options: PostgresOptions = {
 *   url: "postgres://postgres@127.0.0.1:5432/test",
 *   max: 20,
 *   acquireTimeout: 2_000,
 *   statementTimeout: 30_000,
 * };
 * ```
 */
export interface PostgresOptions {
  /**
   * `postgres://user:password@host:port/database?sslmode=require`. As in libpq, the query's
   * `host` (a directory for a Unix socket), `port`, `user`, `password`, `dbname`, `sslmode`,
   * `application_name` and `options` win over the rest of the URL. Default: `DATABASE_URL`.
   */
  url?: string;
  /**
   * The server, or several separated by commas (`"db1,db2"`): as in libpq, they are tried in
   * order, and a host that refuses or does not answer within `connectTimeout` is passed over
   * for the next. A directory is a Unix socket. Default `"localhost"`.
   */
  host?: string;
  /** The port of every host. Default 5432 (or the URL's, or `PGPORT`, which may list one per host). */
  port?: number;
  /** Default: the user name. */
  database?: string;
  /** Default: the operating system user. */
  user?: string;
  /** Default: none. */
  password?: string;
  /**
   * TLS, as libpq's `sslmode`: `false` (`"disable"`), `"allow"`, `"prefer"`, `true`/`"require"`
   * (encrypted, unverified), `"verify-ca"` (the certificate must chain to a trusted CA),
   * `"verify-full"` (and name the host); or Node's `tls.connect()` options, for example
   * `{ ca: readFileSync("root.crt") }` to trust a private CA. Default false.
   */
  ssl?: boolean | SslMode | ConnectionOptions;
  /** Connections in the pool, 1 to 1,000. Default 10. */
  max?: number;
  /** Close a connection idle this long. Default `Infinity` (never). */
  idleTimeout?: number;
  /** Give up opening a connection after this long (`ConnectionError`). Default 30000. */
  connectTimeout?: number;
  /** Give up waiting for a free connection after this long (`PoolTimeoutError`). Default `Infinity`. */
  acquireTimeout?: number;
  /** The server's `statement_timeout` for every connection; 0 for none. Default 0. */
  statementTimeout?: number;
  /** `application_name`, shown in `pg_stat_activity`. Default `"skein"`. */
  applicationName?: string;
  /**
   * Send each query written as one `sql` template with only values in it as a named prepared
   * statement: parsed once per connection, then one round trip per query instead of two.
   * Set false behind a pooler that cannot keep prepared statements (PgBouncer in transaction
   * mode before 1.21). Default true. Server backend only.
   */
  prepare?: boolean;
  /**
   * How many queries may be in flight on one connection. A query goes to an idle connection
   * when there is one; only when every connection is busy is it pipelined behind others (sent
   * before they have answered), which saves a round trip and a system call per query under
   * load. The cost: it waits for the statements ahead of it, and a cancel request, which stops
   * whatever its connection runs when it lands, can stop the one behind a halted statement,
   * which is then sent again. Transactions, cursors, COPY and statements without parameters
   * are never pipelined. 1 turns pipelining off; at most 100. Default 10. Server backend only.
   */
  pipeline?: number;
  /**
   * Use the embedded PGlite backend: `true` or `{}` in memory, `{ dataDir }` persisted in a
   * directory, `settings` for its server (see `PgliteOptions`). Connection settings are then
   * ignored; `acquireTimeout` still applies.
   */
  embedded?: boolean | { dataDir?: string; settings?: PgliteSettings };
  /**
   * Session settings every new connection starts with (`search_path`, `role`, `timezone`...);
   * see `SessionSettings`. Default none.
   */
  session?: SessionSettings;
  /**
   * Called with each notice or warning the server sends (`RAISE NOTICE`, "does not exist,
   * skipping"). Default: notices are dropped.
   */
  onNotice?: (notice: Notice) => void;
  /**
   * Your own parsers and serializers, by type name or OID, on either backend: see
   * `CustomTypes`. Names are looked up when the database opens. Default none: results follow
   * the package's type mapping.
   */
  types?: CustomTypes;
  /** Where `DATABASE_URL` and `PG*` are read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * libpq's `sslmode` values other than `disable`.
 *
 * @example
 * ```ts
 * import type { SslMode } from "@skein/postgres";
 *
 * const mode: SslMode = "verify-full";
 * ```
 */
export type SslMode = "allow" | "prefer" | "require" | "verify-ca" | "verify-full";

/** Internal. Server settings after applying the precedence rules. */
export interface ServerSettings {
  /** The first of `hosts`. */
  host: string;
  port: number;
  /** The hosts to try in order, as libpq does: when one cannot be reached, the next. */
  hosts: readonly Endpoint[];
  database: string;
  user: string;
  password: string | undefined;
  ssl: boolean | SslMode | ConnectionOptions;
  /** The URL's `options` parameter, sent to the server at startup (`-c search_path=app`). */
  serverOptions: string | undefined;
  max: number;
  idleTimeout: number;
  connectTimeout: number;
  acquireTimeout: number;
  statementTimeout: number;
  applicationName: string;
  prepare: boolean;
  pipeline: number;
  onNotice: ((notice: Notice) => void) | undefined;
  session: [string, string][];
  types: CustomTypes | undefined;
}

/** The variables `usePostgres()` reads from the environment. */
const VARIABLES = [
  "DATABASE_URL",
  "PGHOST",
  "PGPORT",
  "PGDATABASE",
  "PGUSER",
  "PGPASSWORD",
  "PGSSLMODE",
  "PGAPPNAME",
  "USER",
] as const;

type Variables = Partial<Record<(typeof VARIABLES)[number], string>>;

/** A value that says nothing: an empty string (`DATABASE_URL=` in a `.env`) is unset. */
const given = <T>(value: T | undefined): T | undefined => (value === "" ? undefined : value);

function envOf(options: PostgresOptions): Variables {
  const source = options.env ?? process.env;
  const env: Variables = {};
  for (const name of VARIABLES) {
    const value = given(source[name]);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Internal. The variables that are set but empty, and so taken as unset.
 *
 * @param options - the caller's options
 * @returns their names
 */
export function emptyVariables(options: PostgresOptions): string[] {
  const source = options.env ?? process.env;
  return VARIABLES.filter((name) => name !== "USER" && source[name] === "");
}

/**
 * Internal. Whether `options` and the environment point at a server.
 *
 * @param options - the caller's options
 * @returns true for the server backend, false for PGlite
 */
export function wantsServer(options: PostgresOptions): boolean {
  if (options.embedded) return false;
  const env = envOf(options);
  return Boolean(
    given(options.url) ??
      given(options.host) ??
      env.DATABASE_URL ??
      env.PGHOST ??
      env.PGPORT ??
      env.PGDATABASE ??
      env.PGUSER,
  );
}

function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a number of milliseconds >= 0`, value);
  }
  return value;
}

const SSL_MODES = new Set(["allow", "prefer", "require", "verify-ca", "verify-full"]);

function sslOf(mode: string | undefined): ServerSettings["ssl"] | undefined {
  if (mode === undefined) return undefined;
  if (mode === "disable") return false;
  if (SSL_MODES.has(mode)) return mode as SslMode;
  throw new InvalidArgumentError(
    `unsupported sslmode "${mode}"; expected disable, allow, prefer, require, verify-ca or verify-full`,
    mode,
  );
}

/**
 * Every key of {@link PostgresOptions}. Typed as a record of them, so an option added to the
 * interface and not here (or the other way round) fails to compile instead of being refused.
 */
const OPTION_KEYS: Readonly<Record<keyof PostgresOptions, true>> = {
  url: true,
  host: true,
  port: true,
  database: true,
  user: true,
  password: true,
  ssl: true,
  max: true,
  idleTimeout: true,
  connectTimeout: true,
  acquireTimeout: true,
  statementTimeout: true,
  applicationName: true,
  prepare: true,
  pipeline: true,
  embedded: true,
  session: true,
  onNotice: true,
  types: true,
  env: true,
};

/** Where a misplaced option belongs. */
const OPTION_HINTS: Record<string, string> = {
  dataDir: "embedded: { dataDir }",
  settings: "embedded: { settings }",
  username: "user",
  db: "database",
  dbname: "database",
  connectionString: "url",
  connection: "session",
  application_name: "applicationName",
  idle_timeout: "idleTimeout",
  connect_timeout: "connectTimeout",
};

/**
 * Internal. Refuse an option `usePostgres()` does not know, and an `embedded` that is neither a
 * boolean nor `{ dataDir, settings }`: a misspelled or misplaced option would otherwise be
 * ignored, and `{ dataDir: "./db" }` would quietly open a database in memory.
 *
 * @param options - the caller's options
 */
export function checkOptionKeys(options: PostgresOptions): void {
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(OPTION_KEYS, key)) continue;
    const hint = OPTION_HINTS[key];
    throw new InvalidArgumentError(
      `usePostgres() has no option "${key}"${hint === undefined ? "" : `; use ${hint}`}`,
      key,
    );
  }
  const embedded = options.embedded;
  if (embedded === undefined || typeof embedded === "boolean") return;
  if (typeof embedded !== "object" || embedded === null || Array.isArray(embedded)) {
    throw new InvalidArgumentError(
      "embedded must be true, false, or { dataDir, settings }",
      embedded,
    );
  }
  for (const key of Object.keys(embedded)) {
    if (key !== "dataDir" && key !== "settings") {
      throw new InvalidArgumentError(
        `embedded has no option "${key}"; it takes dataDir and settings`,
        key,
      );
    }
  }
  const dataDir = embedded.dataDir;
  if (
    dataDir !== undefined &&
    (typeof dataDir !== "string" || dataDir.trim() === "" || dataDir.includes("\0"))
  ) {
    throw new InvalidArgumentError(
      "embedded.dataDir must be a directory path (omit it for a database in memory)",
      dataDir,
    );
  }
}

/** A URL part's percent-decoding; a malformed one is the URL's error, not a URIError. */
function decoded(value: string, href: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new InvalidArgumentError("url has a malformed percent-encoding (%XX)", href);
  }
}

/**
 * The startup message carries these settings as NUL-terminated strings: a NUL inside one would
 * end it early and start another setting of the caller's choosing.
 */
function startupText<T extends string | undefined>(name: string, value: T): T {
  if (value !== undefined && (typeof value !== "string" || value.includes("\0"))) {
    throw new InvalidArgumentError(
      `${name} must be a string without NUL characters`,
      name === "password" ? "(the password, not shown)" : value,
    );
  }
  return value;
}

/** The `ssl` option: a boolean, an sslmode, or TLS options for node:tls. */
function sslOption(ssl: PostgresOptions["ssl"]): ServerSettings["ssl"] | undefined {
  if (ssl === undefined || typeof ssl === "boolean") return ssl;
  if (typeof ssl === "string") return sslOf(ssl);
  if (typeof ssl === "object" && ssl !== null && !Array.isArray(ssl)) return ssl;
  throw new InvalidArgumentError(
    "ssl must be a boolean, an sslmode (disable, allow, prefer, require, verify-ca, verify-full) or node:tls options",
    ssl,
  );
}

/** The stand-in host of a URL written without one. */
const NO_HOST = "skein-no-host.invalid";

/** A URL's host without the brackets of an IPv6 literal (`[::1]` is `::1`). */
function hostOf(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** Internal. One host to connect to and its port. */
export interface Endpoint {
  host: string;
  port: number;
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`, one entry of a URL's host list. */
function endpointOf(entry: string, href: string): { host: string; port: string | undefined } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(entry);
  if (match === null || match[1] === "") {
    throw new InvalidArgumentError("url must be a postgres:// URL", href);
  }
  return { host: decoded(hostOf(match[1] as string), href), port: given(match[2]) };
}

/**
 * The hosts to try, in order, each with its port: its own (from a URL's host list), else the
 * one port given, else the one in the same place of a list of as many ports, else 5432.
 */
function hostsOf(
  hosts: readonly { host: string; port: string | undefined }[],
  port: number | string | undefined,
): Endpoint[] {
  const ports = typeof port === "string" ? port.split(",") : [port];
  if (ports.length > 1 && ports.length !== hosts.length) {
    throw new InvalidArgumentError(
      `give one port for all ${hosts.length} hosts or one port per host, not ${ports.length}`,
      port,
    );
  }
  return hosts.map(({ host, port: own }, i) => {
    if (host === "") throw new InvalidArgumentError("a host name cannot be empty", host);
    startupText("host", host);
    const text = own ?? ports[ports.length > 1 ? i : 0];
    const value = text === undefined ? 5432 : Number(text);
    if (!Number.isInteger(value) || value <= 0 || value > 65_535) {
      throw new InvalidArgumentError("port must be an integer from 1 to 65535", text);
    }
    return { host, port: value };
  });
}

/**
 * Internal. Apply the precedence rules: option, URL, environment, default.
 *
 * @param options - the caller's options
 * @returns the settings to connect with
 */
export function resolveServerSettings(options: PostgresOptions): ServerSettings {
  const env = envOf(options);
  const href = given(options.url) ?? env.DATABASE_URL;
  let url: URL | undefined;
  // Hosts of a URL that names several (`postgres://u@db1:5432,db2:5433/app`), with their ports.
  let urlHosts: { host: string; port: string | undefined }[] | undefined;
  if (href !== undefined) {
    // libpq takes a URL without a host (`postgres://user@/db?host=/run/postgresql`) or with
    // several, which WHATWG URL rejects: it is parsed with a stand-in host, then the host is
    // taken as absent, or from the list.
    const authority = /^(postgres(?:ql)?:\/\/(?:[^/?#]*@)?)([^/?#]*)/i.exec(href);
    const hosts = authority?.[2] ?? "";
    const stand = authority !== null && (hosts === "" || hosts.includes(","));
    if (stand && hosts !== "") urlHosts = hosts.split(",").map((entry) => endpointOf(entry, href));
    try {
      url = new URL(stand ? `${authority[1]}${NO_HOST}${href.slice(authority[0].length)}` : href);
    } catch {
      throw new InvalidArgumentError("url must be a postgres:// URL", href);
    }
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
      throw new InvalidArgumentError("url must be a postgres:// URL", href);
    }
  }
  const fromUrl = (value: string | undefined) =>
    value === undefined || value === "" ? undefined : decoded(value, href ?? "");
  // libpq reads the query's parameters after the authority, so they win over it.
  const param = (name: string) => given(url?.searchParams.get(name) ?? undefined);
  const max = options.max ?? 10;
  // The pool makes its clients up front, about 40 KB each: a million ran the process out of
  // memory. No server takes near this many connections from one client.
  if (!Number.isInteger(max) || max < 1 || max > MAX_POOL_SIZE) {
    throw new InvalidArgumentError(
      `max must be an integer from 1 to ${MAX_POOL_SIZE} (the connections in the pool)`,
      options.max,
    );
  }
  const pipeline = options.pipeline ?? 10;
  // postgres.js itself sends at most 100 queries ahead.
  if (!Number.isInteger(pipeline) || pipeline < 1 || pipeline > 100) {
    throw new InvalidArgumentError("pipeline must be an integer from 1 to 100", options.pipeline);
  }
  const portText = param("port") ?? fromUrl(url?.port) ?? env.PGPORT;
  const user = startupText(
    "user",
    options.user ?? param("user") ?? fromUrl(url?.username) ?? env.PGUSER ?? env.USER ?? "postgres",
  );
  const urlHost =
    url === undefined || url.hostname === "" || url.hostname === NO_HOST
      ? undefined
      : hostOf(url.hostname);
  const hostText = given(options.host) ?? param("host");
  const hosts = hostsOf(
    hostText === undefined && urlHosts !== undefined
      ? urlHosts
      : (hostText ?? fromUrl(urlHost) ?? env.PGHOST ?? "localhost")
          .split(",")
          .map((host) => ({ host, port: undefined })),
    options.port ?? portText,
  );
  const [first] = hosts as [Endpoint];
  return {
    host: first.host,
    port: first.port,
    hosts,
    database: startupText(
      "database",
      options.database ??
        param("dbname") ??
        fromUrl(url?.pathname.slice(1)) ??
        env.PGDATABASE ??
        user,
    ),
    user,
    password: startupText(
      "password",
      options.password ?? param("password") ?? fromUrl(url?.password) ?? env.PGPASSWORD,
    ),
    ssl: sslOption(options.ssl) ?? sslOf(param("sslmode")) ?? sslOf(env.PGSSLMODE) ?? false,
    serverOptions: startupText("options", param("options")),
    max,
    idleTimeout: duration("idleTimeout", options.idleTimeout, Infinity),
    connectTimeout: duration("connectTimeout", options.connectTimeout, 30_000),
    acquireTimeout: duration("acquireTimeout", options.acquireTimeout, Infinity),
    statementTimeout: duration("statementTimeout", options.statementTimeout, 0),
    applicationName: startupText(
      "applicationName",
      options.applicationName ?? param("application_name") ?? env.PGAPPNAME ?? "skein",
    ),
    prepare: options.prepare ?? true,
    pipeline,
    onNotice: options.onNotice,
    session: sessionEntries(options.session),
    types: checkTypes(options.types),
  };
}
