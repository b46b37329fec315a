/** The footnote of the HTTP rows, whose columns hold HTTP peers instead of engines. */
export const HTTP_NOTE =
  "HTTP rows: 2 KB bodies over loopback, 64 requests in flight; floor = the raw peer (undici.request for the client, a node:http handler for the server), Promise = the global fetch; every server runs in a child process, so load and server never share an event loop; CPU lines are the CPU time of the process measured (the client, or the server's child)";
