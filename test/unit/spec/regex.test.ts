/**
 * Patterns are validated with the engine that runs them (RE2): one it cannot compile, such as a
 * look-ahead or a back-reference, is refused at load time with its path, not at the first probe.
 */
import { problemsOf } from './helpers/problems';

const withRegex = (regex: string) => problemsOf({ probes: { api: { kind: 'tcp', port: 80, expect: { regex } } } });

test('look-arounds and back-references are refused with their path and RE2 reason', () => {
  expect(withRegex('^(?=ok)')).toEqual(['probes.api.expect.regex: not a valid regular expression: ^(?=ok) (RE2 syntax: invalid or unsupported Perl syntax: `(?=`)']);
  expect(withRegex('(a)\\1')).toEqual(['probes.api.expect.regex: not a valid regular expression: (a)\\1 (RE2 syntax: invalid escape sequence: `\\1`)']);
  expect(withRegex('(unclosed')).toEqual(['probes.api.expect.regex: not a valid regular expression: (unclosed (RE2 syntax: missing closing ): `(unclosed`)']);
});

test('RE2 patterns compile', () => {
  for (const ok of ['^ok$', '"leader":\\s*"n[0-9]+"', '(?i)healthy', '^(a+)+$']) expect(withRegex(ok)).toEqual([]);
});
