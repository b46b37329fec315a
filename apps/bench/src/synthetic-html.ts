/** Internal. The words synthetic pages are written in. */
export const WORDS = [
  "lorem",
  "ipsum",
  "dolor",
  "sit",
  "amet",
  "consectetur",
  "adipiscing",
  "elit",
  "sed",
  "do",
  "eiusmod",
  "tempor",
  "incididunt",
  "ut",
  "labore",
  "et",
  "dolore",
  "magna",
  "aliqua",
  "enim",
];

/** Internal. A small deterministic generator (mulberry32), so every run scans the same pages. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A synthetic HTML page of about `bytes` characters: navigation, then article blocks of text
 * with links in the forms a scraper meets (relative, absolute, other hosts, entities, single
 * quotes, unquoted, upper case, fragments, mailto, duplicates).
 *
 * @param index - which page; the same index always gives the same page
 * @param bytes - the approximate length to reach
 * @returns the page's HTML
 */
export function syntheticPage(index: number, bytes: number): string {
  const next = random(index + 1);
  const pick = (n: number) => Math.floor(next() * n);
  const words = (n: number) => {
    let text = "";
    for (let i = 0; i < n; i++) text += `${i === 0 ? "" : " "}${WORDS[pick(WORDS.length)]}`;
    return text;
  };
  const link = (): string => {
    const id = pick(5_000);
    switch (pick(10)) {
      case 0:
        return `<a href="https://other${pick(20)}.example/item/${id}?ref=${index}">`;
      case 1:
        return `<a class="more" href="../archive/${id}.html#top" title="${words(2)}">`;
      case 2:
        return `<a href='/tag/${WORDS[pick(WORDS.length)]}?page=${pick(9)}&amp;sort=new'>`;
      case 3:
        return `<A HREF=/user/${id} rel=nofollow>`;
      case 4:
        return `<a href="#section-${pick(9)}">`;
      case 5:
        return `<a href="mailto:user${id}@example.com">`;
      default:
        return `<a data-id="${id}" href="/articles/${id}">`;
    }
  };
  const parts = [
    `<!doctype html><html><head><title>Page ${index}</title>`,
    '<link rel="stylesheet" href="/style.css"></head><body><nav>',
  ];
  for (let i = 0; i < 20; i++) parts.push(`<a href="/section/${i}">${words(1)}</a> `);
  parts.push("</nav><main>");
  let length = parts.reduce((sum, part) => sum + part.length, 0);
  while (length < bytes) {
    let block = `<article><h2>${words(4)}</h2><p>`;
    for (let i = 0; i < 3; i++) block += `${words(12)} ${link()}${words(3)}</a> `;
    block += `${words(20)}</p><img src="/img/${pick(999)}.png" alt="${words(2)}"></article>\n`;
    parts.push(block);
    length += block.length;
  }
  parts.push("</main></body></html>");
  return parts.join("");
}
