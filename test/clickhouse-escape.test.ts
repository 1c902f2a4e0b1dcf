/**
 * The ClickHouse literal renderer: unit checks of the text, then hostile values round-tripped
 * through the real server (`SELECT <literal> AS v` must give back exactly the input).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '@clickhouse/client';
import { escapeString, literal, renderQuery } from '../adapters/clickhouse/escape.js';
import { isDoraError } from '../ports/errors.js';
import { testServices } from './support/services.js';

const HOSTILE = [
  "x' OR 1=1 --",
  "a' OR '1'='1",
  "'; DROP TABLE t; --",
  '\\',
  "\\'",
  "\\\\'",
  'ends with backslash\\',
  'back\\slash \\n not a newline',
  'line\nbreak',
  'cr\rlf\r\n',
  'tab\there',
  'nul\0byte',
  '\b\f\v\x07\x1b\x7f',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
  'unicode: żółć 日本語 ✓ 😀 e\u0301 \u200b \u2028',
  '/* comment */ -- comment',
  '{service} {from}',
  '`backtick` "double"',
  '',
  'x'.repeat(10_000),
];

function expectCode(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(isDoraError(thrown), String(thrown)).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
}

describe('ClickHouse literals (text)', () => {
  it('escapes backslash, quote and control characters in strings', () => {
    expect(escapeString("x' OR 1=1 --")).toBe("'x\\' OR 1=1 --'");
    expect(escapeString('a\\b')).toBe("'a\\\\b'");
    expect(escapeString('\0\b\f\r\n\t')).toBe("'\\0\\b\\f\\r\\n\\t'");
    expect(escapeString('\x01\x7f')).toBe("'\\x01\\x7f'");
    expect(escapeString('żółć 😀')).toBe("'żółć 😀'");
  });

  it('renders numbers, bigints, booleans and arrays', () => {
    expect(literal(42)).toBe('42');
    expect(literal(-42)).toBe('(-42)');
    expect(literal(-0)).toBe('0');
    expect(literal(1.5)).toBe('1.5');
    expect(literal(-2.5e-7)).toBe('(-2.5e-7)');
    expect(literal(2n ** 63n - 1n)).toBe('9223372036854775807');
    expect(literal(-(2n ** 63n))).toBe('(-9223372036854775808)');
    expect(literal(true)).toBe('1');
    expect(literal(false)).toBe('0');
    expect(literal(['a', 1, [true]])).toBe("['a', 1, [1]]");
    expect(literal([])).toBe('[]');
  });

  it('rejects values that have no exact literal', () => {
    for (const bad of [NaN, Infinity, -Infinity, 2 ** 53, null, undefined, {}, () => 1, Symbol('s'), new Date(0), ['ok', null]]) {
      expectCode(() => literal(bad), 'BAD_QUERY_PARAMETER');
    }
    expectCode(() => literal('lone \ud800 surrogate'), 'BAD_QUERY_PARAMETER');
  });

  it('fills placeholders in one pass and refuses unbound ones', () => {
    expect(renderQuery('SELECT {a}, {b_2}, {a}', { a: "it's", b_2: 7 })).toBe("SELECT 'it\\'s', 7, 'it\\'s'");
    // A value that looks like a placeholder stays data.
    expect(renderQuery('SELECT {a}, {b}', { a: '{b}', b: 'x' })).toBe("SELECT '{b}', 'x'");
    // A negative number cannot start a `--` comment.
    expect(renderQuery('SELECT 1-{n}', { n: -1 })).toBe('SELECT 1-(-1)');
    expectCode(() => renderQuery('SELECT {missing}', { other: 1 }), 'STORE_QUERY_FAILED');
    expectCode(() => renderQuery('SELECT {toString}', {}), 'STORE_QUERY_FAILED');
  });
});

describe('ClickHouse literals (real server)', () => {
  const services = testServices();
  const client = createClient({ url: services.clickhouseUrl, username: services.clickhouseUser, password: services.clickhousePassword });
  afterAll(() => client.close());

  async function roundTrip(sql: string): Promise<unknown> {
    const rows = await (await client.query({ query: sql, format: 'JSONEachRow' })).json<{ v: unknown }>();
    return rows[0]?.v;
  }

  it('gives back every hostile string exactly', async () => {
    for (const s of HOSTILE) {
      expect(await roundTrip(renderQuery('SELECT {s} AS v', { s })), JSON.stringify(s.slice(0, 40))).toBe(s);
      // In a comparison too, not only as a projection.
      expect(await roundTrip(renderQuery('SELECT {s} = {t} AS v', { s, t: s }))).toBe(1);
    }
  });

  it('gives back integers, bigints, floats, booleans and arrays', async () => {
    expect(Number(await roundTrip(`SELECT ${literal(-1234567890123)} AS v`))).toBe(-1234567890123);
    expect(await roundTrip(`SELECT toString(${literal(-(2n ** 63n))}) AS v`)).toBe('-9223372036854775808');
    expect(await roundTrip(`SELECT toString(${literal(2n ** 64n - 1n)}) AS v`)).toBe('18446744073709551615');
    expect(await roundTrip(`SELECT ${literal(-0.125)} AS v`)).toBe(-0.125);
    expect(await roundTrip(`SELECT ${literal(true)} AS v`)).toBe(1);
    expect(await roundTrip(`SELECT 10-${literal(-5)} AS v`)).toBe(15);
    expect(await roundTrip(`SELECT ${literal(HOSTILE.slice(0, 12))} AS v`)).toEqual(HOSTILE.slice(0, 12));
  });
});
