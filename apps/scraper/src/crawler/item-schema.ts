import { type Operation, until } from "@skein/core";

/**
 * The part of the Standard Schema interface (zod, valibot, arktype…) a crawl uses.
 *
 * @example
 * ```ts
 * import type { StandardSchema } from "@skein/scraper";
 *
 * const price: StandardSchema = {
 *   "~standard": {
 *     validate: (value) =>
 *       typeof value === "number" ? { value } : { issues: [{ message: "price must be a number" }] },
 *   },
 * };
 * ```
 */
export interface StandardSchema {
  readonly "~standard": {
    validate(value: unknown): StandardResult | PromiseLike<StandardResult>;
  };
}

type StandardResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly issues: readonly { readonly message: string }[] };

/**
 * What a crawl checks each pushed item with: a Standard Schema object, or a function that
 * returns `true` (or nothing) for a valid item and `false` or a message for an invalid one (or
 * throws). An invalid item is stored with its error instead of failing the crawl.
 *
 * @example
 * ```ts
 * import type { ItemSchema } from "@skein/scraper";
 *
 * const schema: ItemSchema = (item) =>
 *   typeof (item as { price?: unknown }).price === "number" || "price must be a number";
 * ```
 */
export type ItemSchema = StandardSchema | ((item: unknown) => boolean | string | undefined | void);

/**
 * Internal to the crawl. Check `item` against `schema`: the item to store (a Standard Schema
 * may transform it) and the error, if it is invalid.
 */
export function* checkItem(
  schema: ItemSchema | undefined,
  item: unknown,
): Operation<{ item: unknown; error?: string }> {
  if (schema === undefined) return { item };
  if (typeof schema === "function") {
    try {
      const verdict = schema(item);
      if (verdict === true || verdict === undefined) return { item };
      return { item, error: typeof verdict === "string" ? verdict : "invalid item" };
    } catch (error) {
      return { item, error: messageOf(error) };
    }
  }
  let result = schema["~standard"].validate(item);
  if ("then" in result) result = yield* until(result);
  if (result.issues !== undefined) {
    return { item, error: result.issues.map((issue) => issue.message).join("; ") };
  }
  return { item: result.value };
}

/** Internal. The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
