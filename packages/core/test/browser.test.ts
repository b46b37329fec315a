import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Operation, resource, until } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { build } from "esbuild";
import { type BrowserContext, chromium } from "playwright-core";
import { expect } from "vitest";

// The main entry of @skein/core, bundled for the browser as a user's bundler would (no Node
// polyfills), runs a structured program in real headless Chromium.

const CHROMIUM = "/usr/bin/chromium";
const missing = !existsSync(CHROMIUM);
const skip = missing && !process.env.CI;
if (skip) {
  console.warn(
    `browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium); in CI it fails instead`,
  );
}

/** The program: children halted in reverse order with async cleanup, a race, a timeout, a
 * long synchronous stretch that makes the engine yield to the event loop, and an error. */
const PROGRAM = `
import { action, createChannel, race, run, scoped, sleep, spawn, suspend, timeout, useAbortSignal } from "@skein/core";

const log = [];
const outcome = run(function* () {
  yield* scoped(function* () {
    for (const name of ["a", "b"]) {
      yield* spawn(function* () {
        try {
          yield* suspend();
        } finally {
          yield* sleep(1);
          log.push(name + " cleaned up");
        }
      });
    }
    yield* sleep(0);
  });
  const fast = function* () {
    yield* sleep(1);
    return "fast";
  };
  log.push("race " + (yield* race([sleep(50), fast()])));
  try {
    yield* timeout(5, suspend());
  } catch (error) {
    log.push("timeout " + error.name);
  }
  const signal = yield* scoped(function* () {
    return yield* useAbortSignal();
  });
  log.push("signal aborted " + signal.aborted);
  const channel = createChannel();
  const subscription = yield* channel;
  yield* spawn(function* () {
    for (const n of [1, 2, 3]) yield* channel.send(n);
    yield* channel.close();
  });
  for (let next = yield* subscription.next(); !next.done; next = yield* subscription.next()) {
    log.push("item " + next.value);
  }
  // Synchronous steps until a timer set before them has run: the engine must let it in (Node's
  // setImmediate does not exist here) rather than hold the page until the loop ends.
  let timerRan = false;
  setTimeout(() => {
    timerRan = true;
  }, 0);
  const one = (resolve) => {
    resolve(1);
    return () => {};
  };
  let steps = 0;
  while (!timerRan && steps < 1000000) {
    yield* action(one);
    steps++;
  }
  log.push("timer ran during the loop " + timerRan);
  throw new Error("done with " + log.length + " events");
});
outcome.then(
  (value) => {
    window.__skein = { log, ok: true, value };
  },
  (error) => {
    window.__skein = { log, ok: false, error: String(error) };
  },
);
`;

function* bundle(): Operation<string> {
  const result = yield* until(
    build({
      stdin: {
        contents: PROGRAM,
        resolveDir: fileURLToPath(new URL(".", import.meta.url)),
        loader: "js",
      },
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      conditions: ["development"],
      logLevel: "silent",
    }),
  );
  return result.outputFiles[0]!.text;
}

function useChromium(): Operation<BrowserContext> {
  return resource<BrowserContext>(function* (provide) {
    const profile = mkdtempSync(join(tmpdir(), "skein-core-browser-"));
    try {
      const context = yield* until(
        chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        }),
      );
      try {
        yield* provide(context);
      } finally {
        yield* until(context.close());
      }
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
}

describe.skipIf(skip)("@skein/core in a browser", () => {
  it("bundles for the browser without Node built-ins and runs a structured program in Chromium", function* () {
    const code = yield* bundle();
    expect(code).not.toMatch(/from\s*"node:|require\("node:/);
    const browser = yield* useChromium();
    const page = yield* until(browser.newPage());
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    yield* until(page.setContent("<!doctype html><title>skein</title>"));
    yield* until(page.addScriptTag({ type: "module", content: code }));
    yield* until(page.waitForFunction(() => "__skein" in window, undefined, { timeout: 30_000 }));
    const result = yield* until(
      page.evaluate(() => (window as unknown as { __skein: unknown }).__skein),
    );
    expect(errors).toEqual([]);
    expect(result).toEqual({
      ok: false,
      error: "Error: done with 9 events",
      log: [
        "b cleaned up",
        "a cleaned up",
        "race fast",
        "timeout TimeoutError",
        "signal aborted true",
        "item 1",
        "item 2",
        "item 3",
        "timer ran during the loop true",
      ],
    });
  }, 60_000);
});
