// The data directory a new embedded database starts from. PGlite runs initdb at every start on
// a new database: it boots a second PGlite beside the first and copies that one's 128 MB heap,
// which costs about 300 MB of peak memory and 1.5 to 2 s. scripts/pglite-template.mjs runs
// initdb once instead, and its result ships as pglite-<major.minor>-template.tar.br.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { brotliDecompressSync } from "node:zlib";
import { MemoryFS, PGlite } from "@electric-sql/pglite";

/** How initdb makes a new database, with or without the template. */
export const INITDB_ARGS = [
  // A database in memory holds its WAL segments in memory too: 1 MB ones rather than 16 MB.
  "--wal-segsize=1",
  "--set",
  "shared_buffers=16MB",
];

/**
 * The installed PGlite's version, and where the template for its major.minor line is (or would
 * be): one Postgres major version, whose data directories all its releases open.
 */
export function templateFile() {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const manifest = new URL("../package.json", pathToFileURL(entry));
  const { version } = JSON.parse(readFileSync(manifest, "utf8"));
  const line = version.split(".").slice(0, 2).join(".");
  return { version, file: new URL(`./pglite-${line}-template.tar.br`, import.meta.url) };
}

/** The template as a tar, or undefined when there is none for the installed PGlite's line. */
export function loadTemplate() {
  const { file } = templateFile();
  return existsSync(file) ? brotliDecompressSync(readFileSync(file)) : undefined;
}

/** Calls `visit` with each path in a ustar archive and its bytes (a view), or undefined for a directory. */
function eachEntry(archive, visit) {
  const text = (at, length) => archive.toString("latin1", at, at + length).replace(/\0.*$/s, "");
  let at = 0;
  while (at + 512 <= archive.length && archive[at] !== 0) {
    const size = Number.parseInt(text(at + 124, 12), 8);
    const directory = archive[at + 156] === 0x35;
    visit(text(at, 100), directory ? undefined : archive.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
}

/** A filesystem in memory whose data directory holds the template before Postgres starts. */
export class TemplateFS extends MemoryFS {
  #archive;

  constructor(archive) {
    super();
    this.#archive = archive;
  }

  async init(pg, options) {
    const { emscriptenOpts } = await super.init(pg, options);
    const fill = (mod) => {
      const root = PGlite.paths.PGDATA;
      mod.FS.mkdirTree(root, 0o700);
      eachEntry(this.#archive, (name, data) => {
        if (data === undefined) mod.FS.mkdirTree(`${root}/${name}`, 0o700);
        // The file keeps the view as its contents: the archive is not copied again.
        else mod.FS.writeFile(`${root}/${name}`, data, { canOwn: true });
      });
      this.#archive = undefined;
    };
    return {
      emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), fill] },
    };
  }
}

/**
 * Writes the template into the directory `dir`. PG_VERSION, which makes a directory a
 * database for PGlite, comes last, so an interrupted unpack is redone at the next start.
 */
export function unpackTemplate(archive, dir) {
  let version;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  eachEntry(archive, (name, data) => {
    if (data === undefined) mkdirSync(join(dir, name), { recursive: true, mode: 0o700 });
    else if (name === "PG_VERSION") version = data;
    else writeFileSync(join(dir, name), data, { mode: 0o600 });
  });
  writeFileSync(join(dir, "PG_VERSION"), version, { mode: 0o600 });
}
