/**
 * A small JSON Schema 2020-12 validator for the keywords the generated experiment schema uses, so
 * fixtures can be checked against it without adding a validator dependency. Any keyword it does not
 * know fails loudly: a silent pass would make the test worthless.
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', '$defs', 'title', 'description', 'default']);
const HANDLED = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'prefixItems',
  'minItems', 'anyOf', 'oneOf', 'enum', 'const', 'pattern', 'minLength', 'minimum', 'maximum', 'exclusiveMinimum',
]);

export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(root, root, value, '$', errors);
  return errors;
}

function resolveRef(root: Schema, ref: string): Schema {
  const m = /^#\/\$defs\/(.+)$/.exec(ref);
  const defs = root.$defs as Record<string, Schema> | undefined;
  if (!m || !defs?.[m[1]]) throw new Error(`unresolvable $ref ${ref}`);
  return defs[m[1]];
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeOf(v) === 'object';

function check(root: Schema, s: Schema, v: unknown, at: string, errors: string[]): void {
  for (const k of Object.keys(s)) {
    if (!ANNOTATIONS.has(k) && !HANDLED.has(k)) throw new Error(`json-schema-check: keyword "${k}" at ${at} is not supported`);
  }
  const fail = (msg: string): void => {
    errors.push(`${at}: ${msg}`);
  };
  if (typeof s.$ref === 'string') check(root, resolveRef(root, s.$ref), v, at, errors);
  if (typeof s.type === 'string') {
    const t = typeOf(v);
    if (!(t === s.type || (s.type === 'number' && t === 'integer'))) return fail(`expected ${s.type}, got ${t}`);
  }
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(v)) fail(`expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) fail('not in enum');
  if (typeof v === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) fail(`does not match ${s.pattern}`);
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) fail(`shorter than ${s.minLength}`);
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) fail(`below ${s.minimum}`);
    if (typeof s.maximum === 'number' && v > s.maximum) fail(`above ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) fail(`not above ${s.exclusiveMinimum}`);
  }
  if (Array.isArray(v)) checkArray(root, s, v, at, errors);
  if (isObject(v)) checkObject(root, s, v, at, errors);
  const passing = (branches: Schema[]) => branches.filter((b) => validateAt(root, b, v, at).length === 0).length;
  if (Array.isArray(s.anyOf) && passing(s.anyOf as Schema[]) === 0) fail('matches no anyOf branch');
  if (Array.isArray(s.oneOf) && passing(s.oneOf as Schema[]) !== 1) fail(`matches ${passing(s.oneOf as Schema[])} oneOf branches, not 1`);
}

function validateAt(root: Schema, s: Schema, v: unknown, at: string): string[] {
  const errors: string[] = [];
  check(root, s, v, at, errors);
  return errors;
}

function checkArray(root: Schema, s: Schema, v: unknown[], at: string, errors: string[]): void {
  if (typeof s.minItems === 'number' && v.length < s.minItems) errors.push(`${at}: fewer than ${s.minItems} items`);
  const prefix = (s.prefixItems as Schema[] | undefined) ?? [];
  v.forEach((item, i) => {
    const itemSchema = i < prefix.length ? prefix[i] : (s.items as Schema | undefined);
    if (itemSchema) check(root, itemSchema, item, `${at}[${i}]`, errors);
  });
}

function checkObject(root: Schema, s: Schema, v: Record<string, unknown>, at: string, errors: string[]): void {
  const props = (s.properties as Record<string, Schema> | undefined) ?? {};
  for (const r of (s.required as string[] | undefined) ?? []) if (!(r in v)) errors.push(`${at}: missing "${r}"`);
  for (const [k, item] of Object.entries(v)) {
    if (s.propertyNames) check(root, s.propertyNames as Schema, k, `${at}.${k} (name)`, errors);
    if (k in props) check(root, props[k], item, `${at}.${k}`, errors);
    else if (s.additionalProperties === false) errors.push(`${at}: unexpected "${k}"`);
    else if (isObject(s.additionalProperties)) check(root, s.additionalProperties, item, `${at}.${k}`, errors);
  }
}
