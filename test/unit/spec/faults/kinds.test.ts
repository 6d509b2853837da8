/**
 * What the kind declarations tell their readers: the target to resolve (none for a host fault) and
 * the services a fault names besides it, with paths for the error messages.
 */
import { FAULT_DECLARATION_LIST, FaultSpec, faultDeclaration, faultTarget } from '../../../../src/spec/faults';

test('a container kind names its target; a host kind has none', () => {
  expect(faultTarget(FaultSpec.parse({ kind: 'container-pause', target: { service: 'web' } }))).toEqual({ service: 'web', mode: 'all' });
  expect(faultTarget(FaultSpec.parse({ kind: 'process-kill', process: { name: 'nginx' } }))).toBeUndefined();
});

test('network peers are referenced services, with their paths', () => {
  const f = FaultSpec.parse({ kind: 'network-partition', target: { service: 'a' }, peers: ['b', 'c'] });
  expect(faultDeclaration(f.kind).references(f)).toEqual([
    { service: 'b', path: 'peers[0]' },
    { service: 'c', path: 'peers[1]' },
  ]);
  const kill = FaultSpec.parse({ kind: 'container-kill', target: { service: 'a' } });
  expect(faultDeclaration(kill.kind).references(kill)).toEqual([]);
});

test('every declaration names the ports its driver gets, and only known ones', () => {
  for (const d of FAULT_DECLARATION_LIST) {
    expect(d.capabilities.ports.length).toBeGreaterThan(0);
    for (const p of d.capabilities.ports) expect(['ops', 'clock', 'net', 'clones', 'host']).toContain(p);
  }
});
