/**
 * A tolerance on a probe's value. `jsonpath` picks the value to compare out of the sample (each
 * probe kind has a default); every comparator given must hold.
 */
import { z } from 'zod';
import { regexProblem } from './regex';

export const Expectation = z
  .object({
    jsonpath: z.string().min(1).optional(),
    eq: z.unknown().optional(),
    ne: z.unknown().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    range: z.tuple([z.number(), z.number()]).optional(),
    regex: z.string().optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.range && e.range[0] > e.range[1]) {
      ctx.addIssue({ code: 'custom', path: ['range'], message: 'range must be [low, high] with low <= high' });
    }
    const problem = e.regex === undefined ? undefined : regexProblem(e.regex);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['regex'], message: `not a valid regular expression: ${e.regex} (RE2 syntax: ${problem})` });
    }
    const comparators = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'range', 'regex'] as const;
    if (!e.jsonpath && comparators.every((k) => !(k in e))) {
      ctx.addIssue({ code: 'custom', message: `give at least one of ${comparators.join(', ')} or a jsonpath` });
    }
  });
export type Expectation = z.infer<typeof Expectation>;

/** `$.body.num_routes = 2`, `< 1000 and >= 1`, `$.status present`: how plans and reports show it. */
export function describeExpectation(e: Expectation): string {
  const show = (v: unknown) => JSON.stringify(v) ?? String(v);
  const parts: string[] = [];
  if (e.eq !== undefined) parts.push(`= ${show(e.eq)}`);
  if (e.ne !== undefined) parts.push(`!= ${show(e.ne)}`);
  if (e.lt !== undefined) parts.push(`< ${e.lt}`);
  if (e.lte !== undefined) parts.push(`<= ${e.lte}`);
  if (e.gt !== undefined) parts.push(`> ${e.gt}`);
  if (e.gte !== undefined) parts.push(`>= ${e.gte}`);
  if (e.range) parts.push(`in [${e.range[0]}, ${e.range[1]}]`);
  if (e.regex !== undefined) parts.push(`matches /${e.regex}/`);
  if (parts.length === 0) return `${e.jsonpath} present`;
  return e.jsonpath ? `${e.jsonpath} ${parts.join(' and ')}` : parts.join(' and ');
}
