#!/usr/bin/env node
// Bundles the compiled workflows (dist/workflows) once, at build time, into dist/workflow-bundle.js
// with a stamp of the compiled files it was made from; workers use it instead of bundling at start
// (src/worker/prebuilt-bundle.ts). Run after tsc: `npm run build` and scripts/setup.sh do.
'use strict';
const { writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const DIST = resolve(__dirname, '..', 'dist');

async function main() {
  const { bundleWorkflowCode } = require('@temporalio/worker');
  const { BUNDLE_FILE, BUNDLE_STAMP, compiledHash } = require(join(DIST, 'worker', 'prebuilt-bundle.js'));
  const inputs = compiledHash(DIST);
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };
  const { code } = await bundleWorkflowCode({ workflowsPath: join(DIST, 'workflows'), logger: quiet });
  writeFileSync(join(DIST, BUNDLE_FILE), code);
  writeFileSync(join(DIST, BUNDLE_STAMP), JSON.stringify({ inputs }) + '\n');
  console.log(`workflow bundle: dist/${BUNDLE_FILE} (${(code.length / 1024 / 1024).toFixed(1)} MiB)`);
}

main().catch((err) => {
  console.error(`bundling the workflows failed: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
