import { InvalidArgumentError } from "./errors.js";

/**
 * The most parameters one statement can carry, on both backends: the protocol counts them in
 * 16 bits, and postgres.js refuses 65,534 or more.
 */
export const MAX_PARAMETERS = 65_533;

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/**
 * Internal. `value` as the parameter at `position` (1-based) sends it, the same on both
 * backends; a value no backend can send is an {@link InvalidArgumentError} that names the
 * position, rather than a driver error on one backend and a silent `NULL` on the other.
 *
 * A `bigint` outside int8's range, and every `bigint` in an array, is sent as its decimal text,
 * which Postgres reads as the type the statement gives the parameter (`numeric`, `int8[]`):
 * postgres.js types a `bigint` as int8, which fails for a larger one, and types an array of
 * them as int8 too (`cannot cast type bigint to bigint[]`).
 *
 * @param value - the value in the query
 * @param position - its `$n`
 * @returns what to send
 */
export function parameter(value: unknown, position: number): unknown {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return value < INT8_MIN || value > INT8_MAX ? value.toString() : value;
    case "undefined":
      throw new InvalidArgumentError(
        `parameter $${position} is undefined: pass null for SQL NULL`,
        value,
      );
    case "symbol":
    case "function":
      throw new InvalidArgumentError(
        `parameter $${position} is a ${typeof value}, which cannot be sent to Postgres`,
        value,
      );
    default:
      if (Array.isArray(value)) return arrayParameter(value, position, "");
      if (value instanceof Date && Number.isNaN(value.getTime())) {
        throw new InvalidArgumentError(`parameter $${position} is an invalid Date`, value);
      }
      return value;
  }
}

/** An array parameter's elements checked as {@link parameter} checks a value; a copy if any changes. */
function arrayParameter(array: readonly unknown[], position: number, path: string): unknown[] {
  let sent: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const element = array[i];
    let value = element;
    switch (typeof element) {
      case "bigint":
        value = element.toString();
        break;
      case "undefined":
      case "symbol":
      case "function":
        throw new InvalidArgumentError(
          element === undefined
            ? `parameter $${position} holds undefined at ${path}[${i}]: pass null for SQL NULL`
            : `parameter $${position} holds a ${typeof element} at ${path}[${i}], which cannot be sent to Postgres`,
          array,
        );
      case "object":
        if (Array.isArray(element)) value = arrayParameter(element, position, `${path}[${i}]`);
        else if (element instanceof Date && Number.isNaN(element.getTime())) {
          throw new InvalidArgumentError(
            `parameter $${position} holds an invalid Date at ${path}[${i}]`,
            array,
          );
        }
        break;
    }
    if (value !== element) {
      sent ??= array.slice();
      sent[i] = value;
    }
  }
  return sent ?? (array as unknown[]);
}

/**
 * Internal. Fail when a statement has more parameters than the protocol can carry.
 *
 * @param count - how many it has
 */
export function checkParameterCount(count: number): void {
  if (count > MAX_PARAMETERS) {
    throw new InvalidArgumentError(
      `a statement carries at most ${MAX_PARAMETERS} parameters; this one has ${count} (insert in batches, or pass one array parameter and unnest() it)`,
      count,
    );
  }
}
