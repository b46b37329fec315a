import { spawn as spawnProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { action, type Operation, resource } from "@skein/core";
import { it } from "@skein/core/test";
import { describe, expect } from "vitest";
import { isDeadLocalWorker, localWorkerId } from "./dead-worker.js";

/** A shell that starts `sleep` in the background, prints its pid and execs into a second sleep
 * that never reaps it: the background process, once killed, stays a zombie. */
function useOrphanParent(): Operation<{ child: number; parent: number }> {
  return resource(function* (provide) {
    const shell = spawnProcess("sh", ["-c", "sleep 600 & echo $!; exec sleep 600"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      const child = yield* action<number>((resolve) => {
        const read = (chunk: Buffer) => resolve(Number(chunk.toString().trim()));
        shell.stdout.once("data", read);
        return () => shell.stdout.off("data", read);
      });
      yield* provide({ child, parent: shell.pid! });
    } finally {
      const exited = action<void>((resolve) => {
        shell.once("exit", () => resolve());
        return () => {};
      });
      shell.kill("SIGKILL");
      yield* exited;
    }
  });
}

function startOf(pid: number): string {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ")[19]!;
}

function stateOf(pid: number): string {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ")[0]!;
}

describe("isDeadLocalWorker", () => {
  it("takes a killed owner that is still a zombie for dead (kill(pid, 0) says alive)", function* () {
    const { child } = yield* useOrphanParent();
    const id = `${hostname()}:${child}:${startOf(child)}:abc`;
    expect(isDeadLocalWorker(id)).toBe(false);
    process.kill(child, "SIGKILL");
    // The zombie appears once the kernel has delivered the signal; /proc shows it at once
    // after that, and nothing reaps it while the parent sleeps.
    for (let i = 0; i < 1000 && stateOf(child) !== "Z"; i++)
      yield* action<void>((resolve) => {
        const timer = setImmediate(resolve);
        return () => clearImmediate(timer);
      });
    expect(stateOf(child)).toBe("Z");
    // The old check: the zombie still answers signal 0.
    expect(() => process.kill(child, 0)).not.toThrow();
    expect(isDeadLocalWorker(id)).toBe(true);
    expect(isDeadLocalWorker(`${hostname()}:${child}:abc`)).toBe(true);
  });

  it("takes a live process with the owner's pid but another start time for a reused pid", function* () {
    const { parent } = yield* useOrphanParent();
    const start = startOf(parent);
    expect(isDeadLocalWorker(`${hostname()}:${parent}:${start}:abc`)).toBe(false);
    expect(isDeadLocalWorker(`${hostname()}:${parent}:${Number(start) + 1}:abc`)).toBe(true);
  });

  it("never takes this process, another machine or a foreign id for dead", function* () {
    expect(isDeadLocalWorker(localWorkerId("x"))).toBe(false);
    expect(isDeadLocalWorker("elsewhere.invalid:1:2:x")).toBe(false);
    expect(isDeadLocalWorker("worker-1")).toBe(false);
    expect(localWorkerId("x")).toMatch(new RegExp(`^${hostname()}:${process.pid}:\\d+:x$`));
  });
});
