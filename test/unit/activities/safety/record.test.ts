/**
 * The janitor acts only on reverter records that validate against their run: a forged, foreign or
 * malformed `faultline.record` label is skipped and reported, and nothing is restored from it.
 */
import type Docker from 'dockerode';
import { LABEL, type Helper } from '../../../../src/activities/safety/helpers';
import { checkRecord } from '../../../../src/activities/safety/record';
import { reverterRecords } from '../../../../src/activities/safety/reverter';

const RUN = 'exp-1';
const ID = 'ab'.repeat(32);
const record = (over: Record<string, unknown> = {}) => ({
  faultId: `${RUN}/method[0]`,
  stepPath: 'method[0]',
  kind: 'container-pause',
  spec: { kind: 'container-pause', target: { service: 'web' } },
  targets: [{ id: ID, name: 'web-1', service: 'web' }],
  deadlineAt: 1_700_000_000_000,
  ...over,
});
const helper = (rec: unknown, labels: Record<string, string> = {}): Helper => ({
  id: 'h1',
  name: 'fl-reverter-x',
  kind: 'reverter',
  state: 'running',
  labels: { [LABEL.helper]: 'reverter', [LABEL.run]: RUN, [LABEL.fault]: `${RUN}/method[0]`, [LABEL.record]: typeof rec === 'string' ? rec : JSON.stringify(rec), ...labels },
});
const problem = (h: Helper) => {
  const c = checkRecord(h, RUN);
  return c.ok ? 'ok' : c.problem;
};

describe('checkRecord', () => {
  it('accepts a record of the run, with its spec parsed', () => {
    const c = checkRecord(helper(record()), RUN);
    expect(c.ok && c.record.faultId).toBe(`${RUN}/method[0]`);
  });

  it('refuses a record whose fault belongs to another run', () => {
    const h = helper(record({ faultId: 'victim/method[0]' }), { [LABEL.fault]: 'victim/method[0]' });
    expect(problem(h)).toMatch(/its fault victim\/method\[0\] is not of run exp-1; skipped/);
  });

  it('refuses a record whose fault does not match its helper label', () => {
    expect(problem(helper(record(), { [LABEL.fault]: `${RUN}/method[9]` }))).toMatch(/does not match the record's/);
  });

  it('refuses malformed, unknown-kind, mismatched-kind and non-container targets', () => {
    expect(problem(helper('{not json'))).toMatch(/not JSON/);
    expect(problem(helper(record({ spec: { kind: 'disk-wipe', target: { service: 'web' } } })))).toMatch(/invalid record \(spec/);
    expect(problem(helper(record({ kind: 'network-loss' })))).toMatch(/kind network-loss does not match its spec/);
    expect(problem(helper(record({ targets: [{ id: "x'; rm -rf /", name: 'web-1' }] })))).toMatch(/targets\.0\.id: a target id is a container id/);
    expect(problem(helper(record({ extra: 1 })))).toMatch(/invalid record/);
  });
});

describe('reverterRecords', () => {
  it('returns the valid records and reports the forged ones', async () => {
    const forged = helper(record({ faultId: 'victim/method[0]' }), { [LABEL.fault]: 'victim/method[0]' });
    const good = helper(record());
    const infos = [forged, good].map((h, i) => ({ Id: `h${i}`, Names: [`/fl-reverter-${i}`], State: h.state, Labels: h.labels }));
    const docker = { listContainers: jest.fn(async () => infos) } as unknown as Docker;
    const out = await reverterRecords(docker, RUN);
    expect(out.records.map((r) => r.faultId)).toEqual([`${RUN}/method[0]`]);
    expect(out.skipped).toHaveLength(1);
    expect(out.skipped[0]).toMatch(/fl-reverter-0: its fault victim/);
  });
});
