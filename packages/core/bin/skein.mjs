#!/usr/bin/env node
// The `skein` command (ps, pstree). Runs the built package; in this repository, from source:
// `node --import tsx packages/core/bin/skein.mjs --source pstree <pid>`.
const fromSource = process.argv[2] === "--source";
const args = process.argv.slice(fromSource ? 3 : 2);
const { runCli } = await import(fromSource ? "../src/node/ps-cli.ts" : "../dist/node/ps-cli.js");
await runCli(args);
