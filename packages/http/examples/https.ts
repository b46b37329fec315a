// HTTPS on both sides: useHttpServer with `tls: { key, cert }`, and a client that trusts the
// server's private CA through `tls: { ca }`, while a client without it gets a TlsError. The CA
// and the certificate are made for this run with the openssl command and never written to the
// repository.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "@skein/core";
import { TlsError, useHttpClient, useHttpServer } from "@skein/http";

function makeCertificates(): { ca: string; cert: string; key: string } {
  const folder = mkdtempSync(join(tmpdir(), "skein-https-example-"));
  const openssl = (command: string) =>
    execFileSync("openssl", command.split(" "), { cwd: folder, stdio: "ignore" });
  const ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1";
  try {
    openssl(
      `req -x509 ${ec} -keyout ca.key -out ca.crt -subj /CN=example-ca` +
        " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign",
    );
    openssl(
      `req -x509 ${ec} -keyout server.key -out server.crt -subj /CN=127.0.0.1` +
        " -CA ca.crt -CAkey ca.key -addext subjectAltName=IP:127.0.0.1",
    );
    const read = (name: string) => readFileSync(join(folder, name), "utf8");
    return { ca: read("ca.crt"), cert: read("server.crt"), key: read("server.key") };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main(function* () {
  const { ca, cert, key } = makeCertificates();
  const server = yield* useHttpServer({
    tls: { key, cert },
    *handler(request) {
      return Response.json({
        secure: request.url.startsWith("https:"),
        path: new URL(request.url).pathname,
      });
    },
  });
  console.log(`listening on ${server.url}`);

  const trusting = yield* useHttpClient({ baseUrl: server.url, tls: { ca } });
  console.log("with the CA:", yield* trusting.json("/hello"));

  const stranger = yield* useHttpClient({ baseUrl: server.url });
  try {
    yield* stranger.json("/hello");
  } catch (error) {
    if (!(error instanceof TlsError)) throw error;
    console.log(`without it: ${error.name} (${error.code}, ${error.reason})`);
  }
});
