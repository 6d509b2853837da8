#!/usr/bin/env node
// Runs the compiled CLI; `npm run setup` (scripts/setup.sh) compiles src/ into dist/.
const { main } = require('../dist/cli/main');
main(process.argv).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exit(3);
  },
);
