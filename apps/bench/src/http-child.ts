import { type ChildProcess, spawn } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

/** A server under load in a child process of its own (see `http-target.ts`). */
export interface ChildServer {
  /** `http://127.0.0.1:port/` */
  url: string;
  /** The child's CPU time (user + system) so far, in milliseconds. */
  cpuMs(): Promise<number>;
  /** Close its stdin and wait for it to exit. */
  close(): Promise<void>;
}

const target = fileURLToPath(new URL("./http-target.ts", import.meta.url));
const packageRoot = fileURLToPath(new URL("..", import.meta.url));

function nextLine(lines: Interface, child: ChildProcess): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const onLine = (line: string) => {
      child.off("exit", onExit);
      resolve(JSON.parse(line) as Record<string, number>);
    };
    const onExit = (code: number | null) => {
      lines.off("line", onLine);
      reject(new Error(`the HTTP target exited with code ${code} before answering`));
    };
    lines.once("line", onLine);
    child.once("exit", onExit);
  });
}

/**
 * Which server `http-target.ts` runs: a raw node:http handler (`raw`); the same handler also
 * building, and dropping, the `new Response(bytes, { headers })` the Skein handler returns
 * (`raw-response`: what the web Response costs on its own); `useHttpServer` with a handler
 * returning that `new Response(...)` (`skein`), the same with `lightweightResponse: true`
 * (`skein-light`), or `fixedResponse(bytes, { headers })` (`skein-fixed`); and the peers a user
 * would pick instead: `@hono/node-server` with its defaults, its handler returning the same
 * `new Response(...)` (`hono`), and fastify sending the bytes (`fastify`). For WebSockets: a raw
 * `ws` server echoing each message (`ws-raw`) and a `webSocket()` route of `useHttpServer`
 * doing the same (`ws-skein`).
 */
export type ChildServerKind =
  | "raw"
  | "raw-response"
  | "skein"
  | "skein-light"
  | "skein-fixed"
  | "hono"
  | "fastify"
  | "ws-raw"
  | "ws-skein";

/**
 * Start a server answering every request with a body of `bytes` in a child process: a raw
 * node:http handler or `useHttpServer` with a task, a `Request` and a `Response` per request.
 *
 * @param kind - which server to run
 * @param bytes - the size of each response body
 * @returns the running server
 */
export async function startChildServer(kind: ChildServerKind, bytes: number): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    ["--conditions=development", "--import", "tsx", target, kind, String(bytes)],
    { cwd: packageRoot, stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  try {
    const { port } = await nextLine(lines, child);
    return {
      url: `http://127.0.0.1:${port}/`,
      async cpuMs() {
        const answer = nextLine(lines, child);
        child.stdin!.write("cpu\n");
        return (await answer).cpuMs!;
      },
      async close() {
        child.stdin!.end();
        await exited;
      },
    };
  } catch (error) {
    child.kill();
    await exited;
    throw error;
  }
}
