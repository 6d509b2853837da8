/**
 * The network fault kinds' schemas (every problem reported with its path) and the iptables rules
 * a traffic selection turns into; the rules' effect on real traffic is in test/integration.
 */
import { trafficRules } from '../../../../src/activities/faults/network/iptables/iptables-fault';
import { netemHandle } from '../../../../src/activities/net/netem';
import { tagOf } from '../../../../src/activities/net/iptables';
import { toxicName } from '../../../../src/activities/net/toxiproxy';
import { FaultSpec, describeFault } from '../../../../src/spec/faults';
import { proxyDriver } from '../../../../src/activities/faults/network/proxy/proxy-fault';
import type { NetOps } from '../../../../src/activities/net/ops';

const problems = (v: unknown): string[] => {
  const r = FaultSpec.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('schemas', () => {
  it('a partition needs peers or ports', () => {
    expect(problems({ kind: 'network-partition', target: { service: 'a' } })).toEqual([
      ': give "peers", "ports" or both: a partition needs something to be cut off from',
    ]);
  });

  it('loss needs a probability in (0, 1]', () => {
    expect(problems({ kind: 'network-loss', target: { service: 'a' }, probability: 0 })).toEqual(['probability: must be more than 0']);
    expect(problems({ kind: 'network-loss', target: { service: 'a' }, probability: 1.5 })).toEqual(['probability: must be at most 1']);
  });

  it('a Toxiproxy fault needs a proxy; netem does not', () => {
    expect(problems({ kind: 'network-latency', target: { service: 't' }, latency: '1s' })).toEqual([
      'proxy: with via: toxiproxy give "proxy", the name of the Toxiproxy proxy to slow down',
    ]);
    expect(problems({ kind: 'network-latency', target: { service: 'db' }, via: 'netem', latency: '1s' })).toEqual([]);
  });

  it('a proxy name outside the safe alphabet is refused: it would reach a revert script', () => {
    for (const proxy of ["db'", 'db(x)', 'a b', '-x', '$(id)', 'a;b']) {
      expect(problems({ kind: 'network-latency', target: { service: 't' }, proxy, latency: '1s' })).toEqual([
        'proxy: a proxy name may use only letters, digits, ".", "_" and "-" (it reaches a generated revert script)',
      ]);
    }
    expect(problems({ kind: 'network-latency', target: { service: 't' }, proxy: 'pg_main-1.v2', latency: '1s' })).toEqual([]);
  });

  it('network-reset refuses netem, saying why', () => {
    expect(problems({ kind: 'network-reset', target: { service: 't' }, proxy: 'p', via: 'netem' })).toEqual([
      'via: network-reset works only via "toxiproxy" (netem cannot reset connections)',
    ]);
  });

  it('process-kill takes a pid file or a name, not both, and no target', () => {
    expect(problems({ kind: 'process-kill', process: { name: 'a', pidFile: '/x' } })).toEqual(['process: give exactly one of "pidFile" or "name"']);
    expect(problems({ kind: 'process-kill', process: { name: 'a' }, target: { service: 'x' } })).toEqual([': Unrecognized key: "target"']);
  });

  it('descriptions say what is broken', () => {
    expect(describeFault(FaultSpec.parse({ kind: 'network-partition', target: { service: 'a1' }, peers: ['b1'], ports: [7522] }))).toBe(
      'partition service a1 from peers b1 on tcp ports 7522',
    );
    expect(describeFault(FaultSpec.parse({ kind: 'network-latency', target: { service: 'tp' }, proxy: 'nats', latency: '200ms' }))).toBe(
      'add 200ms latency via toxiproxy proxy nats downstream at service tp',
    );
    expect(describeFault(FaultSpec.parse({ kind: 'process-kill', process: { pidFile: '/run/a.pid' } }))).toBe('kill host process of /run/a.pid with SIGKILL');
  });
});

describe('trafficRules', () => {
  const base = { protocol: 'tcp' as const, direction: 'both' as const };

  it('peers only: one rule per peer and direction', () => {
    expect(trafficRules({ ...base, peers: ['b'] }, ['10.0.0.2'], [])).toEqual([
      { chain: 'INPUT', args: ['-s', '10.0.0.2', '-j', 'DROP'] },
      { chain: 'OUTPUT', args: ['-d', '10.0.0.2', '-j', 'DROP'] },
    ]);
  });

  it('ports only, ingress: both ends of the port, never loopback', () => {
    const rules = trafficRules({ ...base, ports: [7522], direction: 'ingress' }, [], []);
    expect(rules).toEqual([
      { chain: 'INPUT', args: ['!', '-i', 'lo', '-p', 'tcp', '--dport', '7522', '-j', 'DROP'] },
      { chain: 'INPUT', args: ['!', '-i', 'lo', '-p', 'tcp', '--sport', '7522', '-j', 'DROP'] },
    ]);
  });

  it('extra matches go before the target', () => {
    const [rule] = trafficRules({ ...base, direction: 'egress' }, [], ['-m', 'statistic', '--mode', 'random', '--probability', '0.3']);
    expect(rule).toEqual({ chain: 'OUTPUT', args: ['!', '-o', 'lo', '-m', 'statistic', '--mode', 'random', '--probability', '0.3', '-j', 'DROP'] });
  });
});

describe('names derived from the fault id', () => {
  it('are stable, distinct per fault, and recognisable', () => {
    expect(tagOf('wf/method[0]')).toBe(tagOf('wf/method[0]'));
    expect(tagOf('wf/method[0]')).not.toBe(tagOf('wf/method[1]'));
    expect(tagOf('wf/method[0]')).toMatch(/^faultline:[0-9a-f]{20}$/);
    expect(toxicName('wf/method[0]')).toMatch(/^faultline-[0-9a-f]{20}$/);
    expect(parseInt(netemHandle('wf/method[0]'), 16)).toBeGreaterThanOrEqual(0x100);
  });
});

describe('self-revert scripts', () => {
  const driver = proxyDriver({ net: {} as NetOps }, { verb: () => 'slow', toxic: () => ({ type: 'latency', attributes: {} }) });
  const ctx = (proxy: string) => ({
    fault: { via: 'toxiproxy' as const, proxy, stream: 'downstream' as const, toxicity: 1 },
    target: { id: 'c0ffee', name: 'toxiproxy-1' },
    faultId: 'run-1/f1',
  });

  it('passes the proxy name as data: the script text never contains it', () => {
    const a = driver.selfRevert?.(ctx('orders_db'));
    const b = driver.selfRevert?.(ctx('other.proxy'));
    expect(a?.script).toBe(b?.script);
    expect(a?.script).not.toContain('orders_db');
    expect(a?.script).toContain('$FL_PROXY');
    expect(a?.env).toEqual({ FL_PROXY: 'orders_db', FL_TOXIC: toxicName('run-1/f1') });
  });

  it('a Toxiproxy reverter needs no capability; a netem one needs NET_ADMIN', () => {
    expect(driver.selfRevert?.(ctx('p'))).toMatchObject({ netnsOf: 'c0ffee' });
    expect(driver.selfRevert?.(ctx('p'))?.netAdmin).toBeUndefined();
    expect(driver.selfRevert?.({ ...ctx('p'), fault: { ...ctx('p').fault, via: 'netem' as const } })?.netAdmin).toBe(true);
  });
});
