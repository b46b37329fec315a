/**
 * A count as people write it in a table: 200, 10k, 100k, 1M.
 *
 * @param n - a non-negative integer
 * @returns the short form
 */
export function count(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}k`;
  return String(n);
}

/**
 * A measurement with about three significant digits and no trailing noise: 1234, 12.3, 0.123.
 *
 * @param value - the number to format
 * @returns its text
 */
export function figure(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString("en-US");
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/**
 * A ratio as the table shows it: two decimals and an "x".
 *
 * @param numerator - the value in the column header's numerator
 * @param denominator - the value in its denominator
 * @returns the ratio, or "—" when either side is missing
 */
export function ratio(numerator: number | undefined, denominator: number | undefined): string {
  if (numerator === undefined || denominator === undefined || denominator === 0) return "—";
  return `${(numerator / denominator).toFixed(2)}x`;
}
