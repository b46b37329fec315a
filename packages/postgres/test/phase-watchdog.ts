import { formatTree, inspect, type Operation, run } from "@skein/core";

/** Where a bounded run is: the phase it entered last, its bound, and since when. */
export interface Phases {
  /** Enter phase `name`, which may last `ms` before the run fails. */
  enter(name: string, ms: number): void;
  /** Say what `name` is, read only when a phase overruns (`undefined` leaves it out). */
  describe(name: string, state: () => string | undefined): void;
}

/** A phase of {@link runInPhases} outlived its bound; `pending` is the task tree at that moment. */
export class PhaseOverrunError extends Error {
  readonly code = "phase-overrun";
  override name = "PhaseOverrunError";

  /**
   * @param label - what was running (the trial and its seed)
   * @param phase - the phase that overran
   * @param ms - its bound
   * @param pending - what the run described of itself, and the live task tree, formatted
   * @param halted - whether halting the run afterwards finished
   */
  constructor(
    readonly label: string,
    readonly phase: string,
    readonly ms: number,
    readonly pending: string,
    readonly halted: boolean,
  ) {
    super(
      `${label}: phase "${phase}" took over ${ms} ms; ${halted ? "halted it" : "halting it did not finish either"}; pending then:\n${pending}`,
    );
  }
}

/** The run failed in `phase`; `cause` is what it threw. */
export class PhaseError extends Error {
  readonly code = "phase-failed";
  override name = "PhaseError";

  /**
   * @param label - what was running
   * @param phase - the phase it was in
   * @param cause - what it threw
   */
  constructor(
    readonly label: string,
    readonly phase: string,
    cause: unknown,
  ) {
    super(`${label}: failed in phase "${phase}": ${String(cause)}`, { cause });
  }
}

/**
 * Test helper: run `body` from async code and fail fast when one of the phases it enters
 * outlives its bound, naming the phase and the tasks still pending, instead of waiting for the
 * test runner's timeout. The watchdog sits outside the task tree, so it fires even when a halt
 * or a scope's teardown never finishes (which a `timeout()` inside would wait for); it then
 * halts the run and waits `grace` ms for that. The report holds what the run said of itself with
 * {@link Phases.describe} and the task tree (`inspect()` does not show the tasks of a `scoped()`
 * whose body has ended and that is halting its children: say what they are doing yourself).
 *
 * @param label - what is running, for the error
 * @param body - the operation, given the phases to enter
 * @param grace - how long to wait for the halt after an overrun
 * @returns the operation's value
 */
export async function runInPhases<T>(
  label: string,
  body: (phases: Phases) => Operation<T>,
  grace = 3_000,
): Promise<T> {
  let current = { name: "start", ms: 10_000, since: performance.now() };
  const states = new Map<string, () => string | undefined>();
  const phases: Phases = {
    enter(name, ms) {
      current = { name, ms, since: performance.now() };
    },
    describe(name, state) {
      states.set(name, state);
    },
  };
  const report = (): string => {
    const lines = [...states].flatMap(([name, state]) => {
      const text = state();
      return text === undefined ? [] : [`${name}: ${text}`];
    });
    return [...lines, formatTree(inspect())].join("\n");
  };
  const task = run(() => body(phases));
  let timer: ReturnType<typeof setInterval> | undefined;
  const overrun = new Promise<{ name: string; ms: number; pending: string }>((resolve) => {
    timer = setInterval(() => {
      if (performance.now() - current.since <= current.ms) return;
      clearInterval(timer);
      resolve({ name: current.name, ms: current.ms, pending: report() });
    }, 50);
  });
  try {
    const first = await Promise.race([
      task.then(
        (value) => ({ value }),
        (error: unknown) => {
          throw new PhaseError(label, current.name, error);
        },
      ),
      overrun.then((over) => ({ over })),
    ]);
    if ("value" in first) return first.value;
    const { name, ms, pending } = first.over;
    let wait: ReturnType<typeof setTimeout> | undefined;
    const halted = await Promise.race([
      task.halt().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        wait = setTimeout(() => resolve(false), grace);
      }),
    ]);
    clearTimeout(wait);
    throw new PhaseOverrunError(label, name, ms, pending, halted);
  } finally {
    clearInterval(timer);
  }
}
