/**
 * Evaluates an Expectation against a probe's value: `jsonpath` (first match) picks the compared
 * value, then every comparator given must hold. Failures read like
 * `expected status in [200, 399], got 503`.
 */
import { isDeepStrictEqual } from 'node:util';
import { JSONPath } from 'jsonpath-plus';
import type { Expectation } from '../../spec/expect';
import { regexMatches } from '../../spec/regex';

export interface ExpectDefaults {
  /** Path used when the expectation has none; undefined compares the whole value. */
  path?: string;
  /** How messages name the default compared value. */
  label: string;
}

/** Returns undefined when every comparator holds, else every failure joined by `; `. */
export function evaluateExpectation(e: Expectation, value: unknown, defaults: ExpectDefaults): string | undefined {
  const path = e.jsonpath ?? defaults.path;
  const label = e.jsonpath ?? defaults.label;
  let actual = value;
  if (path !== undefined) {
    const matches = selectPath(path, value);
    if (matches.length === 0) return `expected ${path} to match a value, got nothing in ${show(value)}`;
    actual = matches[0];
  }
  const failures: string[] = [];
  const fail = (what: string) => failures.push(`expected ${label} ${what}, got ${show(actual)}`);
  if ('eq' in e && e.eq !== undefined && !looselyEqual(actual, e.eq)) fail(`= ${show(e.eq)}`);
  if ('ne' in e && e.ne !== undefined && looselyEqual(actual, e.ne)) fail(`!= ${show(e.ne)}`);
  const n = toNumber(actual);
  const numeric = (what: string, holds: (x: number) => boolean) => {
    if (n === undefined || !holds(n)) fail(n === undefined ? `${what} (a number)` : what);
  };
  if (e.lt !== undefined) numeric(`< ${e.lt}`, (x) => x < (e.lt as number));
  if (e.lte !== undefined) numeric(`<= ${e.lte}`, (x) => x <= (e.lte as number));
  if (e.gt !== undefined) numeric(`> ${e.gt}`, (x) => x > (e.gt as number));
  if (e.gte !== undefined) numeric(`>= ${e.gte}`, (x) => x >= (e.gte as number));
  if (e.range !== undefined) {
    const [lo, hi] = e.range;
    numeric(`in [${lo}, ${hi}]`, (x) => x >= lo && x <= hi);
  }
  // RE2 (linear time): a probe body of up to 1 MiB must not stall the event loop whatever the pattern.
  if (e.regex !== undefined && !regexMatches(e.regex, stringForm(actual))) fail(`to match /${e.regex}/`);
  return failures.length === 0 ? undefined : failures.join('; ');
}

export function selectPath(path: string, value: unknown): unknown[] {
  const json = value === undefined ? null : (value as object);
  const found: unknown = JSONPath({ path, json, wrap: true, eval: 'safe' });
  return Array.isArray(found) ? found : [];
}

/** Postgres returns bigint columns (count(*)) as strings, so numbers compare to numeric strings. */
function looselyEqual(actual: unknown, expected: unknown): boolean {
  if (isDeepStrictEqual(actual, expected)) return true;
  if (typeof expected === 'number' && typeof actual === 'string') return toNumber(actual) === expected;
  return false;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v)) return Number(v);
  return undefined;
}

const stringForm = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

export function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}
