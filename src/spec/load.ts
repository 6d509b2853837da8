import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type YAMLError, parseDocument } from 'yaml';
import { ValidationError } from '../errors';
import type { Experiment } from './experiment';
import { SCENARIO_HINT, parseExperiment } from './parse';

/** Reads a YAML (or JSON) scenario file and resolves the stack's compose path against its folder. */
export function loadExperimentFile(file: string): Experiment {
  const data = readYamlFile(file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const got = data === null || data === undefined ? 'the file is empty' : `got ${Array.isArray(data) ? 'a list' : `a ${typeof data}`}`;
    throw new ValidationError(file, [`(root): expected a mapping with name, hypothesis and method; ${got}`], SCENARIO_HINT);
  }
  const exp = parseExperiment(data, file);
  if (exp.stack?.compose !== undefined && !isAbsolute(exp.stack.compose)) {
    exp.stack.compose = resolve(dirname(resolve(file)), exp.stack.compose);
  }
  return exp;
}

/**
 * Reads one YAML (or JSON) document from a scenario or chain file; an unreadable file or a syntax
 * error is a ValidationError naming each problem's line and column.
 */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_FILE_BYTES) throw new ValidationError(file, [`(root): the file is ${mib(size)}; a scenario or chain file is at most ${mib(MAX_FILE_BYTES)}`]);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  const refuse = (problem: string): never => {
    throw new ValidationError(file, [problem], 'nothing else was checked');
  };
  let data: unknown;
  try {
    // uniqueKeys: a repeated key would otherwise silently replace the first, e.g. a second `method`.
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ValidationError(file, doc.errors.map((e) => yamlProblem(e, text)), 'fix the YAML syntax first; nothing else was checked');
    }
    // An alias bomb (aliases of aliases) is stopped here, before it is expanded.
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    // The YAML library recurses per level; a file nested thousands deep overflows the stack.
    if (e instanceof RangeError) refuse(`YAML: nested too deeply to read (at most ${MAX_DEPTH} levels)`);
    if (e instanceof ReferenceError && /alias/i.test(e.message)) refuse(`YAML: too many aliases (at most ${MAX_ALIASES} uses of an anchor); expand them by hand`);
    throw e;
  }
  const depth = depthOf(data, MAX_DEPTH + 1);
  if (depth > MAX_DEPTH) refuse(`(root): nested more than ${MAX_DEPTH} levels deep`);
  return data;
}

/** A scenario of hundreds of steps is a few tens of KiB; the cap keeps a stray file from stalling the CLI. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Lists and mappings inside each other, counted from the top; the deepest shipped file has 9. */
export const MAX_DEPTH = 64;
/** Uses of anchors in one file; the YAML library's own default. */
export const MAX_ALIASES = 100;

const mib = (n: number): string => (n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** How deep lists and mappings nest, counting stops once `limit` is reached. */
function depthOf(v: unknown, limit: number, at = 0): number {
  if (v === null || typeof v !== 'object' || at >= limit) return at;
  let deepest = at + 1;
  for (const child of Object.values(v as Record<string, unknown>)) {
    deepest = Math.max(deepest, depthOf(child, limit, at + 1));
    if (deepest >= limit) break;
  }
  return deepest;
}

/** `YAML line 4, column 3: duplicate key "method"`: the position first, since that is where the fix goes. */
function yamlProblem(e: YAMLError, text: string): string {
  const at = e.linePos?.[0];
  const where = at ? `YAML line ${at.line}, column ${at.col}` : 'YAML';
  let message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (e.code === 'DUPLICATE_KEY') {
    const key = text.slice(e.pos[0]).split(/:|\n/)[0].trim();
    message = `duplicate key "${key}"`;
  } else if (e.code === 'MULTIPLE_DOCS') {
    message = 'a scenario file holds one YAML document; remove the "---" separator';
  }
  return `${where}: ${message}`;
}
