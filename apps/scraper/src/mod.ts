export * from "./extract/extract-page.js";
export * from "./robots/robots.js";
export * from "./url/invalid-url-error.js";
export * from "./url/normalize-url.js";
