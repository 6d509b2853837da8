/** The guardrail decisions: each rule refuses what it must, and allows the same input when the config allows it (its negative control). */
import { GuardrailsSection, guardrailConfig, withGuardrailEnv } from '../../../../src/activities/guardrails/config';
import { type FaultFacts, type TargetFacts, decideFault, decideRun, globToRegExp, refusalText } from '../../../../src/activities/guardrails/decide';
import type { GuardrailRule } from '../../../../src/activities/guardrails/types';

const cfg = (section: unknown = {}) => guardrailConfig(GuardrailsSection.parse(section));

/** A container of Faultline's own stack `p`, service `svc`. */
const owned = (name: string, extra: Partial<TargetFacts> = {}): TargetFacts => ({
  id: `id-${name}`,
  name,
  image: 'faultline/sleeper:local',
  labels: { 'faultline.project': 'p', 'faultline.service': 'svc', 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'svc' },
  ports: [],
  serviceSize: 4,
  ...extra,
});
/** A container someone else started with docker compose: no faultline.project label. */
const foreign = (name: string, labels: Record<string, string> = {}): TargetFacts => ({
  id: `id-${name}`,
  name,
  image: 'nginx:latest',
  labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', ...labels },
  ports: [80],
  serviceSize: 2,
});

const fault = (targets: TargetFacts[], over: Partial<FaultFacts> = {}): FaultFacts => ({
  fault: { stepPath: 'method[0]', kind: 'container-pause', holdMs: 10_000 },
  targets,
  host: false,
  activeInRun: 0,
  activeElsewhere: 0,
  ...over,
});

const verdictOf = (rule: GuardrailRule, d: { verdicts: Array<{ rule: string; ok: boolean; detail: string; refused?: string[] }> }) => {
  const v = d.verdicts.find((x) => x.rule === rule);
  if (!v) throw new Error(`no verdict for ${rule}`);
  return v;
};

describe('environment', () => {
  it('production refuses a scenario not in allowProduction, naming the environment and the scenario', () => {
    const d = decideRun(cfg({ environment: 'production' }), 'kill-db', []);
    expect(d.allowed).toBe(false);
    expect(verdictOf('environment', d).detail).toMatch(/environment is production: scenario kill-db is not in allowProduction/);
    expect(decideFault(cfg({ environment: 'Production' }), 'kill-db', fault([owned('a')])).allowed).toBe(false);
  });
  it('negative control: allowed for a scenario listed in allowProduction, and in any other environment', () => {
    expect(decideRun(cfg({ environment: 'production', allowProduction: ['kill-db'] }), 'kill-db', []).allowed).toBe(true);
    expect(decideRun(cfg({ environment: 'staging' }), 'kill-db', []).allowed).toBe(true);
    expect(decideRun(cfg(), 'kill-db', []).allowed).toBe(true);
  });
  it('FAULTLINE_ENVIRONMENT overrides the file, both ways', () => {
    const section = GuardrailsSection.parse({ environment: 'staging' });
    expect(decideRun(guardrailConfig(withGuardrailEnv(section, { FAULTLINE_ENVIRONMENT: 'production' })), 's', []).allowed).toBe(false);
    const prod = GuardrailsSection.parse({ environment: 'production' });
    expect(decideRun(guardrailConfig(withGuardrailEnv(prod, { FAULTLINE_ENVIRONMENT: 'dev' })), 's', []).allowed).toBe(true);
    expect(decideRun(guardrailConfig(withGuardrailEnv(prod, {})), 's', []).allowed).toBe(false);
  });
});

describe('chaos enabled', () => {
  it('a container Faultline did not start is refused while chaos is not enabled', () => {
    const d = decideFault(cfg(), 's', fault([owned('p-svc-1'), foreign('shop-web-1')]));
    expect(d.allowed).toBe(false);
    const v = verdictOf('chaos-enabled', d);
    expect(v.refused).toEqual(['shop-web-1']);
    expect(v.detail).toMatch(/not started by Faultline.*FAULTLINE_CHAOS_ENABLED=true.*--enable-chaos/);
  });
  it('negative controls: chaosEnabled in the file or FAULTLINE_CHAOS_ENABLED=true allows it; containers Faultline started never need it', () => {
    expect(decideFault(cfg({ chaosEnabled: true }), 's', fault([foreign('shop-web-1')])).allowed).toBe(true);
    const env = guardrailConfig(withGuardrailEnv(GuardrailsSection.parse({}), { FAULTLINE_CHAOS_ENABLED: 'true' }));
    expect(decideFault(env, 's', fault([foreign('shop-web-1')])).allowed).toBe(true);
    expect(decideFault(cfg(), 's', fault([owned('p-svc-1')])).allowed).toBe(true);
  });
  it('FAULTLINE_CHAOS_ENABLED=false turns off what the file enabled; a value it does not know leaves the file', () => {
    const on = GuardrailsSection.parse({ chaosEnabled: true });
    expect(withGuardrailEnv(on, { FAULTLINE_CHAOS_ENABLED: 'false' }).chaosEnabled).toBe(false);
    expect(withGuardrailEnv(on, { FAULTLINE_CHAOS_ENABLED: 'maybe' }).chaosEnabled).toBe(true);
  });
});

