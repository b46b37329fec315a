import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A private CA and a server certificate it signed, all PEM. */
export interface TestCertificates {
  /** The CA's certificate: trust it to trust `cert`. */
  ca: string;
  /** A certificate for 127.0.0.1 and localhost, signed by the CA, valid for two days. */
  cert: string;
  /** The server certificate's private key. */
  key: string;
}

let made: TestCertificates | undefined;

/**
 * Make a CA and a server certificate with the `openssl` command (OpenSSL 3, on the machine
 * image CI uses), once per test process, in a temporary folder removed at once. Nothing is
 * committed: no key in the repository, and no certificate that can expire under the tests.
 */
export function testCertificates(): TestCertificates {
  if (made !== undefined) return made;
  const folder = mkdtempSync(join(tmpdir(), "skein-http-tls-"));
  const openssl = (command: string) =>
    execFileSync("openssl", command.split(" "), {
      cwd: folder,
      stdio: ["ignore", "ignore", "pipe"],
    });
  const ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2";
  try {
    openssl(
      `req -x509 ${ec} -keyout ca.key -out ca.crt -subj /CN=skein-test-ca` +
        " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign",
    );
    openssl(
      `req -x509 ${ec} -keyout server.key -out server.crt -subj /CN=127.0.0.1` +
        " -CA ca.crt -CAkey ca.key -addext subjectAltName=IP:127.0.0.1,DNS:localhost" +
        " -addext basicConstraints=critical,CA:FALSE",
    );
    const read = (name: string) => readFileSync(join(folder, name), "utf8");
    made = { ca: read("ca.crt"), cert: read("server.crt"), key: read("server.key") };
    return made;
  } catch (error) {
    throw new Error(
      `the TLS tests make their certificates with the openssl command (apt-get install openssl): ${(error as Error).message}`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
