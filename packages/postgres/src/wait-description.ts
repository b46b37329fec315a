/** The longest piece of SQL text a wait description shows. */
const MAX_CHARS = 100;

/**
 * Internal. The first line of a statement with text on it, trimmed and cut to a readable
 * length, for what `inspect()` and `skein ps` say a task waits on.
 *
 * @param text - SQL text
 * @returns its first line
 */
export function firstLine(text: string): string {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    if (line !== "") return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1)}…` : line;
    start = end + 1;
  }
  return "";
}

/**
 * Internal. The wait description of a statement: `query` and its first line, built only when
 * the task tree is read.
 *
 * @param text - SQL text
 * @returns the description
 */
export function queryWait(text: string): () => string {
  return () => `query ${firstLine(text)}`;
}

/**
 * Internal. The wait description of a caller waiting for a pooled connection.
 *
 * @param stats - the pool's counts right now
 * @returns the description
 */
export function poolWait(
  stats: () => { size: number; busy: number; waiting: number },
): () => string {
  return () => {
    const { size, busy, waiting } = stats();
    return `pool connection (${busy} of ${size} busy, ${waiting} waiting)`;
  };
}
