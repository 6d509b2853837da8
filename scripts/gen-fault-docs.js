#!/usr/bin/env node
// Writes the fault table of docs/faults.md (between its marker comments) from the kind declarations,
// read from the compiled dist/ like `npm run schema`; run `npm run build` first.
// Usage: node scripts/gen-fault-docs.js [--check]   (--check: exit 1 if the table is stale)
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { withFaultTable } = require('../dist/spec/faults/table');

const FILE = join(resolve(__dirname, '..'), 'docs', 'faults.md');
const before = readFileSync(FILE, 'utf8');
const after = withFaultTable(before);
if (process.argv.includes('--check')) {
  if (after !== before) {
    process.stderr.write('docs/faults.md: the fault table is stale; run `npm run build && npm run docs`\n');
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(FILE, after);
  process.stdout.write('docs/faults.md: fault table updated\n');
}
