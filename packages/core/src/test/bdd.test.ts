import { expect } from "vitest";
import { createContext } from "../context.js";
import { resource } from "../resource.js";
import { run } from "../run.js";
import { sleep } from "../sleep.js";
import { suspend } from "../suspend.js";
import { until } from "../until.js";
import { Harness, LeakedTasksError } from "./harness.js";
import { beforeEach, describe, it } from "./mod.js";

const Greeting = createContext<string>("greeting");

describe("the test adapter", () => {
  const events: string[] = [];
  beforeEach(function* () {
    yield* Greeting.set("hi");
    yield* resource<void>(function* (provide) {
      events.push("up");
      try {
        yield* provide();
      } finally {
        events.push("down");
      }
    });
  });

  it("runs beforeEach operations in the test's scope", function* () {
    expect(yield* Greeting.expect()).toBe("hi");
    expect(events.at(-1)).toBe("up");
  });

  it("tears the previous test's resources down before the next test", function* () {
    expect(events).toEqual(["up", "down", "up"]);
  });
});

describe("Harness", () => {
  it("fails a test that leaves a task running in the global scope", function* () {
    const harness = new Harness();
    let halted = false;
    const outcome = yield* (function* () {
      try {
        return yield* until(
          harness.run(function* () {
            run(function* () {
              try {
                yield* suspend();
              } finally {
                halted = true;
              }
            });
            yield* sleep(0);
          }),
        );
      } catch (error) {
        return error;
      }
    })();
    expect(outcome).toBeInstanceOf(LeakedTasksError);
    expect((outcome as LeakedTasksError).count).toBe(1);
    expect(halted).toBe(true);
  });

  it("fails a test whose operation throws", function* () {
    const harness = new Harness();
    const error = yield* until(
      harness
        .run(function* () {
          throw new Error("boom");
        })
        .then(
          () => undefined,
          (e: Error) => e,
        ),
    );
    expect(error?.message).toBe("boom");
  });
});
