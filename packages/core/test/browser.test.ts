import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Operation, resource, until } from "@skein/core";
import { createSuiteResource, describe, it } from "@skein/core/test";
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

/** A program run with main() by a page of http://skein.test/?mode=...; it records what happens
 * in localStorage, which outlives the page, so the test can read it after navigating away. */
const MAIN_PROGRAM = `
import { exit, main, sleep, spawn, suspend } from "@skein/core";

const mode = new URLSearchParams(location.search).get("mode");
const record = (event) => {
  const log = JSON.parse(localStorage.getItem("skein-log") ?? "[]");
  log.push(event);
  localStorage.setItem("skein-log", JSON.stringify(log));
};

await main(function* (args) {
  record("args " + JSON.stringify(args));
  if (mode === "succeed") {
    yield* sleep(1);
    console.log("succeeded");
  }
  if (mode === "fail") {
    yield* sleep(1);
    throw new Error("the program failed");
  }
  if (mode === "exit") {
    try {
      yield* sleep(1);
      yield* exit(3, "leaving with status 3");
    } finally {
      record("cleanup done");
    }
  }
  if (mode === "wait") {
    yield* spawn(function* () {
      try {
        yield* suspend();
      } finally {
        record("child cleaned up");
      }
    });
    try {
      record("ready");
      yield* suspend();
    } finally {
      record("cleanup done");
    }
  }
});
record("main returned");
`;

function* bundle(contents = PROGRAM): Operation<string> {
  const result = yield* until(
    build({
      stdin: {
        contents,
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

/** Serves `code` as the module script of every page of http://skein.test (no network: the
 * browser context answers the requests itself). */
function* serve(browser: BrowserContext, code: string): Operation<void> {
  yield* until(
    browser.route("http://skein.test/**", (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === "/app.js") {
        return route.fulfill({ contentType: "text/javascript", body: code });
      }
      const script = url.pathname === "/" ? '<script type="module" src="/app.js"></script>' : "";
      return route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><title>skein</title>${script}`,
      });
    }),
  );
}

interface MainRun {
  log: string[];
  console: string[];
  errors: string[];
}

/** Opens the main() program with `mode`, waits until `until` is in its log, navigates away if
 * `leave`, and returns its log (read from the next page) and what it wrote to the console. */
function* runMainInPage(
  browser: BrowserContext,
  mode: string,
  done: string,
  leave = false,
): Operation<MainRun> {
  const page = yield* until(browser.newPage());
  const messages: string[] = [];
  const errors: string[] = [];
  page.on("console", (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => errors.push(String(error)));
  yield* until(page.goto("http://skein.test/blank"));
  yield* until(page.evaluate(() => localStorage.clear()));
  yield* until(page.goto(`http://skein.test/?mode=${mode}`));
  yield* until(
    page.waitForFunction(
      (event) => JSON.parse(localStorage.getItem("skein-log") ?? "[]").includes(event),
      done,
      { timeout: 30_000 },
    ),
  );
  if (leave) yield* until(page.goto("http://skein.test/blank"));
  const log = yield* until(
    page.evaluate(() => JSON.parse(localStorage.getItem("skein-log") ?? "[]") as string[]),
  );
  yield* until(page.close());
  return { log, console: messages, errors };
}

describe.skipIf(skip)("main() in a browser", () => {
  // One browser serving the main() program for the four tests: each opens its own page and
  // clears the storage it logs to. Launching Chromium took seconds per test.
  const shared = createSuiteResource(function* () {
    const context = yield* useChromium();
    yield* serve(context, yield* bundle(MAIN_PROGRAM));
    return context;
  });

  it("runs the body with no arguments and returns when it succeeds", function* () {
    const run = yield* runMainInPage(shared(), "succeed", "main returned");
    expect(run.log).toEqual(["args []", "main returned"]);
    expect(run.console).toEqual(["log: succeeded"]);
    expect(run.errors).toEqual([]);
  }, 60_000);

  it("reports the body's error to the console and returns", function* () {
    const run = yield* runMainInPage(shared(), "fail", "main returned");
    expect(run.log).toEqual(["args []", "main returned"]);
    expect(run.console).toHaveLength(1);
    expect(run.console[0]).toMatch(/^error: Error: the program failed/);
    expect(run.errors).toEqual([]);
  }, 60_000);

  it("runs cleanup after exit() and prints its message to the console", function* () {
    const run = yield* runMainInPage(shared(), "exit", "main returned");
    expect(run.log).toEqual(["args []", "cleanup done", "main returned"]);
    expect(run.console).toEqual(["error: leaving with status 3"]);
  }, 60_000);

  it("halts the body and its children when the page goes away (pagehide)", function* () {
    const run = yield* runMainInPage(shared(), "wait", "ready", true);
    expect(run.log).toEqual([
      "args []",
      "ready",
      "cleanup done",
      "child cleaned up",
      "main returned",
    ]);
    expect(run.errors).toEqual([]);
  }, 60_000);
});

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
