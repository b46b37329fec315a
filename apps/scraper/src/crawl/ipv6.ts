/**
 * Internal to the crawl. The eight 16-bit words of an IPv6 address in any of its text forms
 * (`::` shorthand, leading zeros, a dotted IPv4 tail, any case; no brackets or zone), or
 * undefined when `text` is not one.
 *
 * @param text - the address
 * @returns its words, most significant first
 */
export function ipv6Words(text: string): number[] | undefined {
  const halves = text.toLowerCase().split("::");
  if (halves.length > 2) return undefined;
  // A dotted IPv4 part may only end the address.
  const head = wordsOf(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? wordsOf(halves[1]!, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** The words of one side of `::`; a dotted IPv4 address may end it (as two words) if `last`. */
function wordsOf(part: string, last: boolean): number[] | undefined {
  if (part === "") return [];
  const groups = part.split(":");
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (last && i === groups.length - 1 && group.includes(".")) {
      const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(group);
      if (v4 === null) return undefined;
      const bytes = v4.slice(1).map(Number);
      if (bytes.some((byte) => byte > 255)) return undefined;
      words.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!);
    } else {
      if (!/^[0-9a-f]{1,4}$/.test(group)) return undefined;
      words.push(Number.parseInt(group, 16));
    }
  }
  return words;
}
