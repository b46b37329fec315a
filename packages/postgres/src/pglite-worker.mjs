// The embedded PGlite session, run off the main thread: PGlite blocks its thread while a
// statement runs. Messages are handled one at a time, in order; the main thread serializes
// access so that a transaction's statements are never interleaved with others.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, types } from "@electric-sql/pglite";
import { INITDB_ARGS, loadTemplate, TemplateFS, unpackTemplate } from "./pglite-template.mjs";

const port = parentPort;
// Subscriber id to its channel, and each channel's subscribers. PGlite's own listen() puts the
// channel into `LISTEN ${channel}` unquoted; this issues LISTEN with the name quoted as an
// identifier and dispatches notifications by the exact channel name.
const subscriptions = new Map();
const channels = new Map();

const quoted = (name) => `"${name.replaceAll('"', '""')}"`;

// int8 comes back as a string, as on the server (postgres.js): a number loses precision past
// 2^53 and a bigint is refused by JSON.stringify. The array parser is PGlite's own.
const INT8_ARRAY = 1016;
const keep = (text) => text;
const PARSERS = {
  [types.INT8]: keep,
  [INT8_ARRAY]: (text) => types.arrayParser(text, keep, INT8_ARRAY),
};

// `initdb` (for scripts/pglite-template.mjs) makes a new database without the template.
function open({ dataDir, startArgs, initdb }) {
  const options = {
    parsers: PARSERS,
    initDbStartParams: INITDB_ARGS,
    startParams: [...PGlite.defaultStartParams, ...startArgs],
  };
  if (dataDir === undefined || dataDir.startsWith("memory://")) {
    const archive = initdb ? undefined : loadTemplate();
    return PGlite.create(
      archive === undefined ? options : { ...options, fs: new TemplateFS(archive) },
    );
  }
  const dir = dataDir.replace(/^file:\/\//, "");
  if (!initdb && !existsSync(join(dir, "PG_VERSION"))) {
    const archive = loadTemplate();
    if (archive !== undefined) unpackTemplate(archive, dir);
  }
  return PGlite.create({ ...options, dataDir });
}

// Postgres in single-user mode never starts a checkpoint by itself, so its WAL grows until the
// database closes, in memory for memory://. This checkpoints when the server would: once the WAL
// since the last one reaches max_wal_size / (1 + checkpoint_completion_target). It looks between
// transactions, at most every 200 ms.
async function walKeeper(db) {
  const { rows } = await db.query(
    `select setting::float8 * 1048576 / (1 + current_setting('checkpoint_completion_target')::float8)
       as bytes from pg_settings where name = 'max_wal_size'`,
  );
  const limit = rows[0].bytes;
  let looked = performance.now();
  return async () => {
    const now = performance.now();
    if (now - looked < 200 || db.isInTransaction()) return;
    looked = now;
    try {
      const since = await db.query(
        `select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn)::float8 as bytes
           from pg_control_checkpoint()`,
      );
      if (since.rows[0].bytes >= limit) await db.exec("checkpoint");
    } catch {
      // Nobody asked for it; the next look tries again.
    }
  };
}

function fieldsOf(error) {
  const e = error ?? {};
  return {
    message: String(e.message ?? e),
    code: typeof e.code === "string" ? e.code : undefined,
    severity: e.severity,
    detail: e.detail,
    hint: e.hint,
    constraint: e.constraint,
    table: e.table,
    column: e.column,
    schema: e.schema,
    position: e.position === undefined ? undefined : String(e.position),
  };
}

function onNotice(notice) {
  const text = (value) => (typeof value === "string" ? value : undefined);
  port.postMessage({
    type: "notice",
    notice: {
      severity: text(notice.severity) ?? "NOTICE",
      code: text(notice.code) ?? "00000",
      message: text(notice.message) ?? "",
      detail: text(notice.detail),
      hint: text(notice.hint),
    },
  });
}

// The rows with the command tag's first word and its count, as the main thread hands them out;
// with the columns' types once the main thread parses some of them (the `types` option).
function resultOf(result, columns) {
  if (result === undefined) return { rows: [], command: "", rowCount: null };
  const reply = {
    rows: result.rows,
    command: result.command ?? "",
    rowCount: typeof result.rowCount === "number" ? result.rowCount : null,
  };
  if (columns) {
    reply.columns = result.fields.map((field) => ({ name: field.name, type: field.dataTypeID }));
  }
  return reply;
}

// `state.parsers` keeps the text of the types the main thread parses: functions cannot be
// sent to a worker, so their parsers run there.
async function handle(db, message, state) {
  switch (message.type) {
    case "query": {
      const { parsers } = state;
      const options = parsers === undefined ? { onNotice } : { onNotice, parsers };
      const columns = parsers !== undefined;
      if (message.params.length === 0) {
        const results = await db.exec(message.text, options);
        return resultOf(results[results.length - 1], columns);
      }
      return resultOf(await db.query(message.text, message.params, options), columns);
    }
    case "types":
      state.parsers = Object.fromEntries(message.raw.map((oid) => [oid, keep]));
      return null;
    case "listen": {
      const { channel, subscriber } = message;
      let subscribers = channels.get(channel);
      if (subscribers === undefined) {
        await db.exec(`listen ${quoted(channel)}`);
        subscribers = new Set();
        channels.set(channel, subscribers);
      }
      subscribers.add(subscriber);
      subscriptions.set(subscriber, channel);
      return null;
    }
    case "unlisten": {
      const channel = subscriptions.get(message.subscriber);
      subscriptions.delete(message.subscriber);
      const subscribers = channels.get(channel);
      if (subscribers === undefined) return null;
      subscribers.delete(message.subscriber);
      if (subscribers.size === 0) {
        channels.delete(channel);
        await db.exec(`unlisten ${quoted(channel)}`);
      }
      return null;
    }
    case "close":
      await db.close();
      return null;
    default:
      throw new Error(`unknown message ${message.type}`);
  }
}

async function main() {
  let db;
  let keepWal;
  try {
    db = await open(workerData);
    for (const [name, value] of workerData.session ?? []) {
      await db.query("select set_config($1, $2, false)", [name, value]);
    }
    keepWal = await walKeeper(db);
  } catch (error) {
    port.postMessage({ type: "failed", error: fieldsOf(error) });
    return;
  }
  db.onNotification((channel, payload) => {
    for (const subscriber of channels.get(channel) ?? []) {
      port.postMessage({ type: "notify", subscriber, payload });
    }
  });
  let chain = Promise.resolve();
  const state = { parsers: undefined };
  port.on("message", (message) => {
    chain = chain.then(async () => {
      try {
        const value = await handle(db, message, state);
        port.postMessage({ type: "result", id: message.id, value });
      } catch (error) {
        port.postMessage({ type: "error", id: message.id, error: fieldsOf(error) });
      }
      if (message.type === "close") port.close();
      else await keepWal();
    });
  });
  port.postMessage({ type: "ready" });
}

await main();