describe('built-in deny', () => {
  const cases: Array<[string, TargetFacts]> = [
    ['a Faultline helper', owned('fl-reverter-1', { labels: { 'faultline.helper': 'reverter' } })],
    ['labelled faultline.protected=true', owned('p-db-1', { labels: { 'faultline.project': 'p', 'faultline.protected': 'true' } })],
    ['the Temporal server (image', foreign('temporal', {})],
    ['the Temporal server (port 7233)', { ...foreign('tmprl'), image: 'my/server', ports: [7233] }],
  ];
  cases[2][1].image = 'temporalio/auto-setup:1.24';
  it.each(cases)('refuses %s, even with chaos enabled and an allowlist that names it', (why, t) => {
    const d = decideFault(cfg({ chaosEnabled: true, allow: { names: ['*'] } }), 's', fault([t]));
    expect(d.allowed).toBe(false);
    expect(verdictOf('built-in-deny', d).detail).toContain(why);
  });
  it('negative control: faultline.protected=false and other images and ports are allowed', () => {
    const t = owned('p-db-1', { labels: { 'faultline.project': 'p', 'faultline.protected': 'false' }, ports: [5432] });
    expect(verdictOf('built-in-deny', decideFault(cfg(), 's', fault([t]))).ok).toBe(true);
  });
});

describe('denylist and allowlist', () => {
  const t = foreign('shop-web-1', { tier: 'edge' });
  it('a denied name glob, label or project refuses', () => {
    for (const deny of [{ names: ['shop-*'] }, { labels: ['tier=edge'] }, { labels: ['tier'] }, { projects: ['sh?p'] }]) {
      const d = decideFault(cfg({ chaosEnabled: true, deny }), 's', fault([t]));
      expect(verdictOf('denylist', d)).toMatchObject({ ok: false, refused: [expect.stringContaining('shop-web-1')] });
    }
  });
  it('negative control: a denylist that matches nothing allows it', () => {
    for (const deny of [{ names: ['shop'] }, { labels: ['tier=core'] }, { projects: ['other'] }]) {
      expect(decideFault(cfg({ chaosEnabled: true, deny }), 's', fault([t])).allowed).toBe(true);
    }
  });
  it('with an allowlist, a target matching none of it is refused', () => {
    const d = decideFault(cfg({ chaosEnabled: true, allow: { projects: ['staging-*'] } }), 's', fault([t]));
    expect(verdictOf('allowlist', d)).toMatchObject({ ok: false, refused: ['shop-web-1'] });
    expect(refusalText(d.verdicts)).toBe('guardrail allowlist: not on the allowlist: shop-web-1');
  });
  it('negative control: a target matching the allowlist by name, label or project is allowed; no allowlist allows all', () => {
    for (const allow of [{ names: ['shop-web-?'] }, { labels: ['tier=edge'] }, { projects: ['shop'] }]) {
      expect(decideFault(cfg({ chaosEnabled: true, allow }), 's', fault([t])).allowed).toBe(true);
    }
    expect(verdictOf('allowlist', decideFault(cfg({ chaosEnabled: true }), 's', fault([t]))).detail).toBe('no allowlist configured');
  });
  it('the deny wins over the allow', () => {
    expect(decideFault(cfg({ chaosEnabled: true, allow: { names: ['*'] }, deny: { names: ['shop-*'] } }), 's', fault([t])).allowed).toBe(false);
  });
  it('globs match the whole name, with regex characters taken literally', () => {
    expect(globToRegExp('a.b*').test('a.bc')).toBe(true);
    expect(globToRegExp('a.b*').test('axbc')).toBe(false);
    expect(globToRegExp('web').test('web-1')).toBe(false);
  });
});

