/**
 * The one place values become ClickHouse SQL text. ClickHouse 18.16 has no server-side query
 * parameters, so the adapter renders every value as a literal here and nowhere else.
 *
 * Strings: backslash and quote are escaped (they are the only bytes that can end a literal) and
 * so are the control characters, so a value can never open a comment or split a statement.
 * Negative numbers are parenthesised: `a-{n}` with n = -1 would otherwise read `a--1`, a comment.
 */
import { DoraError } from '../../ports/errors.js';

export type SqlScalar = string | number | bigint | boolean;
export type SqlValue = SqlScalar | readonly SqlValue[];

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\r': '\\r',
  '\n': '\\n',
  '\t': '\\t',
};

// Backslash, quote, every C0 control character and DEL. Those without a short escape above are
// legal raw inside a literal, but `\xHH` keeps the rendered query printable.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_ESCAPE = /[\\'\x00-\x1f\x7f]/g;
// A lone UTF-16 surrogate cannot be encoded as UTF-8: the server would receive U+FFFD instead.
const LONE_SURROGATE = /\p{Cs}/u;

function badValue(what: string): DoraError {
  return new DoraError('BAD_QUERY_PARAMETER', `cannot render ${what} as a ClickHouse literal`);
}

export function escapeString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw badValue('a string with a lone UTF-16 surrogate');
  const body = value.replace(
    NEEDS_ESCAPE,
    (c) => STRING_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return `'${body}'`;
}

function integerText(text: string, negative: boolean): string {
  return negative ? `(${text})` : text;
}

/** Renders one value (or a nested array of values) as a ClickHouse literal. */
export function literal(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return escapeString(value);
    case 'boolean':
      return value ? '1' : '0';
    case 'bigint':
      return integerText(value.toString(), value < 0n);
    case 'number': {
      if (!Number.isFinite(value)) throw badValue(String(value));
      if (Number.isInteger(value)) {
        // An integer-valued double beyond 2^53 has already lost precision: make the caller say bigint.
        if (!Number.isSafeInteger(value)) throw badValue(`the unsafe integer ${value} (pass a bigint)`);
        return integerText(String(Object.is(value, -0) ? 0 : value), value < 0);
      }
      // String() of a finite double is the shortest text that reads back as the same double.
      return integerText(String(value), value < 0);
    }
    case 'object':
      if (Array.isArray(value)) return `[${value.map((v: unknown) => literal(v)).join(', ')}]`;
      throw badValue(value === null ? 'null' : 'an object');
    default:
      throw badValue(typeof value);
  }
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Fills every `{name}` placeholder of a named query with the literal of `params[name]`, in one
 * pass (a rendered value is never scanned again, so a value containing `{x}` stays data).
 * A placeholder without a value is a programming error and throws.
 */
export function renderQuery(sql: string, params: Readonly<Record<string, SqlValue | undefined>>): string {
  return sql.replace(PLACEHOLDER, (_m, name: string) => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value === undefined) throw new DoraError('STORE_QUERY_FAILED', `query placeholder {${name}} is not bound`);
    return literal(value);
  });
}
