/**
 * Stronger than replay.test.ts: the replayed code must not only issue the same kinds of commands,
 * it must issue them with the same inputs, summaries, timer durations and child workflows, with the
 * same search attributes in force, and return the same result (the journal) as the recorded run.
 * Temporal's replay checks command types only; a refactor that changes an activity's input or a
 * journal field would slip through it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { installRuntime } from '../../src/worker/runtime';
import { quietLogger } from './harness';
import { historyFromFile, readHistoryJson } from './history-file';

const DIR = join(__dirname, 'histories');
const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as Record<string, { workflowId: string; type: string }>;

interface Payload {
  data?: string;
}
interface Event {
  eventType: string;
  userMetadata?: { summary?: Payload };
  [attrs: string]: unknown;
}
type Attrs = Record<string, unknown[]>;

const decode = (p?: Payload): unknown => (p?.data ? JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')) : undefined);
const payloads = (x?: { payloads?: Payload[] }): unknown[] => (x?.payloads ?? []).map(decode);
const seconds = (s: string): number => Math.round(parseFloat(s) * 1000);

/** What the recorded run did, in the shape replay-capture.ts reports. */
function expected(events: Event[]): unknown[] {
  const out: unknown[] = [];
  let attrs: Attrs = {};
  const push = (e: Record<string, unknown>) => out.push({ ...e, attrs: { ...attrs } });
  for (const e of events) {
    const a = (k: string) => e[k] as Record<string, never>;
    switch (e.eventType) {
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED':
        attrs = fold({}, (a('workflowExecutionStartedEventAttributes').searchAttributes as { indexedFields?: Record<string, Payload> })?.indexedFields);
        break;
      case 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES':
        attrs = fold(attrs, (a('upsertWorkflowSearchAttributesEventAttributes').searchAttributes as { indexedFields: Record<string, Payload> }).indexedFields);
        break;
      case 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED': {
        const s = a('activityTaskScheduledEventAttributes');
        push({ kind: 'activity', type: (s.activityType as { name: string }).name, args: payloads(s.input), summary: decode(e.userMetadata?.summary) });
        break;
      }
      case 'EVENT_TYPE_TIMER_STARTED':
        push({ kind: 'timer', ms: seconds(a('timerStartedEventAttributes').startToFireTimeout) });
        break;
      case 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED': {
        const s = a('startChildWorkflowExecutionInitiatedEventAttributes');
        push({ kind: 'child', type: (s.workflowType as { name: string }).name, id: s.workflowId, args: payloads(s.input), summary: decode(e.userMetadata?.summary) });
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED':
        push({ kind: 'result', value: payloads(a('workflowExecutionCompletedEventAttributes').result)[0] });
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED':
        push({ kind: 'failed', message: (a('workflowExecutionFailedEventAttributes').failure as { message: string }).message });
        break;
    }
  }
  return out;
}

function fold(attrs: Attrs, fields: Record<string, Payload> | undefined): Attrs {
  const next = { ...attrs };
  for (const [k, p] of Object.entries(fields ?? {})) {
    const v = decode(p);
    const list = v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
    if (list.length === 0) delete next[k];
    else next[k] = list;
  }
  return next;
}

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  installRuntime('ERROR');
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    workflowInterceptorModules: [require.resolve('./replay-capture')],
    logger: quietLogger,
  });
});

test.each(Object.keys(index))('history %s: same inputs, summaries, timers, children and result', async (name) => {
  const json = readHistoryJson(join(DIR, `${name}.json`)) as { events: Event[] };
  const seen: unknown[] = [];
  await Worker.runReplayHistory(
    {
      workflowBundle: bundle,
      sinks: { capture: { event: { fn: (_info, e: string) => void seen.push(JSON.parse(e)), callDuringReplay: true } } },
    },
    historyFromFile(json),
    index[name].workflowId,
  );
  const normal = (xs: unknown[]) => xs.map((x) => JSON.parse(JSON.stringify(x)) as unknown);
  expect(normal(seen)).toEqual(normal(expected(json.events)));
});
