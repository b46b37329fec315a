import { type ParseArgsConfig, parseArgs } from "node:util";

/** Internal to the CLI. What `parseArgs` returns for the options `T`. */
export type ParsedArgs<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

import { UsageError } from "./usage-error.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Internal to the CLI. `parseArgs` (strict, positionals allowed) whose errors are one short
 * {@link UsageError}: an unknown option is named, with the closest known one if any.
 */
export function parseCliArgs<T extends Options>(args: string[], options: T): ParsedArgs<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    if (unknown !== undefined) {
      const close = closest(unknown.replace(/^-+/, ""), Object.keys(options));
      const hint = close === undefined ? "" : ` (did you mean --${close}?)`;
      throw new UsageError(`unknown option ${unknown}${hint}`, unknown);
    }
    const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message)?.[1];
    if (ambiguous !== undefined) {
      const flag = ambiguous.split(",").pop()!.trim();
      const value = args[args.indexOf(flag) + 1];
      throw new UsageError(
        `${flag} got ${JSON.stringify(value)}, which looks like an option (write ${flag}=${value} if it is the value)`,
        value,
      );
    }
    const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message)?.[1];
    if (missing !== undefined) {
      throw new UsageError(`${missing.split(",").pop()!.trim()} needs a value`, missing);
    }
    throw new UsageError(message.split(". ")[0]!, args);
  }
}

/** The known option nearest to `name` by edit distance, if it is near enough to be a typo. */
function closest(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let distance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const option of known) {
    const d = editDistance(name, option);
    if (d < distance) {
      best = option;
      distance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * Internal to the CLI. A whole-number option, at least `min`: `undefined` when not given,
 * a {@link UsageError} naming the option and the value otherwise.
 */
export function countOption(
  flag: string,
  value: string | undefined,
  min: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    const expected = min === 0 ? "a whole number" : `a whole number >= ${min}`;
    throw new UsageError(`--${flag} expects ${expected}, got ${JSON.stringify(value)}`, value);
  }
  return n;
}
