/**
 * Internal. Finding the generator frames of a `yield*` chain while it unwinds.
 *
 * When the engine halts a task it calls `return()` on the task's generator, and JavaScript
 * passes that return down the `yield*` chain. If a `finally` on the way yields (asynchronous
 * cleanup), the chain stops inside that frame, and resuming it from the top with `next()` would
 * turn the return into a normal completion at every `yield*` above it: the code after the halted
 * operation would run. To resume the cleanup and still unwind the frames above it, the engine
 * needs the frames themselves, which JavaScript does not expose. So while the engine's own
 * `return()` call runs, the generator prototype's `return` records each generator it is called
 * on; the frames that did not finish form the chain from the task's generator down to the one
 * doing cleanup.
 */

interface Entry {
  frame: object;
  depth: number;
  done: boolean;
}

type GeneratorReturn = (this: Generator, value?: unknown) => IteratorResult<unknown>;

const GeneratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})())) as {
  return: GeneratorReturn;
};

/** The recording in progress; only ever set for the extent of one synchronous call. */
let recording: Entry[] | undefined;
let depth = 0;
/** Whether the recording `return` is in place (it is installed on first use). */
let installed = false;

function install(): void {
  const original = GeneratorPrototype.return;
  const recordingReturn: GeneratorReturn = function (this: Generator, value?: unknown) {
    const entries = recording;
    if (entries === undefined) return original.call(this, value);
    const entry: Entry = { frame: this, depth, done: true };
    entries.push(entry);
    depth++;
    try {
      const result = original.call(this, value);
      entry.done = result.done === true;
      return result;
    } finally {
      depth--;
    }
  };
  Object.defineProperty(GeneratorPrototype, "return", {
    value: recordingReturn,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/**
 * Call `iterator.return(value)`; when it stops inside a `finally` that yielded, also give the
 * chain of unfinished generator frames from `iterator` down to that frame.
 */
export function returnThrough(
  iterator: Iterator<unknown>,
  value: unknown,
): { result: IteratorResult<unknown>; chain: Iterator<unknown>[] | undefined } {
  if (!installed) {
    install();
    installed = true;
  }
  const outer = recording;
  const outerDepth = depth;
  const entries: Entry[] = [];
  recording = entries;
  depth = 0;
  let result: IteratorResult<unknown>;
  try {
    result = iterator.return!(value);
  } finally {
    recording = outer;
    depth = outerDepth;
  }
  if (result.done) return { result, chain: undefined };
  const chain: Iterator<unknown>[] = [];
  for (const entry of entries) {
    if (!entry.done && entry.depth === chain.length) chain.push(entry.frame as Iterator<unknown>);
  }
  return { result, chain: chain[0] === iterator && chain.length > 1 ? chain : undefined };
}
