/**
 * Variable interpolation as compose performs it, on every string value of the file (never on keys):
 * `$VAR`, `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?message}`,
 * `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}`, and `$$` for a literal `$`. Defaults may contain
 * further interpolations. An unset variable without a default becomes "" and is reported as a
 * warning, as compose does. Values come from the reading process's environment over the `.env`
 * file beside the compose file (see `loadComposeFile`).
 */
export type Vars = Record<string, string | undefined>;

export interface InterpolationResult {
  value: unknown;
  problems: string[];
  warnings: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Interpolates one string; `at` is its path for messages. */
export function interpolateString(s: string, vars: Vars, at: string, problems: string[], warnings: string[]): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '{') {
      const end = closingBrace(s, i + 2);
      if (end < 0) {
        problems.push(`${at}: unterminated "\${" in "${s}"`);
        return out + s.slice(i);
      }
      out += expand(s.slice(i + 2, end), vars, at, problems, warnings);
      i = end;
    } else {
      const m = NAME.exec(s.slice(i + 1));
      if (!m) {
        // A lone "$" (say "cost: 5$") is kept, as compose does.
        out += '$';
        continue;
      }
      out += lookup(m[0], vars, at, warnings);
      i += m[0].length;
    }
  }
  return out;
}

function closingBrace(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function lookup(name: string, vars: Vars, at: string, warnings: string[]): string {
  const v = vars[name];
  if (v === undefined) {
    warnings.push(`${at}: variable "${name}" is not set; using ""`);
    return '';
  }
  return v;
}

function expand(body: string, vars: Vars, at: string, problems: string[], warnings: string[]): string {
  const m = NAME.exec(body);
  if (!m) {
    problems.push(`${at}: invalid interpolation "\${${body}}"; expected \${NAME}, \${NAME:-default} or \${NAME:?message}`);
    return '';
  }
  const name = m[0];
  const rest = body.slice(name.length);
  if (rest === '') return lookup(name, vars, at, warnings);
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) {
    problems.push(`${at}: invalid interpolation "\${${body}}"; after the name expected ":-", "-", ":?", "?", ":+" or "+"`);
    return '';
  }
  const arg = () => interpolateString(rest.slice(op.length), vars, at, problems, warnings);
  const v = vars[name];
  const unset = op.startsWith(':') ? v === undefined || v === '' : v === undefined;
  switch (op.replace(':', '')) {
    case '-':
      return unset ? arg() : (v ?? '');
    case '+':
      return unset ? '' : arg();
    default: {
      if (!unset) return v ?? '';
      const message = arg();
      problems.push(`${at}: required variable "${name}" is ${v === undefined ? 'not set' : 'empty'}${message ? `: ${message}` : ''}`);
      return '';
    }
  }
}

/** Walks a parsed YAML tree and interpolates every string value; `base` is the path of `data`. */
export function interpolate(data: unknown, vars: Vars, base = ''): InterpolationResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const walk = (v: unknown, at: string): unknown => {
    if (typeof v === 'string') return interpolateString(v, vars, at || '(root)', problems, warnings);
    if (Array.isArray(v)) return v.map((e, i) => walk(e, `${at}[${i}]`));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, walk(e, at ? `${at}.${k}` : k)]));
    return v;
  };
  return { value: walk(data, base), problems, warnings };
}

/**
 * A `.env` or `env_file` file: `KEY=VALUE` lines, `#` comments, an optional `export ` prefix,
 * 'single-quoted' values taken literally, "double-quoted" values with \n, \t, \\ and \" escapes,
 * unquoted values trimmed and cut at " #". Unquoted and double-quoted values are interpolated with
 * `vars` and the keys defined above them. A line `KEY` without "=" is a problem (compose would take
 * it from the environment; Faultline does not pass the host environment into stacks implicitly).
 */
export function parseEnvFile(text: string, source: string, vars: Vars): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  const warnings: string[] = [];
  text.split(/\r?\n/).forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `${source}:${n + 1}`;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(=)?\s*(.*)$/.exec(line);
    if (!m) return void problems.push(`${at}: expected KEY=VALUE`);
    if (!m[2]) return void problems.push(`${at}: "${m[1]}" has no value; write ${m[1]}=...`);
    const [, key, , value] = m;
    const scope = { ...vars, ...values };
    if (value.startsWith("'")) {
      const close = value.indexOf("'", 1);
      if (close < 0) return void problems.push(`${at}: unterminated single quote`);
      values[key] = value.slice(1, close);
    } else if (value.startsWith('"')) {
      let out = '';
      let i = 1;
      for (; i < value.length && value[i] !== '"'; i++) {
        if (value[i] === '\\' && i + 1 < value.length) {
          const e = value[++i];
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
        } else out += value[i];
      }
      if (i >= value.length) return void problems.push(`${at}: unterminated double quote`);
      values[key] = interpolateString(out, scope, at, problems, warnings);
    } else {
      const cut = value.search(/\s#/);
      values[key] = interpolateString((cut >= 0 ? value.slice(0, cut) : value).trim(), scope, at, problems, warnings);
    }
  });
  return { values, problems };
}
