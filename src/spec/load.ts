import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ValidationError } from '../errors';
import type { Experiment } from './experiment';
import { parseExperiment } from './parse';

/** Reads a YAML (or JSON) scenario file and resolves the stack's compose path against its folder. */
export function loadExperimentFile(file: string): Experiment {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ValidationError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ValidationError(file, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ValidationError(file, ['(root): expected a mapping with name, hypothesis and method']);
  }
  const exp = parseExperiment(data, file);
  if (exp.stack && !isAbsolute(exp.stack.compose)) {
    exp.stack.compose = resolve(dirname(resolve(file)), exp.stack.compose);
  }
  return exp;
}
