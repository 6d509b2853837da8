/**
 * The Temporal Web UI, opened headless in Debian's Chromium (installed by scripts/setup.sh; nothing
 * downloaded), shows a finished run's static summary and its outcome. The run itself is a real
 * `experiment` workflow on a real dev server with a fake activity world, since only the UI is
 * under test here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import type { Journal } from '../../src/report/journal';
import type { ChainResult } from '../../src/workflows/chain-children';
import { parseExperiment } from '../../src/spec';
import { planSummary } from '../../src/spec/plan';
import { SA_SCENARIO } from '../../src/temporal/search-attributes';
import { FakeWorld } from '../workflows/fake-world';
import { type Harness, baseSpec, startHarness } from '../workflows/harness';
import { Worker } from '@temporalio/worker';

const CHROMIUM = '/usr/bin/chromium';
let h: Harness;
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  h = await startHarness();
  profile = mkdtempSync(join(tmpdir(), 'fl5-chromium-'));
  // The profile folder is Chromium's --user-data-dir; Playwright passes it itself.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await h?.t.teardown();
  rmSync(profile, { recursive: true, force: true });
});

test("the Web UI shows a finished run's summary and outcome", async () => {
  const exp = parseExperiment(baseSpec({ name: 'fl5-web-ui', method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '200ms' }] }));
  const summary = planSummary(exp);
  const world = new FakeWorld(['a']);
  const taskQueue = 'fl5-web-ui';
  const worker = await Worker.create({ connection: h.t.native, taskQueue, workflowBundle: h.bundle, activities: world.activities() });
  const journal = await worker.runUntil(async () => {
    const handle = await h.t.client.workflow.start('experiment', {
      taskQueue,
      workflowId: 'fl5-web-ui-run',
      args: [exp],
      typedSearchAttributes: [{ key: SA_SCENARIO, value: exp.name }],
      staticSummary: summary,
    });
    return (await handle.result()) as Journal;
  });
  expect(journal.outcome).toBe('passed');

  const ui = h.t.server.uiUrl!;
  const page = await browser.newPage();
  // The list page: the run is there with its static summary.
  await page.goto(`${ui}/namespaces/default/workflows`, { waitUntil: 'networkidle' });
  await page.getByText('fl5-web-ui-run').first().waitFor({ timeout: 60_000 });
  // The detail page: the summary in the header, the outcome in the result and the search attributes.
  await page.goto(`${ui}/namespaces/default/workflows/fl5-web-ui-run/${journal.runId}/history`, { waitUntil: 'networkidle' });
  await page.getByText(summary).first().waitFor({ timeout: 60_000 });
  await page.getByText('"outcome": "passed"').or(page.getByText('"outcome":"passed"')).first().waitFor({ timeout: 60_000 });
  const text = await page.locator('body').innerText();
  expect(text).toContain(summary);
  expect(text).toMatch(/"outcome":\s*"passed"/);
});

test("a chain's children are child workflows the Web UI shows on the chain's page", async () => {
  const world = new FakeWorld(['a', 'b']);
  const child = (name: string, service: string) =>
    baseSpec({ name, steadyState: [], probes: {}, method: [{ fault: { kind: 'container-pause', target: { service } }, duration: '100ms' }] });
  const taskQueue = 'fl5-web-ui-chain';
  const worker = await Worker.create({ connection: h.t.native, taskQueue, workflowBundle: h.bundle, activities: world.activities() });
  const r = await worker.runUntil(async () => {
    const handle = await h.t.client.workflow.start('chain', {
      taskQueue,
      workflowId: 'fl5-web-ui-chain',
      args: [{ name: 'ui-chain', steps: [{ experiment: child('first', 'a') }, { experiment: child('second', 'b') }] }],
    });
    return (await handle.result()) as ChainResult;
  });
  expect(r.outcome).toBe('passed');
  const page = await browser.newPage();
  await page.goto(`${h.t.server.uiUrl!}/namespaces/default/workflows/fl5-web-ui-chain`, { waitUntil: 'networkidle' });
  for (const c of r.children) await page.getByText(c.workflowId).first().waitFor({ timeout: 60_000 });
  expect(await page.locator('body').innerText()).toContain('fl5-web-ui-chain/steps[1]');
});
