export * from "./demo-site/demo-site.js";
export * from "./demo-site/random.js";
export * from "./extract/extract-page.js";
export * from "./robots/robots.js";
export * from "./url/invalid-url-error.js";
export * from "./url/normalize-url.js";
