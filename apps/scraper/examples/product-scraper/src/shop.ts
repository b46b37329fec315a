import type { Operation } from "@skein/core";
import { useHttpServer } from "@skein/http";

/** The products the shop sells; one has no price, which the item schema must catch. */
export const PRODUCTS = [
  { id: 1, name: "Kettle", price: 39.5, category: "Kitchen" },
  { id: 2, name: "Toaster", price: 24, category: "Kitchen" },
  { id: 3, name: "Teapot", price: null, category: "Kitchen" },
  { id: 4, name: "Lamp", price: 18.25, category: "Living room" },
  { id: 5, name: "Rug", price: 120, category: "Living room" },
];

const categories = [...new Set(PRODUCTS.map((p) => p.category))];
const slug = (text: string) => text.toLowerCase().replace(/\W+/g, "-");
const html = (title: string, body: string) =>
  new Response(
    `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`,
    {
      headers: { "content-type": "text/html; charset=utf-8" },
    },
  );

/** A tiny shop on a free loopback port: a home page, one listing per category, product pages. */
export function* useShop(): Operation<string> {
  const server = yield* useHttpServer({
    *handler(request) {
      const path = new URL(request.url).pathname;
      if (path === "/") {
        const links = categories.map((c) => `<a href="/c/${slug(c)}">${c}</a>`).join(" ");
        return html("Shop", `<h1>Shop</h1><nav>${links}</nav>`);
      }
      const category = categories.find((c) => path === `/c/${slug(c)}`);
      if (category !== undefined) {
        const items = PRODUCTS.filter((p) => p.category === category)
          .map((p) => `<li><a class="product" href="/p/${p.id}">${p.name}</a></li>`)
          .join("");
        return html(category, `<h1>${category}</h1><ul>${items}</ul><a href="/">home</a>`);
      }
      const product = PRODUCTS.find((p) => path === `/p/${p.id}`);
      if (product !== undefined) {
        const price = product.price === null ? "" : ` data-price="${product.price}"`;
        return html(product.name, `<h1>${product.name}</h1><span class="price"${price}>?</span>`);
      }
      return new Response("not found", { status: 404 });
    },
  });
  return server.url;
}
