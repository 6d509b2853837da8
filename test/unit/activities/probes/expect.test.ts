/** Expectation evaluation: jsonpath selection, each comparator, and the wording of failures. */
import { evaluateExpectation } from '../../../../src/activities/probes/expect';
import { Expectation } from '../../../../src/spec/expect';

const ev = (e: unknown, value: unknown, path?: string, label = 'value') => evaluateExpectation(Expectation.parse(e), value, { path, label });
const http = (status: number, body: unknown = {}) => ({ status, body });

describe('evaluateExpectation', () => {
  it('uses the default path and label of the kind', () => {
    expect(ev({ eq: 200 }, http(200), '$.status', 'status')).toBeUndefined();
    expect(ev({ range: [200, 399] }, http(503), '$.status', 'status')).toBe('expected status in [200, 399], got 503');
  });

  it('a jsonpath picks the first match and names itself in failures', () => {
    const v = http(200, { connections: 7, routes: [{ rid: 1 }, { rid: 2 }] });
    expect(ev({ jsonpath: '$.body.connections', lt: 10 }, v, '$.status')).toBeUndefined();
    expect(ev({ jsonpath: '$.body.routes[*].rid', eq: 1 }, v, '$.status')).toBeUndefined();
    expect(ev({ jsonpath: '$.body.connections', gte: 10 }, v, '$.status')).toBe('expected $.body.connections >= 10, got 7');
  });

  it('a jsonpath that matches nothing fails', () => {
    expect(ev({ jsonpath: '$.body.missing', eq: 1 }, http(200, { a: 1 }))).toMatch(/^expected \$\.body\.missing to match a value, got nothing in/);
  });

  it('a jsonpath alone passes when it matches', () => {
    expect(ev({ jsonpath: '$.body.a' }, http(200, { a: 0 }))).toBeUndefined();
  });

  it('eq and ne compare deeply', () => {
    expect(ev({ eq: { a: [1, 2] } }, { a: [1, 2] })).toBeUndefined();
    expect(ev({ eq: { a: [1, 2] } }, { a: [2, 1] })).toBe('expected value = {"a":[1,2]}, got {"a":[2,1]}');
    expect(ev({ ne: 'down' }, 'up')).toBeUndefined();
    expect(ev({ ne: 'down' }, 'down')).toBe('expected value != "down", got "down"');
    expect(ev({ eq: null }, null)).toBeUndefined();
  });

  it('numbers compare to numeric strings (postgres returns bigint as text)', () => {
    expect(ev({ eq: 3 }, '3')).toBeUndefined();
    expect(ev({ lt: 1000 }, '999')).toBeUndefined();
    expect(ev({ lt: 1000 }, '1000')).toBe('expected value < 1000, got "1000"');
  });

  it('each numeric comparator', () => {
    expect(ev({ lte: 5 }, 5)).toBeUndefined();
    expect(ev({ gt: 5 }, 5)).toBe('expected value > 5, got 5');
    expect(ev({ gte: 5, lt: 10 }, 7)).toBeUndefined();
    expect(ev({ range: [1, 2] }, 1.5)).toBeUndefined();
  });

  it('a numeric comparator on a non-number fails and says why', () => {
    expect(ev({ lt: 5 }, 'abc')).toBe('expected value < 5 (a number), got "abc"');
    expect(ev({ gt: 0 }, undefined)).toBe('expected value > 0 (a number), got undefined');
  });

  it('regex matches the string form of the value', () => {
    expect(ev({ regex: '^ok' }, 'ok: fine')).toBeUndefined();
    expect(ev({ regex: '"server_id"' }, { server_id: 'x' })).toBeUndefined();
    expect(ev({ regex: '^ok$' }, 'nope')).toBe('expected value to match /^ok$/, got "nope"');
  });

  it('reports every failing comparator at once', () => {
    expect(ev({ gt: 10, ne: 3 }, 3)).toBe('expected value != 3, got 3; expected value > 10, got 3');
  });
});
