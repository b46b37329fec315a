// A chat room on WebSockets: each member's session is a task of the server; a member that
// leaves, politely or by vanishing mid-message, is removed and the others are told.
import { pathToFileURL } from "node:url";
import { each, main } from "@skein/core";
import {
  createRouter,
  type Router,
  useHttpServer,
  useWebSocket,
  type WebSocketConnection,
  webSocket,
} from "@skein/http";

/** A room: its router (`/chat/:name`) and who is in it now. */
export interface ChatRoom {
  router: Router;
  members: ReadonlyMap<string, WebSocketConnection>;
}

export function createChatRoom(): ChatRoom {
  const members = new Map<string, WebSocketConnection>();
  function* broadcast(text: string, from: string) {
    for (const [name, member] of members) {
      if (name === from) continue;
      try {
        yield* member.send(text);
      } catch {
        // That member is leaving too; its own session removes it.
      }
    }
  }
  const router = createRouter().get(
    "/chat/:name",
    webSocket(
      function* (socket, _request, { name }) {
        if (members.has(name)) {
          yield* socket.close(4000, "name taken");
          return;
        }
        members.set(name, socket);
        yield* broadcast(`${name} joined`, name);
        try {
          for (const message of yield* each(socket.messages)) {
            yield* broadcast(`${name}: ${String(message)}`, name);
            yield* each.next();
          }
        } finally {
          members.delete(name);
          yield* broadcast(`${name} left`, name);
        }
      },
      { maxMessageBytes: 16 * 1024, pingIntervalMs: 10_000 },
    ),
  );
  return { router, members };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(function* () {
    const room = createChatRoom();
    const server = yield* useHttpServer({ handler: room.router.handle });
    const url = server.url.replace("http", "ws");
    const ada = yield* useWebSocket(`${url}/chat/ada`);
    const inbox = yield* ada.messages;
    const grace = yield* useWebSocket(`${url}/chat/grace`);
    console.log((yield* inbox.next()).value); // grace joined
    yield* grace.send("hello, ada");
    console.log((yield* inbox.next()).value); // grace: hello, ada
    yield* grace.close();
    console.log((yield* inbox.next()).value); // grace left
  });
}
