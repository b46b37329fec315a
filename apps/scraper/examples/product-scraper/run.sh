#!/usr/bin/env bash
# Pack the four packages (each builds itself before it is packed), install the tarballs into this example (outside the
# workspace: npm, its own node_modules) and run it with plain node. Used by .ci/run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
PNPM="npx -y pnpm@10.34.8"
rm -rf "$here/packs" "$here/node_modules" "$here/dist"
mkdir -p "$here/packs"
for pkg in packages/core packages/http packages/postgres apps/scraper; do
  (cd "$root/$pkg" && rm -rf dist && $PNPM pack --pack-destination "$here/packs" >/dev/null)
done
cd "$here"
npm install --no-package-lock --legacy-peer-deps --no-audit --no-fund --loglevel=error
# The driver installed with @skein/postgres is the patched one it was tested with, not the
# registry's (pnpm's patch applies inside the workspace only).
grep -q "Patched (@skein/postgres)" node_modules/@skein/postgres/dist/vendor/postgres/src/connection.js
node "$root/node_modules/typescript/bin/tsc" -p tsconfig.json
node dist/main.js
# The CLI as installed: the bin runs dist/ with plain node (the package has no sources).
node_modules/.bin/skein-scrape --help | head -1
