// A client session against a small API: a versioned base URL, a form login whose cookie the
// client keeps, a multipart upload, gzip responses decoded on the fly, hooks that trace each
// request, a redirect returned as it is, and typed errors for what a server gets wrong.
import { gzipSync } from "node:zlib";
import { main, until } from "@skein/core";
import {
  createRouter,
  InvalidResponseJsonError,
  RequestError,
  useHttpClient,
  useHttpServer,
} from "@skein/http";

await main(function* () {
  const router = createRouter()
    .post("/v1/login", function* (request) {
      const form = new URLSearchParams(yield* until(request.text()));
      if (form.get("user") !== "ada") throw new RequestError(401, "unknown-user", "who?");
      return new Response(null, {
        status: 204,
        headers: { "set-cookie": "session=s3cret; Path=/v1; HttpOnly" },
      });
    })
    .get("/v1/me", function* (request) {
      const session = /session=(\w+)/.exec(request.headers.get("cookie") ?? "")?.[1];
      if (session !== "s3cret") throw new RequestError(401, "no-session", "log in first");
      const body = gzipSync(JSON.stringify({ user: "ada", notes: "x".repeat(10_000) }));
      return new Response(body, {
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      });
    })
    .post("/v1/files", function* (request) {
      const form = yield* until(request.formData());
      const file = form.get("file") as File;
      return Response.json({ name: file.name, bytes: file.size });
    })
    .get("/v1/old", function* () {
      return new Response(null, { status: 301, headers: { location: "/v1/me" } });
    })
    .get("/v1/broken", function* () {
      return new Response("<html>not json</html>", { headers: { "content-type": "text/html" } });
    });
  const server = yield* useHttpServer({ handler: router.handle });

  const client = yield* useHttpClient({
    baseUrl: `${server.url}/v1`,
    cookies: true,
    hooks: {
      onResponse(response, request) {
        console.log(`  ${request.method} ${request.url.pathname} -> ${response.status}`);
      },
    },
  });

  yield* client.post("login", { body: new URLSearchParams({ user: "ada" }) });
  const me = yield* client.json<{ user: string; notes: string }>("me");
  console.log("me:", me.user, `(${me.notes.length} chars, sent gzipped)`);

  const form = new FormData();
  form.append("file", new Blob(["hello, world\n"], { type: "text/plain" }), "hello.txt");
  console.log("upload:", yield* client.json("files", { method: "POST", body: form }));

  const moved = yield* client.get("old", { redirect: "manual" });
  console.log("redirect:", moved.status, moved.headers.location);

  try {
    yield* client.json("broken");
  } catch (error) {
    if (!(error instanceof InvalidResponseJsonError)) throw error;
    console.log("broken:", error.code, error.status, error.body);
  }
});
