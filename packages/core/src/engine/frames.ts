/**
 * Internal. Finding the generator frames of a `yield*` chain while it unwinds.
 *
 * When the engine halts a task it calls `return()` on the task's generator, and JavaScript
 * passes that return down the `yield*` chain. If a `finally` on the way yields (asynchronous
 * cleanup), the chain stops inside that frame, and resuming it from the top with `next()` would
 * turn the return into a normal completion at every `yield*` above it: the code after the halted
 * operation would run. To resume the cleanup and still unwind the frames above it, the engine
 * needs the frames themselves, which JavaScript exposes nowhere else: every `yield*` looks up
 * `return` on its inner generator, through the shared generator prototype.
 *
 * So for the extent of the engine's own synchronous `return()` call, and only then, the
 * prototype's `return` is one that records each generator it is called on; the original is put
 * back before the call returns, so no other code ever runs with it in place, and importing the
 * engine changes nothing. The frames that did not finish form the chain from the task's
 * generator down to the one doing cleanup.
 *
 * Where the prototype cannot be changed (`node --frozen-intrinsics`, SES `lockdown()`), the call
 * goes ahead without a recording: every `finally` still runs, but cleanup that yields below the
 * task's own frame is resumed from the top, so when it ends the frame above it continues as if
 * the operation had returned (effection's behaviour, see docs/differences.md).
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

/** The prototype's own `return`, read once while the module loads. */
const originalReturn = GeneratorPrototype.return;

/** The recording in progress during one `returnThrough` call (they nest when cleanup halts). */
interface Recording {
  entries: Entry[];
  depth: number;
}

function recordingReturn(recording: Recording): GeneratorReturn {
  return function (this: Generator, value?: unknown) {
    const entry: Entry = { frame: this, depth: recording.depth, done: true };
    recording.entries.push(entry);
    recording.depth++;
    try {
      const result = originalReturn.call(this, value);
      entry.done = result.done === true;
      return result;
    } finally {
      recording.depth--;
    }
  };
}

/** Put `method` in place as the prototype's `return`; false when the prototype is locked. */
function place(method: GeneratorReturn): boolean {
  try {
    Object.defineProperty(GeneratorPrototype, "return", {
      value: method,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Internal. Whether the engine can find the frames of a `yield*` chain here: false where the
 * generator prototype is frozen.
 */
export function canFollowFrames(): boolean {
  return Object.getOwnPropertyDescriptor(GeneratorPrototype, "return")?.configurable === true;
}

/**
 * Call `iterator.return(value)`; when it stops inside a `finally` that yielded, also give the
 * chain of unfinished generator frames from `iterator` down to that frame (just `[iterator]`
 * when the cleanup runs in `iterator` itself), or `undefined` when it cannot be found (see
 * above).
 */
export function returnThrough(
  iterator: Iterator<unknown>,
  value: unknown,
): { result: IteratorResult<unknown>; chain: Iterator<unknown>[] | undefined } {
  // A `finally` that halts another task inside this call comes back here: the outer recording
  // is set aside and restored, as the prototype's method is.
  const previous = GeneratorPrototype.return;
  const recording: Recording = { entries: [], depth: 0 };
  const recorded = place(recordingReturn(recording));
  let result: IteratorResult<unknown>;
  try {
    result = iterator.return!(value);
  } finally {
    if (recorded) place(previous);
  }
  if (result.done || !recorded) return { result, chain: undefined };
  const chain: Iterator<unknown>[] = [];
  for (const entry of recording.entries) {
    if (!entry.done && entry.depth === chain.length) chain.push(entry.frame as Iterator<unknown>);
  }
  return { result, chain: chain[0] === iterator ? chain : undefined };
}
