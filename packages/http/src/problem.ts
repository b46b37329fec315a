import { jsonResponse } from "./fixed-response.js";

/** Internal. A JSON error response: `{ "error": { "code", "message" } }`. */
export function problem(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse({ error: { code, message } }, { status, headers });
}
