/**
 * The janitor's trust boundary. A reverter carries its fault record in a label, and the janitor
 * restores faults from those labels alone; but labels are text anyone with the engine (or a compose
 * file) could have written. So a record is acted on only when it parses as a fault record of a
 * known kind, with container ids for targets, and belongs to the run and fault its helper's labels
 * name. Anything else is skipped and reported, never restored.
 */
import { z } from 'zod';
import { FaultSpec } from '../../spec/faults';
import type { FaultRecord } from '../types';
import { runOfFault } from '../faults/lifecycle';
import { type Helper, LABEL } from './helpers';

const ContainerId = z.string().regex(/^[0-9a-f]{12,64}$/, 'a target id is a container id (hex)');

const RecordSchema = z.strictObject({
  faultId: z.string().min(3).max(512),
  stepPath: z.string().max(256),
  kind: z.string(),
  spec: FaultSpec,
  targets: z.array(z.strictObject({ id: ContainerId, name: z.string().min(1).max(256), service: z.string().max(256).optional(), owned: z.boolean().optional() })).min(1),
  deadlineAt: z.number().int().positive().optional(),
  ttlMs: z.number().int().positive().optional(),
});

export type RecordCheck = { ok: true; record: FaultRecord } | { ok: false; problem: string };

/** Validates one reverter's record against the run it is listed under and its own labels. */
export function checkRecord(helper: Helper, run: string): RecordCheck {
  const bad = (why: string): RecordCheck => ({ ok: false, problem: `reverter ${helper.name}: ${why}; skipped` });
  const json = helper.labels[LABEL.record];
  if (!json) return bad('no record label');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return bad('its record is not JSON');
  }
  const r = RecordSchema.safeParse(raw);
  if (!r.success) return bad(`invalid record (${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`);
  const rec = r.data;
  if (rec.kind !== rec.spec.kind) return bad(`kind ${rec.kind} does not match its spec (${rec.spec.kind})`);
  if (runOfFault(rec.faultId) !== run) return bad(`its fault ${rec.faultId} is not of run ${run}`);
  if (helper.labels[LABEL.run] !== run) return bad(`it is labelled with run ${helper.labels[LABEL.run]}, not ${run}`);
  if (helper.labels[LABEL.fault] !== rec.faultId) return bad(`its fault label ${helper.labels[LABEL.fault]} does not match the record's ${rec.faultId}`);
  return { ok: true, record: { ...rec, kind: rec.spec.kind } };
}
