import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Operation, resource } from "@skein/core";

/**
 * Internal to the tests. A fresh directory, removed with everything in it when the scope ends.
 *
 * @param prefix - the start of the directory's name, to tell whose it is
 * @returns the directory's path
 */
export function useTempDir(prefix = "skein-scrape-test-"): Operation<string> {
  return resource<string>(function* (provide) {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    try {
      yield* provide(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