describe('blast radius', () => {
  const four = [owned('p-svc-1'), owned('p-svc-2'), owned('p-svc-3'), owned('p-svc-4')];
  it('more containers than maxContainersPerFault is refused; as many is allowed', () => {
    expect(verdictOf('max-containers-per-fault', decideFault(cfg({ blastRadius: { maxContainersPerFault: 2 } }), 's', fault(four.slice(0, 3)))).ok).toBe(false);
    expect(decideFault(cfg({ blastRadius: { maxContainersPerFault: 2 } }), 's', fault(four.slice(0, 2))).allowed).toBe(true);
  });
  it('more than maxServicePercent of one service is refused; at most that share is allowed', () => {
    const d = decideFault(cfg({ blastRadius: { maxServicePercent: 50 } }), 's', fault(four.slice(0, 3)));
    expect(verdictOf('max-service-percent', d)).toMatchObject({ ok: false, detail: expect.stringContaining('3 of 4 containers of service p/svc (75%)') });
    expect(decideFault(cfg({ blastRadius: { maxServicePercent: 50 } }), 's', fault(four.slice(0, 2))).allowed).toBe(true);
  });
  it('a fault beyond maxConcurrentFaultsPerRun is refused; within it is allowed', () => {
    const c = cfg({ blastRadius: { maxConcurrentFaultsPerRun: 2 } });
    expect(verdictOf('max-concurrent-faults-per-run', decideFault(c, 's', fault([owned('a')], { activeInRun: 2 }))).ok).toBe(false);
    expect(decideFault(c, 's', fault([owned('a')], { activeInRun: 1 })).allowed).toBe(true);
  });
  it('a fault beyond maxConcurrentFaults on the engine (other runs counted) is refused; within it is allowed', () => {
    const c = cfg({ blastRadius: { maxConcurrentFaults: 3 } });
    expect(verdictOf('max-concurrent-faults', decideFault(c, 's', fault([owned('a')], { activeInRun: 1, activeElsewhere: 2 }))).ok).toBe(false);
    expect(decideFault(c, 's', fault([owned('a')], { activeInRun: 1, activeElsewhere: 1 })).allowed).toBe(true);
  });
  it('a fault held longer than maxFaultDuration is refused before the run and before its inject; as long is allowed', () => {
    const c = cfg({ blastRadius: { maxFaultDuration: '30s' } });
    const long = { stepPath: 'method[1]', kind: 'container-pause', holdMs: 31_000 };
    const run = decideRun(c, 's', [{ stepPath: 'method[0]', kind: 'container-kill', holdMs: 1000 }, long]);
    expect(run.allowed).toBe(false);
    expect(verdictOf('max-fault-duration', run).detail).toBe('method[1] would be held 31s: more than maxFaultDuration 30s');
    expect(decideFault(c, 's', fault([owned('a')], { fault: long })).allowed).toBe(false);
    expect(decideRun(c, 's', [{ ...long, holdMs: 30_000 }]).allowed).toBe(true);
  });
  it('negative control: nothing configured allows any radius, and every rule still gives a verdict', () => {
    const d = decideFault(cfg(), 's', fault(four, { activeInRun: 50, activeElsewhere: 50, fault: { stepPath: 'm', kind: 'k', holdMs: 86_400_000 } }));
    expect(d.allowed).toBe(true);
    expect(d.verdicts.map((v) => v.rule).sort()).toEqual(
      [
        'environment', 'max-fault-duration', 'built-in-deny', 'denylist', 'allowlist', 'chaos-enabled',
        'max-containers-per-fault', 'max-service-percent', 'max-concurrent-faults-per-run', 'max-concurrent-faults',
      ].sort(),
    );
  });
});

it('a host fault is not judged as containers (the host policy governs it), but the environment still is', () => {
  const d = decideFault(cfg({ allow: { names: ['nothing'] } }), 's', fault([], { host: true }));
  expect(d.allowed).toBe(true);
  expect(d.verdicts.some((v) => v.rule === 'allowlist')).toBe(false);
  expect(decideFault(cfg({ environment: 'production' }), 's', fault([], { host: true })).allowed).toBe(false);
});

it('the config refuses bad values with their paths', () => {
  const r = GuardrailsSection.safeParse({ blastRadius: { maxServicePercent: 150, maxContainersPerFault: 0, maxFaultDuration: 'soon' }, deny: { labels: ['=x'] }, extra: 1 });
  expect(r.success).toBe(false);
  const paths = r.error!.issues.map((i) => i.path.join('.'));
  expect(paths).toEqual(expect.arrayContaining(['blastRadius.maxServicePercent', 'blastRadius.maxContainersPerFault', 'blastRadius.maxFaultDuration', 'deny.labels.0']));
});
