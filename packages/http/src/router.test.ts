import { createContext, type Operation } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { withoutLeaks } from "../test/servers.js";
import { type HttpClient, useHttpClient } from "./client.js";
import type { Middleware } from "./middleware.js";
import { RequestError } from "./request-errors.js";
import { createRouter, type Router } from "./router.js";
import { useHttpServer } from "./server.js";

const said = (text: string) =>
  function* (): Operation<Response> {
    return new Response(text);
  };

/** Serve `router` and run `body` with a client on its URL. */
function* serving(router: Router, body: (client: HttpClient) => Operation<void>): Operation<void> {
  yield* withoutLeaks(function* () {
    const server = yield* useHttpServer({ handler: router.handle });
    yield* body(yield* useHttpClient({ baseUrl: server.url }));
  });
}

describe("createRouter()", () => {
  it("lists HEAD and OPTIONS in the Allow of a 405 for a GET route (HEAD was missing)", function* () {
    yield* serving(createRouter().get("/items", said("list")), function* (client) {
      const response = yield* client.request("/items", { method: "DELETE" });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe("GET, HEAD, OPTIONS");
    });
  });

  it("answers OPTIONS with 204 and Allow (it got a 405)", function* () {
    const router = createRouter().get("/items", said("list")).post("/items", said("made"));
    yield* serving(router, function* (client) {
      const response = yield* client.request("/items", { method: "OPTIONS" });
      expect(response.status).toBe(204);
      expect(response.headers.allow).toBe("GET, HEAD, POST, OPTIONS");
    });
  });

  it("answers HEAD from a GET route with its headers and no body", function* () {
    yield* serving(createRouter().get("/items", said("list")), function* (client) {
      const response = yield* client.request("/items", { method: "HEAD" });
      expect(response.status).toBe(200);
      expect(response.headers["content-length"]).toBe("4");
      expect(yield* response.text()).toBe("");
    });
  });

  it("prefers a literal segment over a parameter and a parameter over a wildcard, whatever the order", function* () {
    const router = createRouter()
      .get("/files/*", function* (_request, params) {
        return new Response(`rest ${params["*"]}`);
      })
      .get("/files/:name", function* (_request, { name }) {
        return new Response(`param ${name}`);
      })
      .get("/files/new", said("literal"))
      .get("/files", said("exact"));
    yield* serving(router, function* (client) {
      expect(yield* client.text("/files/new")).toBe("literal");
      expect(yield* client.text("/files/a%20b")).toBe("param a b");
      expect(yield* client.text("/files/css/site%2B.css")).toBe("rest css/site+.css");
      expect(yield* client.text("/files")).toBe("exact");
    });
  });

  it("mounts a router under a prefix, and groups routes", function* () {
    const users = createRouter().get("/:id", function* (_request, { id }) {
      return new Response(`user ${id}`);
    });
    const router = createRouter()
      .mount("/api/users", users)
      .group("/admin", (admin) => admin.get("/stats", said("stats")));
    yield* serving(router, function* (client) {
      expect(yield* client.text("/api/users/7")).toBe("user 7");
      expect(yield* client.text("/admin/stats")).toBe("stats");
      expect((yield* client.request("/api/users")).status).toBe(404);
    });
  });

  it("runs middleware as an onion: before and after the handler, outer first", function* () {
    const trail: string[] = [];
    const layer = (name: string): Middleware =>
      function* (request, next) {
        trail.push(`${name} in`);
        const response = yield* next(request);
        trail.push(`${name} out`);
        response.headers.append("x-layers", name);
        return response;
      };
    const api = createRouter()
      .use(layer("api"))
      .get("/ping", function* () {
        trail.push("handler");
        return new Response("pong");
      });
    const router = createRouter().use(layer("root")).mount("/api", api);
    yield* serving(router, function* (client) {
      const response = yield* client.get("/api/ping");
      expect(yield* response.text()).toBe("pong");
      expect(trail).toEqual(["root in", "api in", "handler", "api out", "root out"]);
      expect(response.headers["x-layers"]).toBe("api, root");
    });
  });

  it("lets middleware short-circuit, pass context to the handler, and turn errors into responses", function* () {
    const User = createContext<string>("test-user");
    const auth: Middleware = function* (request, next) {
      const token = request.headers.get("authorization");
      if (token === null) throw new RequestError(401, "unauthorized", "log in first");
      if (token === "teapot") return new Response("short", { status: 418 });
      yield* User.set(token);
      return yield* next();
    };
    const router = createRouter()
      .use(auth)
      .get("/me", function* () {
        return new Response(`me: ${yield* User.expect()}`);
      });
    yield* serving(router, function* (client) {
      const none = yield* client.request("/me");
      expect(none.status).toBe(401);
      expect((yield* none.json<{ error: { code: string } }>()).error.code).toBe("unauthorized");
      const tea = yield* client.request("/me", { headers: { authorization: "teapot" } });
      expect(tea.status).toBe(418);
      expect(yield* tea.text()).toBe("short");
      expect(yield* client.text("/me", { headers: { authorization: "ada" } })).toBe("me: ada");
    });
  });

  it("runs middleware around 404s too", function* () {
    const seen: number[] = [];
    const logging: Middleware = function* (_request, next) {
      const response = yield* next();
      seen.push(response.status);
      return response;
    };
    yield* serving(createRouter().use(logging).get("/a", said("a")), function* (client) {
      expect((yield* client.request("/missing")).status).toBe(404);
      expect(seen).toEqual([404]);
    });
  });

  it("refuses a pattern that does not start with / or has * before its end", function* () {
    expect(() => createRouter().get("items" as "/items", said("x"))).toThrow(TypeError);
    expect(() => createRouter().get("/a/*/b", said("x"))).toThrow(/last segment/);
  });
});
