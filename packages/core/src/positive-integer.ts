/**
 * Internal. Throw a `TypeError` naming the parameter and the value received unless `value` is a
 * positive integer.
 */
export function assertPositiveInteger(where: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
    throw new TypeError(`${where}: ${name} must be a positive integer, received ${shown}`);
  }
}
