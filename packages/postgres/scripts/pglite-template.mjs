// Makes src/pglite-<major.minor>-template.tar.br, the data directory a new embedded database
// starts from instead of running initdb: `node scripts/pglite-template.mjs`. Run it after
// moving to a PGlite line (0.5 -> 0.6) for which there is no template yet; until then, new
// databases fall back to initdb, which is slower and peaks about 300 MB higher.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { brotliCompressSync, constants } from "node:zlib";
import { templateFile } from "../src/pglite-template.mjs";

const { version, file: target } = templateFile();

/** Runs the worker with `initdb` on `dir`, then closes it, so Postgres shuts down cleanly. */
async function initdb(dir) {
  const worker = new Worker(new URL("../src/pglite-worker.mjs", import.meta.url), {
    workerData: { dataDir: dir, startArgs: [], initdb: true },
  });
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  await new Promise((resolve, reject) => {
    worker.on("error", reject);
    worker.on("message", (reply) => {
      if (reply.type === "ready") worker.postMessage({ type: "close", id: 1 });
      else if (reply.type === "failed") reject(new Error(reply.error.message));
      else if (reply.type === "result") resolve();
    });
  });
  await exited;
}

/** A ustar header for `name`, as PGlite's loadTar (tinytar) reads it. */
function header(name, size, directory) {
  const block = Buffer.alloc(512);
  const put = (text, at) => block.write(text, at, "latin1");
  const octal = (n, width) => `${n.toString(8).padStart(width - 1, "0")}\0`;
  put(name, 0);
  put(octal(directory ? 0o700 : 0o600, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(size, 12), 124);
  put(octal(0, 12), 136);
  put("        ", 148);
  put(directory ? "5" : "0", 156);
  put("ustar\u000000", 257);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

/**
 * Whether pg_wal/`name` is needed: it holds part of the shutdown checkpoint record. The others
 * are old segments renamed for reuse, full of stale records; Postgres makes new ones as needed.
 */
function needed(root, name) {
  const checkpoint = readFileSync(join(root, "global/pg_control")).readBigUInt64LE(32);
  const size = 1n << 20n; // --wal-segsize=1
  const perLog = 0x100000000n / size;
  const segment = BigInt(`0x${name.slice(8, 16)}`) * perLog + BigInt(`0x${name.slice(16)}`);
  return segment >= checkpoint / size && segment <= (checkpoint + 1024n) / size;
}

/** Every directory and file under `root`, in a stable order, as tar records. */
function tar(root) {
  const records = [];
  const walk = (relative) => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative === "" ? name : `${relative}/${name}`;
      if (relative === "pg_wal" && /^[0-9A-F]{24}$/.test(name) && !needed(root, name)) continue;
      if (statSync(join(root, path)).isDirectory()) {
        records.push(header(path, 0, true));
        walk(path);
      } else {
        const data = readFileSync(join(root, path));
        records.push(header(path, data.length, false), data);
        records.push(Buffer.alloc((512 - (data.length % 512)) % 512));
      }
    }
  };
  walk("");
  records.push(Buffer.alloc(1024));
  return Buffer.concat(records);
}

const dir = mkdtempSync(join(tmpdir(), "skein-pglite-template-"));
try {
  await initdb(dir);
  const archive = tar(dir);
  // Brotli's 16 MB window sees that the three databases initdb makes are nearly alike: about
  // 1 MB, where gzip gives 4.5 MB.
  const packed = brotliCompressSync(archive, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: archive.length,
    },
  });
  writeFileSync(target, packed);
  console.log(`${fileURLToPath(target)}: ${packed.length} bytes for PGlite ${version}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
