import { type Operation, resource } from "@skein/core";
import { fixedResponse, useHttpServer } from "@skein/http";
import { random, WORDS } from "./synthetic-html.js";

/** Internal. The documentation-like site {@link useHeavySite} serves. */
export interface HeavySiteOptions {
  /** How many pages; every one is reachable from `/`. */
  pages: number;
  /** The approximate size of each page in bytes. Default 100 000. */
  bytes?: number;
}

/** Internal. A running heavy site. */
export interface HeavySite {
  /** e.g. `http://127.0.0.1:40123`, without a trailing slash. */
  readonly origin: string;
  /** How many distinct HTML pages a full crawl finds: the index page `/` and the site's pages. */
  readonly pages: number;
}

const path = (page: number) => `/docs/p${page}.html`;

/**
 * Internal. Page `index` of a site of `pages` pages, written like a documentation site's page:
 * a head with stylesheets and scripts, a sidebar listing 120 other pages, then articles of text
 * with inline markup, code and links in the forms real pages use (relative, root-relative,
 * absolute, with fragments, to other hosts, in-page anchors, mailto, and to a search page
 * robots.txt disallows), about 400 links in all for 100 KB.
 *
 * @param index - which page
 * @param pages - the site's size
 * @param bytes - the approximate length to reach
 * @returns the page's HTML
 */
export function heavyPage(index: number, pages: number, bytes: number): string {
  const next = random(index * 7919 + 17);
  const pick = (n: number) => Math.floor(next() * n);
  const words = (n: number) => {
    let text = "";
    for (let i = 0; i < n; i++) text += `${i === 0 ? "" : " "}${WORDS[pick(WORDS.length)]}`;
    return text;
  };
  const other = () => pick(pages);
  const link = (): string => {
    const target = other();
    switch (pick(12)) {
      case 0:
        return `<a href="https://other${pick(20)}.example/item/${pick(5000)}?ref=${index}">`;
      case 1:
        return `<a class="internal" href="../docs/p${target}.html#section-${pick(9)}" title="${words(2)}">`;
      case 2:
        return `<a href="/search.html?q=${WORDS[pick(WORDS.length)]}&amp;check_keywords=yes">`;
      case 3:
        return `<a href="#section-${pick(9)}" class="anchor">`;
      case 4:
        return `<a href="mailto:docs${pick(50)}@example.com">`;
      case 5:
        return `<a href="p${target}.html">`;
      default:
        return `<a class="reference internal" href="${path(target)}">`;
    }
  };
  const parts = [
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${words(3)} — Page ${index} — Docs</title>`,
    `<meta name="description" content="${words(18)}">`,
    `<link rel="canonical" href="${path(index)}">`,
    '<link rel="stylesheet" href="/_static/theme.css"><link rel="stylesheet" href="/_static/pygments.css">',
    '<script src="/_static/jquery.js"></script><script src="/_static/doctools.js"></script>',
    "</head><body><header><nav class='top'>",
  ];
  for (let i = 0; i < 12; i++)
    parts.push(`<a href="/docs/p${(i * 37) % pages}.html">${words(1)}</a>`);
  parts.push('</nav></header><div class="sidebar"><ul class="toc">');
  for (let i = 1; i <= Math.min(120, pages - 1); i++) {
    const target = (index + i) % pages;
    parts.push(
      `<li class="toctree-l1"><a class="reference internal" href="${path(target)}">${words(3)}</a></li>`,
    );
  }
  parts.push('</ul></div><main role="main"><div class="document">');
  let length = parts.reduce((sum, part) => sum + part.length, 0);
  for (let section = 0; length < bytes; section++) {
    let block = `<section id="section-${section}"><h2>${words(4)}<a class="headerlink" href="#section-${section}">¶</a></h2><p>`;
    for (let i = 0; i < 4; i++) {
      block += `${words(14)} <em>${words(2)}</em> ${link()}${words(3)}</a> <code class="docutils literal">${words(1)}()</code>&nbsp;`;
    }
    block += `${words(24)}</p><div class="highlight"><pre><span class="k">const</span> <span class="n">${words(1)}</span> = <span class="s">"${words(3)}"</span>;\n</pre></div>`;
    block += `<table class="docutils"><tr><td>${words(3)}</td><td>${words(5)}</td></tr></table></section>\n`;
    parts.push(block);
    length += block.length;
  }
  parts.push("</div></main><footer>&copy; Docs</footer></body></html>");
  return parts.join("");
}

/**
 * Internal. Serve a site of {@link heavyPage}s (rendered once, up front) under `/docs/`, an index
 * page `/` linking to the first, and a robots.txt that disallows only the search page, on 127.0.0.1 on a free port, for as long as the current scope lives.
 *
 * @param options - the site's size
 * @returns the running site
 */
export function useHeavySite(options: HeavySiteOptions): Operation<HeavySite> {
  return resource<HeavySite>(function* (provide) {
    const bytes = options.bytes ?? 100_000;
    const bodies = new Map<string, Uint8Array>();
    for (let page = 0; page < options.pages; page++) {
      bodies.set(path(page), new TextEncoder().encode(heavyPage(page, options.pages, bytes)));
    }
    const index = new TextEncoder().encode(
      `<!DOCTYPE html><html><head><title>Docs</title></head><body><a href="${path(0)}">Start</a></body></html>`,
    );
    bodies.set("/", index);
    const robots = new TextEncoder().encode("User-agent: *\nDisallow: /search\n");
    const server = yield* useHttpServer({
      shutdownGraceMs: 0,
      *handler(request) {
        const url = new URL(request.url);
        if (url.pathname === "/robots.txt") {
          return fixedResponse(robots, { headers: { "content-type": "text/plain" } });
        }
        const body = bodies.get(url.pathname);
        if (body === undefined) return new Response("not found", { status: 404 });
        return fixedResponse(body, { headers: { "content-type": "text/html; charset=utf-8" } });
      },
    });
    yield* provide({ origin: server.url, pages: options.pages + 1 });
  });
}
