import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Operation, resource, until } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { useCli } from "./use-cli.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));
const missing = !existsSync(CHROMIUM);
const skip = missing && !process.env.CI;
if (skip) {
  console.warn(
    `dashboard e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium); in CI it fails instead`,
  );
}

/** Debian's Chromium, headless, with a fresh profile removed at the end. */
function useChromium(): Operation<BrowserContext> {
  return resource<BrowserContext>(function* (provide) {
    const profile = mkdtempSync(join(tmpdir(), "skein-dashboard-"));
    try {
      const context = yield* until(
        chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
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

function* openPage(
  browser: BrowserContext,
  url: string,
  viewport: { width: number; height: number },
): Operation<Page> {
  const page = yield* until(browser.newPage());
  yield* until(page.setViewportSize(viewport));
  yield* until(page.goto(url));
  return page;
}

function* count(page: Page, id: string): Operation<number> {
  const text = yield* until(page.locator(`#${id}`).textContent());
  return Number((text ?? "").replace(/,/g, ""));
}

function* eventsOf(page: Page): Operation<number> {
  return Number(yield* until(page.evaluate(() => document.body.dataset.events)));
}

function* waitForPages(page: Page, atLeast: number): Operation<void> {
  yield* until(
    page.waitForFunction(
      (n) => Number(document.getElementById("pages")?.textContent?.replace(/,/g, "")) >= n,
      atLeast,
      { timeout: 60_000 },
    ),
  );
}

function* screenshot(page: Page, name: string, fullPage = false): Operation<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  yield* until(page.screenshot({ path: join(ARTIFACTS, name), fullPage }));
}

describe.skipIf(skip)("skein-scrape demo --dashboard", () => {
  it("shows a live crawl in Chromium, pauses, resumes and stops it from the page", function* () {
    if (missing) throw new Error(`${CHROMIUM} is missing in CI: .ci/run installs it with apt`);
    const cli = yield* useCli(["demo", "--pages", "1500", "--delay", "10", "--dashboard"]);
    const url = yield* cli.line(
      (line) => /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)?.[1],
    );
    const browser = yield* useChromium();

    const desktop = yield* openPage(browser, url!, { width: 1280, height: 800 });
    yield* waitForPages(desktop, 1);
    const first = yield* count(desktop, "pages");
    yield* waitForPages(desktop, first + 100);
    yield* screenshot(desktop, "dashboard-1280x800.png");

    // A second tab starts from the current totals: its very first snapshot has them.
    const before = yield* count(desktop, "pages");
    const phone = yield* openPage(browser, url!, { width: 390, height: 844 });
    yield* until(phone.waitForFunction(() => Number(document.body.dataset.events) >= 1));
    expect(yield* count(phone, "pages")).toBeGreaterThanOrEqual(before);

    yield* until(desktop.click("#pause"));
    yield* until(
      desktop.waitForFunction(
        () =>
          document.getElementById("state")?.textContent === "paused" &&
          document.getElementById("hosts")?.textContent === "no fetch in flight" &&
          /leased0/.test(document.getElementById("queue")?.textContent ?? ""),
        undefined,
        { timeout: 30_000 },
      ),
    );
    const paused = yield* count(desktop, "pages");
    const seen = yield* eventsOf(desktop);
    // Four more snapshots (two seconds) while paused: the count stays where it was.
    yield* until(
      desktop.waitForFunction((n) => Number(document.body.dataset.events) >= n, seen + 4),
    );
    expect(yield* count(desktop, "pages")).toBe(paused);
    expect(cli.running).toBe(true);
    yield* until(
      phone.waitForFunction(() => document.getElementById("state")?.textContent === "paused"),
    );
    yield* screenshot(phone, "dashboard-390x844.png");
    yield* screenshot(phone, "dashboard-390-full.png", true);

    yield* until(desktop.click("#resume"));
    yield* waitForPages(desktop, paused + 20);

    yield* until(desktop.click("#stop"));
    const { code } = yield* cli.exit;
    expect(code).toBe(130);
    expect(cli.stderr).toContain("stopped from the dashboard");
    expect(cli.stdout).toMatch(/^pages\s+\d+$/m);
    const queued = Number(/^still queued\s+(\d+)$/m.exec(cli.stdout)?.[1]);
    expect(queued).toBeGreaterThan(0);
    yield* until(
      desktop.waitForFunction(
        () => document.getElementById("conn")?.textContent === "the crawl process has ended",
      ),
    );
    yield* screenshot(desktop, "dashboard-stopped-1280x800.png");
  }, 180_000);
});
