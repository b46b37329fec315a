/**
 * Internal to {@link main}. What `main()` needs from the runtime it runs on: the program's
 * arguments, a way to hear that the program should stop, and a way to end the process.
 * Read from globals, never imported, so the main entry loads in browsers, Deno and edge workers.
 */
export interface MainHost {
  /** `"node"`, `"deno"` or `"browser"` (also web and edge workers: anything else). */
  readonly name: "node" | "deno" | "browser";
  /** The command-line arguments after the script; none in a browser. */
  readonly args: string[];
  /** Calls `stop` with the exit status when the program is asked to stop; returns the undo. */
  listen(stop: (status: number) => void): () => void;
  /** Ends the process with `status`; does nothing where there is no process to end. */
  exit(status: number): void;
}

interface DenoGlobal {
  args: string[];
  build: { os: string };
  exit(status: number): never;
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  removeSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
}

interface PageGlobal {
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
}

/** Exit statuses of a program stopped by SIGINT and by SIGTERM, as shells report them. */
export const SIGINT_STATUS = 130;
export const SIGTERM_STATUS = 143;

/**
 * Internal to {@link main}. The host `main()` runs on, Deno first (Deno 2 also defines a
 * `process` global), then Node (a bundler's `process` shim is a plain object, so a browser
 * bundle is not taken for Node), else a browser or worker.
 */
export function detectHost(): MainHost {
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno;
  if (deno !== undefined) return denoHost(deno);
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (Object.prototype.toString.call(proc) === "[object process]") return nodeHost(proc!);
  return browserHost(globalThis as PageGlobal);
}

function nodeHost(proc: NodeJS.Process): MainHost {
  return {
    name: "node",
    args: proc.argv.slice(2),
    listen(stop) {
      const onSigint = () => stop(SIGINT_STATUS);
      const onSigterm = () => stop(SIGTERM_STATUS);
      proc.on("SIGINT", onSigint);
      proc.on("SIGTERM", onSigterm);
      return () => {
        proc.off("SIGINT", onSigint);
        proc.off("SIGTERM", onSigterm);
      };
    },
    exit: (status) => proc.exit(status),
  };
}

function denoHost(deno: DenoGlobal): MainHost {
  // Windows has no SIGTERM, and Deno throws when asked to listen for it there.
  const signals =
    deno.build.os === "windows" ? (["SIGINT"] as const) : (["SIGINT", "SIGTERM"] as const);
  return {
    name: "deno",
    args: deno.args.slice(),
    listen(stop) {
      const handlers = signals.map((signal) => {
        const handler = () => stop(signal === "SIGINT" ? SIGINT_STATUS : SIGTERM_STATUS);
        deno.addSignalListener(signal, handler);
        return [signal, handler] as const;
      });
      return () => {
        for (const [signal, handler] of handlers) deno.removeSignalListener(signal, handler);
      };
    },
    exit: (status) => deno.exit(status),
  };
}

function browserHost(page: PageGlobal): MainHost {
  return {
    name: "browser",
    args: [],
    listen(stop) {
      // `pagehide` fires whenever the page goes away (navigation, closing, bfcache), where
      // `unload` does not always and keeps the page out of the back/forward cache. Workers
      // have no such event: their program runs until it ends.
      if (typeof page.addEventListener !== "function") return () => {};
      const onHide = () => stop(SIGINT_STATUS);
      page.addEventListener("pagehide", onHide);
      return () => page.removeEventListener?.("pagehide", onHide);
    },
    exit() {},
  };
}
