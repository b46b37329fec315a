import { beforeAll, describe, expect, it } from "vitest";
import type { Row, RowOptions, RowResult } from "./harness.js";
import { renderReport } from "./report.js";
import { rows } from "./rows/mod.js";
import { COLUMNS } from "./table.js";

// Heap figures drift by tens of bytes per task, which only averages out over a few thousand.
const small = (row: Row): RowOptions => {
  if (row.id === "heap") return { n: 2_000, effectionN: 1_000, runs: 1 };
  if (row.id === "cpu-offload") return { n: 20, effectionN: 20, runs: 1 };
  // 200 round trips per client and 3 halts of pg_sleep(10) per client.
  if (row.id === "postgres") return { n: 200, effectionN: 200, runs: 1 };
  return { n: 200, effectionN: 100, runs: 1 };
};

/** Rows compared with a promise library instead of effection, which has no such primitive. */
const WITHOUT_EFFECTION = new Set([
  "semaphore",
  "map-concurrent",
  "cpu-offload",
  "http-client",
  "http-server",
  "websocket-echo",
  "crawl",
  "crawl-heavy",
  "postgres",
]);

describe("bench", () => {
  const results = new Map<string, RowResult[]>();

  beforeAll(async () => {
    for (const row of rows) results.set(row.id, [await row.measure(small(row))].flat());
  }, 300_000); // two of the rows start nine servers in child processes between them

  for (const row of rows) {
    it(`measures row ${row.id} at a small N with finite positive figures`, () => {
      const lines = results.get(row.id)!;
      expect(lines.length).toBeGreaterThanOrEqual(1);
      for (const result of lines) {
        expect(result.n).toBe(small(row).n);
        expect(result.figures.skein).toBeDefined();
        if (!WITHOUT_EFFECTION.has(row.id)) expect(result.figures.effection).toBeDefined();
        const figures = Object.values(result.figures);
        expect(figures.length).toBeGreaterThanOrEqual(2);
        for (const figure of figures) {
          expect(Number.isFinite(figure.value)).toBe(true);
          expect(figure.value).toBeGreaterThan(0);
        }
      }
    });
  }

  it("compares the semaphore with p-limit and mapConcurrent with p-map in the Promise column", () => {
    const [semaphore] = results.get("semaphore")!;
    const [map] = results.get("map-concurrent")!;
    expect(semaphore!.label).toMatch(/Promise = p-limit 64/);
    expect(map!.label).toMatch(/Promise = p-map/);
    expect(semaphore!.figures.promise?.note).toMatch(/promise library/);
  });

  it("reports the CPU-offload time per page and the longest loop stall as a second line", () => {
    const [time, lag] = results.get("cpu-offload")!;
    expect(time!.unit).toBe("ms");
    expect(time!.label).toMatch(/x inline pages\/s/);
    expect(lag!.unit).toBe("max ms");
    expect(Object.keys(lag!.figures).sort()).toEqual(["floor", "skein"]);
  });

  it("compares the HTTP client with undici and fetch, and the server with raw node:http, in wall and CPU time", () => {
    const [client, clientCpu] = results.get("http-client")!;
    expect(client!.label).toMatch(/x undici\.request req\/s and [\d.]+x fetch/);
    expect(Object.keys(client!.figures).sort()).toEqual(["floor", "promise", "skein"]);
    expect(clientCpu!.label).toMatch(/CPU time of the client process/);
    const [light, lightCpu, server, serverCpu, fixed, fixedCpu] = results.get("http-server")!;
    expect(light!.label).toMatch(
      /lightweightResponse: true \}\) at [\d.]+x \([\d.]+–[\d.]+; CPU [\d.]+x\)/,
    );
    expect(light!.label).toMatch(/@hono\/node-server \(Promise column\) at [\d.]+x/);
    expect(light!.label).toMatch(/fastify at [\d.]+x/);
    expect(Object.keys(light!.figures).sort()).toEqual(["floor", "promise", "skein"]);
    expect(lightCpu!.label).toMatch(/CPU time of the server process, lightweightResponse/);
    expect(server!.label).toMatch(/useHttpServer at [\d.]+x/);
    expect(server!.label).toMatch(/builds the same Response at [\d.]+x/);
    expect(Object.keys(server!.figures).sort()).toEqual(["floor", "skein"]);
    expect(serverCpu!.label).toMatch(/CPU time of the server process, real Response/);
    expect(fixed!.label).toMatch(/fixedResponse\(bytes\), useHttpServer at [\d.]+x/);
    expect(fixedCpu!.label).toMatch(/CPU time of the server process, fixedResponse/);
  });

  it("compares @skein/postgres with raw postgres.js and pg, then its cancel latency with postgres.js's", () => {
    const [trips, cpu, median, p99] = results.get("postgres")!;
    expect(trips!.label).toMatch(/Skein at [\d.]+x raw postgres\.js q\/s and [\d.]+x pg/);
    expect(Object.keys(trips!.figures).sort()).toEqual(["floor", "promise", "skein"]);
    expect(cpu!.label).toMatch(/CPU time of the client process/);
    expect(median!.label).toMatch(/cancel latency, median of 3 halts/);
    expect(p99!.label).toMatch(/cancel latency, p99 of 3 halts/);
    for (const line of [median!, p99!]) {
      expect(line.unit).toBe("latency ms");
      expect(Object.keys(line.figures).sort()).toEqual(["floor", "skein"]);
    }
  });

  it("prints one table with a line per result and every column", () => {
    const all = [...results.values()].flat();
    const report = renderReport(all);
    const table = report.split("\n").filter((line) => line.startsWith("|"));
    expect(table[0]).toBe(`| ${COLUMNS.join(" | ")} |`);
    expect(table).toHaveLength(all.length + 2);
    for (const line of table) expect(line.split(" | ")).toHaveLength(COLUMNS.length);
    expect(report).toContain(process.version);
    expect(report).toMatch(/scaled linearly/);
    expect(report).toMatch(/longest event-loop stall during a run \| [\d.,]+ ms\S* \|/);
  });
});
