// A JSON API server with a router, typed route parameters and validated bodies, and a client
// talking to it. jsonResponse() is Response.json() without building Headers or a stream.
import { main } from "@skein/core";
import {
  createRouter,
  HttpStatusError,
  jsonResponse,
  RequestError,
  readJson,
  useHttpClient,
  useHttpServer,
} from "@skein/http";

interface Todo {
  id: number;
  title: string;
  done: boolean;
}

await main(function* () {
  const todos = new Map<number, Todo>();
  const router = createRouter()
    .get("/todos", function* () {
      return jsonResponse([...todos.values()]);
    })
    .get("/todos/:id", function* (_request, params) {
      const todo = todos.get(Number(params.id));
      if (!todo) throw new RequestError(404, "no-such-todo", `no todo ${params.id}`);
      return jsonResponse(todo);
    })
    .post("/todos", function* (request) {
      const body = yield* readJson<{ title?: unknown }>(request);
      if (typeof body.title !== "string") {
        throw new RequestError(422, "invalid-todo", "title must be a string");
      }
      const todo = { id: todos.size + 1, title: body.title, done: false };
      todos.set(todo.id, todo);
      return jsonResponse(todo, { status: 201 });
    });

  const server = yield* useHttpServer({ handler: router.handle });
  console.log(`listening on ${server.url}`);

  const client = yield* useHttpClient({ baseUrl: server.url });
  const created = yield* client.post("/todos", { json: { title: "write the README" } });
  console.log("created:", created.status, yield* created.json<Todo>());
  console.log("list:", yield* client.json<Todo[]>("/todos"));
  try {
    yield* client.json("/todos/42");
  } catch (error) {
    if (!(error instanceof HttpStatusError)) throw error;
    console.log("missing:", error.status, error.body);
  }
  const bad = yield* client.post("/todos", {
    body: "{oops",
    headers: { "content-type": "application/json" },
  });
  console.log("malformed:", bad.status, yield* bad.text());
});
