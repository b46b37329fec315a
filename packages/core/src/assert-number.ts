/** Internal. Throws a `TypeError` unless `value` is a positive finite number. */
export function assertPositive(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number, got ${String(value)}`);
  }
}

/** Internal. Throws a `TypeError` unless `value` is a positive integer. */
export function assertPositiveInteger(name: string, value: unknown): asserts value is number {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
}

/** Internal. Throws a `TypeError` unless `value` is a non-negative number (`Infinity` allowed). */
export function assertDuration(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new TypeError(
      `${name} must be a non-negative number of milliseconds, got ${String(value)}`,
    );
  }
}
