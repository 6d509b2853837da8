/**
 * The Temporal Web UI, opened headless in Debian's Chromium (installed by scripts/setup.sh; nothing
 * downloaded), shows a finished run's static summary and its outcome. The run itself is a real
 * `experiment` workflow on a real dev server with a fake activity world, since only the UI is
 * under test here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Locator, type Page, chromium } from 'playwright-core';
import type { Journal } from '../../src/report/journal';
import type { ChainResult } from '../../src/workflows/chain-children';
import { parseExperiment } from '../../src/spec';
import { planSummary } from '../../src/spec/plan';
import { SA_SCENARIO } from '../../src/temporal/search-attributes';
import { until } from '../helpers/until';
import { FakeWorld } from '../workflows/fake-world';
import { type DevHarness, baseSpec, startHarness } from '../workflows/harness';
import { Worker } from '@temporalio/worker';

const CHROMIUM = '/usr/bin/chromium';
let h: DevHarness;
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
  // The list page: the run is there.
  await showing(page, `${ui}/namespaces/default/workflows`, (p) => [p.getByText('fl5-web-ui-run').first()]);
  // The detail page: the summary in the header, the outcome in the result. The UI reads the summary
  // from the first history event and loads events 100 at a time, newest first by default; a run
  // has more than 100 events, so the history is switched to ascending, as docs/temporal.md says.
  await showing(
    page,
    `${ui}/namespaces/default/workflows/fl5-web-ui-run/${journal.runId}/history`,
    (p) => [p.getByText(summary).first(), p.getByText(/"outcome":\s*"passed"/).first()],
    async (p) => {
      const descending = p.getByRole('button', { name: 'Descending' });
      if (await descending.isVisible().catch(() => false)) await descending.click();
    },
  );
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
  // The timeline draws each child workflow as a row labelled with its static summary (the result
  // JSON holds the same words, but never as a whole text node, hence exact).
  await showing(page, `${h.t.server.uiUrl!}/namespaces/default/workflows/fl5-web-ui-chain/${r.runId}/timeline`, (p) =>
    r.children.map((c) => p.getByText(c.summary, { exact: true }).first()),
  );
  await expect(page.getByText(/^Relationships/).first().innerText()).resolves.toMatch(/Relationships\s*2/);
});

/**
 * Opens `url` until every locator is visible. On a loaded machine the UI server sometimes answers
 * an API call with a 500 page ("Uh oh"); a user would reload, and so does this, for up to 2 minutes.
 */
async function showing(page: Page, url: string, wanted: (p: Page) => Locator[], prepare?: (p: Page) => Promise<void>): Promise<void> {
  await until(`${url} to show what the test looks for`, async () => {
    await page.goto(url, { waitUntil: 'networkidle' });
    await prepare?.(page);
    for (const l of wanted(page)) await l.waitFor({ timeout: 15_000 });
    return true;
  }, { timeoutMs: 120_000, everyMs: 0 });
}
