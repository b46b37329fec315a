/**
 * Internal. Apply `edit` to `response`'s headers, or, when they are immutable (`Response.error()`,
 * `Response.redirect()`, a response of `fetch`), to those of a copy with the same status and
 * body, which is returned instead.
 */
export function editHeaders(response: Response, edit: (headers: Headers) => void): Response {
  try {
    edit(response.headers);
    return response;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const copy = new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    edit(copy.headers);
    return copy;
  }
}
