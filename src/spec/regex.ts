/**
 * Regular expressions in scenarios use RE2 syntax (through re2js, a pure-JS port): matching takes
 * time linear in the input, so a pattern like `^(a+)+$` cannot block the worker's event loop on a
 * large probe body the way a backtracking engine does, starving every activity's heartbeats.
 * Validation compiles with the same engine, so a pattern RE2 refuses (look-arounds, back-references)
 * is refused at load time with its path. Pure: safe in workflow code.
 */
import { RE2JS } from 're2js';

/** Why RE2 refuses this pattern, or undefined when it compiles. */
export function regexProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).replace(/^error parsing regexp: /, '');
  }
}

const compiled = new Map<string, RE2JS>();
const CACHE_MAX = 128;

/** True when the pattern matches anywhere in the text, as RegExp.test does. */
export function regexMatches(pattern: string, text: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = RE2JS.compile(pattern);
    if (compiled.size >= CACHE_MAX) compiled.clear();
    compiled.set(pattern, re);
  }
  // test() only decides whether there is a match; it need not track where, which keeps it fast.
  return re.test(text);
}
