/**
 * A dev server that cannot start says why: the error carries the end of the server's own log, so
 * an operator (or a CI log) does not have to find the file. The failure here is real: the database
 * path is a folder, which the Temporal CLI cannot open.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../helpers/net';

test('a failed start reports the exit code and the tail of the server log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-devstart-'));
  try {
    mkdirSync(join(dir, 'temporal.db'));
    const started = ensureDevServer({ port: await freePort(), uiPort: await freePort(), dir, attached: true });
    await expect(started).rejects.toMatchObject({ code: 'TemporalStartFailed' });
    await expect(started).rejects.toThrow(/exited with \d+; see .*server\.log; its log ends:\n {2}\S/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
