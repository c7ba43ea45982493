/**
 * Tokens of the protobuf text format (what .prototxt files are written in), each with its line and column
 * so that every parse error can point at the place in the file.
 */
import { ModelFormatError } from '@lastmile/core';

export type TokenKind = 'identifier' | 'number' | 'string' | 'symbol' | 'end';

export interface Token {
  kind: TokenKind;
  /** The text as written; for a string, its decoded value. */
  text: string;
  line: number;
  column: number;
}

/** A ModelFormatError that points at `line:column` of the prototxt. */
export function syntaxError(
  message: string,
  at: { line: number; column: number },
  details: Record<string, unknown> = {},
): ModelFormatError {
  return new ModelFormatError(`prototxt ${at.line}:${at.column}: ${message}`, {
    line: at.line,
    column: at.column,
    ...details,
  });
}

const SYMBOLS = new Set(['{', '}', '<', '>', ':', '[', ']', ',', ';']);
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
// Decimal, float with exponent and optional f suffix, hex and octal integers; a sign belongs to the number.
const NUMBER = /-?(?:0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fF]?)/y;
const SIGNED_WORD = /-[A-Za-z_][A-Za-z0-9_]*/y;

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Splits prototxt text into tokens; comments (`#` to the end of the line) and whitespace are dropped. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, column: pos - lineStart + 1 });
  while (pos < text.length) {
    const c = text[pos];
    if (c === '\n') {
      pos++;
      line++;
      lineStart = pos;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      pos++;
      continue;
    }
    if (c === '#') {
      while (pos < text.length && text[pos] !== '\n') pos++;
      continue;
    }
    const where = at();
    if (SYMBOLS.has(c)) {
      tokens.push({ kind: 'symbol', text: c, ...where });
      pos++;
      continue;
    }
    if (c === '"' || c === "'") {
      const { value, end } = readString(text, pos, where);
      tokens.push({ kind: 'string', text: value, ...where });
      pos = end;
      continue;
    }
    const word = matchAt(IDENTIFIER, text, pos) ?? matchAt(SIGNED_WORD, text, pos);
    if (word !== undefined) {
      tokens.push({ kind: 'identifier', text: word, ...where });
      pos += word.length;
      continue;
    }
    const number = matchAt(NUMBER, text, pos);
    if (number !== undefined) {
      // "1abc" is one bad token, not a number followed by a field name.
      const next = text[pos + number.length];
      if (next !== undefined && /[A-Za-z0-9_.]/.test(next))
        throw syntaxError(`malformed number '${text.slice(pos, pos + number.length + 1)}'`, where);
      tokens.push({ kind: 'number', text: number, ...where });
      pos += number.length;
      continue;
    }
    throw syntaxError(`unexpected character ${JSON.stringify(c)}`, where, { got: c });
  }
  tokens.push({ kind: 'end', text: '', ...at() });
  return tokens;
}

function matchAt(re: RegExp, text: string, pos: number): string | undefined {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m?.[0];
}

/** Reads a quoted string with C-style escapes (\n, \", \\, \xHH, \NNN octal, \uHHHH). */
function readString(
  text: string,
  start: number,
  where: { line: number; column: number },
): { value: string; end: number } {
  const quote = text[start];
  let pos = start + 1;
  let value = '';
  while (pos < text.length) {
    const c = text[pos];
    if (c === quote) return { value, end: pos + 1 };
    if (c === '\n') break;
    if (c !== '\\') {
      value += c;
      pos++;
      continue;
    }
    const e = text[pos + 1];
    if (e === undefined) break;
    if (Object.hasOwn(SIMPLE_ESCAPES, e)) {
      value += SIMPLE_ESCAPES[e];
      pos += 2;
    } else if (e === 'x' || e === 'X') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(pos + 2, pos + 4))?.[0];
      if (!hex) throw syntaxError('\\x escape without hex digits', where);
      value += String.fromCharCode(Number.parseInt(hex, 16));
      pos += 2 + hex.length;
    } else if (e === 'u') {
      const hex = /^[0-9a-fA-F]{4}/.exec(text.slice(pos + 2, pos + 6))?.[0];
      if (!hex) throw syntaxError('\\u escape needs 4 hex digits', where);
      value += String.fromCharCode(Number.parseInt(hex, 16));
      pos += 6;
    } else if (e >= '0' && e <= '7') {
      const oct = /^[0-7]{1,3}/.exec(text.slice(pos + 1, pos + 4))?.[0] ?? e;
      value += String.fromCharCode(Number.parseInt(oct, 8) & 0xff);
      pos += 1 + oct.length;
    } else {
      throw syntaxError(`unknown escape '\\${e}' in a string`, where, { got: `\\${e}` });
    }
  }
  throw syntaxError('unterminated string', where);
}
