import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, useTestServer, withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { InvalidUrlError } from "./errors.js";

describe("baseUrl", () => {
  it("joins paths under the base's path, where URL resolution dropped /v1", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => response.end(request.url));
      for (const base of [`${server.url}/v1`, `${server.url}/v1/`]) {
        const client = yield* useHttpClient({ baseUrl: base });
        expect(yield* client.text("/users")).toBe("/v1/users");
        expect(yield* client.text("users")).toBe("/v1/users");
        expect(yield* client.text("users/7?full=1")).toBe("/v1/users/7?full=1");
        expect(yield* client.text("/users", { query: { page: 2 } })).toBe("/v1/users?page=2");
        expect(yield* client.text("?q=1")).toBe(base.endsWith("/") ? "/v1/?q=1" : "/v1?q=1");
        expect(yield* client.text("a/../b")).toBe("/v1/b");
      }
    });
  });

  it("keeps //host paths on the base's origin instead of reaching another origin", function* () {
    yield* withoutLeaks(function* () {
      const own = yield* useTestServer((request, response) => response.end(`own ${request.url}`));
      const other = yield* useTestServer((_, response) => response.end("other"));
      const client = yield* useHttpClient({ baseUrl: `${own.url}/v1` });
      const host = other.url.slice("http://".length);
      expect(yield* client.text(`//${host}/x`)).toBe(`own /v1/${host}/x`);
      expect(yield* client.text(`/\\${host}/x`)).toBe(`own /v1/${host}/x`);
      expect(yield* client.text(`${other.url}/x`)).toBe("other");
    });
  });

  it("refuses a path that climbs out of the base's path", function* () {
    const client = yield* useHttpClient({ baseUrl: "http://127.0.0.1:9/v1" });
    for (const path of ["../admin", "/../admin", "a/../../admin", "%2e%2e/admin"]) {
      const error = yield* failure(client.get(path));
      expect(error, path).toBeInstanceOf(InvalidUrlError);
      expect((error as InvalidUrlError).url).toBe(path);
    }
  });

  it("still refuses a relative URL without a base, and a scheme other than http(s)", function* () {
    const client = yield* useHttpClient();
    expect(yield* failure(client.get("/users"))).toBeInstanceOf(InvalidUrlError);
    const based = yield* useHttpClient({ baseUrl: "http://127.0.0.1:9/" });
    expect(yield* failure(based.get("file:///etc/passwd"))).toBeInstanceOf(InvalidUrlError);
  });
});
