/**
 * The build-time workflow bundle is used only while the compiled files are exactly those it was
 * made from: a rebuilt file, an added module or a missing stamp sends the worker back to bundling.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FILE, BUNDLE_STAMP, compiledHash, distRoot, prebuiltBundle } from '../../../src/worker/prebuilt-bundle';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fl-bundle-'));
  mkdirSync(join(root, 'workflows'));
  writeFileSync(join(root, 'workflows', 'index.js'), 'exports.a = 1;\n');
  writeFileSync(join(root, 'errors.js'), 'exports.e = 1;\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const stamp = () => {
  writeFileSync(join(root, BUNDLE_FILE), '/* bundle */');
  writeFileSync(join(root, BUNDLE_STAMP), JSON.stringify({ inputs: compiledHash(root) }));
};

test('a bundle stamped with the compiled files as they are is used', () => {
  stamp();
  expect(prebuiltBundle(root)).toEqual({ codePath: join(root, BUNDLE_FILE) });
});

test('a changed, added or removed compiled file makes the bundle stale', () => {
  stamp();
  writeFileSync(join(root, 'workflows', 'index.js'), 'exports.a = 2;\n');
  expect(prebuiltBundle(root)).toBeUndefined();
  stamp();
  writeFileSync(join(root, 'workflows', 'more.js'), 'exports.b = 1;\n');
  expect(prebuiltBundle(root)).toBeUndefined();
  stamp();
  rmSync(join(root, 'errors.js'));
  expect(prebuiltBundle(root)).toBeUndefined();
});

test('no bundle, no stamp or a broken stamp: none; the bundle itself and source maps are not inputs', () => {
  expect(prebuiltBundle(root)).toBeUndefined();
  stamp();
  const before = compiledHash(root);
  writeFileSync(join(root, BUNDLE_FILE), '/* another bundle */');
  writeFileSync(join(root, 'errors.js.map'), '{}');
  expect(compiledHash(root)).toBe(before);
  writeFileSync(join(root, BUNDLE_STAMP), 'not json');
  expect(prebuiltBundle(root)).toBeUndefined();
  rmSync(join(root, BUNDLE_STAMP));
  expect(prebuiltBundle(root)).toBeUndefined();
});

test('running from sources (ts-jest) there is no compiled root, so the worker bundles the sources', () => {
  expect(distRoot()).toBeUndefined();
  expect(prebuiltBundle()).toBeUndefined();
});
