import { readFileSync } from 'node:fs';
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
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ValidationError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  // uniqueKeys: a repeated key would otherwise silently replace the first, e.g. a second `method`.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ValidationError(file, doc.errors.map((e) => yamlProblem(e, text)), 'fix the YAML syntax first; nothing else was checked');
  }
  return doc.toJS();
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
