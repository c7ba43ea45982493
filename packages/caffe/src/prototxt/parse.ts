/**
 * The prototxt parser: protobuf text format into plain objects shaped like the generated code's message
 * properties (camelCase keys, enums as numbers, repeated fields as arrays), guided by caffe.proto's
 * descriptors. Every error is a ModelFormatError with line:column.
 */
import {
  enumValues,
  type FieldDescriptor,
  isMessageType,
  type MessageDescriptor,
  messageDescriptor,
} from './schema.js';
import { syntaxError, type Token, tokenize } from './tokenizer.js';

/** A parsed message: properties named as in the generated code (camelCase), enums as numbers. */
export type PlainMessage = Record<string, unknown>;

const INT_RANGES: Record<string, { min: number; max: number }> = {
  int32: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  sint32: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  sfixed32: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  uint32: { min: 0, max: 2 ** 32 - 1 },
  fixed32: { min: 0, max: 2 ** 32 - 1 },
  // 64-bit integers are held as numbers: exact up to 2^53, which every Caffe dim and size is below.
  int64: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  sint64: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  sfixed64: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  uint64: { min: 0, max: Number.MAX_SAFE_INTEGER },
  fixed64: { min: 0, max: Number.MAX_SAFE_INTEGER },
};

const TRUE = new Set(['true', 'True', 't', '1']);
const FALSE = new Set(['false', 'False', 'f', '0']);
const SPECIAL_FLOATS: Record<string, number> = {
  inf: Infinity,
  infinity: Infinity,
  '-inf': -Infinity,
  '-infinity': -Infinity,
  nan: NaN,
  '-nan': NaN,
};

// Blocks of layer parameters this package does not lower (transform_param, loss_param, ...) are skipped:
// the layer type then decides (an unsupported type is refused by name). Anything else unknown is an error.
const SKIPPABLE_UNKNOWN = /_param$/;
const LAYER_MESSAGES = new Set(['caffe.LayerParameter', 'caffe.V1LayerParameter']);
const MAX_SKIP_DEPTH = 64;

class Parser {
  #pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.#pos];
  }

  next(): Token {
    const t = this.tokens[this.#pos];
    if (t.kind !== 'end') this.#pos++;
    return t;
  }

  isSymbol(text: string): boolean {
    const t = this.peek();
    return t.kind === 'symbol' && t.text === text;
  }

  expectSymbol(text: string, context: string): Token {
    const t = this.next();
    if (t.kind !== 'symbol' || t.text !== text)
      throw syntaxError(`expected '${text}' ${context}, got ${describe(t)}`, t, { expected: text, got: t.text });
    return t;
  }

  /** Fields until `close` ('}' / '>') or, at the top level, the end of the text. */
  message(descriptor: MessageDescriptor, close: string | undefined): PlainMessage {
    const out: PlainMessage = {};
    for (;;) {
      const t = this.peek();
      if (close === undefined ? t.kind === 'end' : t.kind === 'symbol' && t.text === close) {
        this.next();
        return out;
      }
      if (t.kind === 'end')
        throw syntaxError(`unexpected end of file: '${close}' missing (message ${descriptor.name})`, t, {
          expected: close,
        });
      if (t.kind !== 'identifier')
        throw syntaxError(`expected a field name of ${descriptor.name}, got ${describe(t)}`, t, { got: t.text });
      this.next();
      const field = descriptor.fields.get(t.text);
      if (field === undefined) {
        if (LAYER_MESSAGES.has(descriptor.name) && SKIPPABLE_UNKNOWN.test(t.text)) this.skipValue();
        else
          throw syntaxError(`unknown field '${t.text}' in ${descriptor.name}`, t, {
            message: descriptor.name,
            field: t.text,
          });
      } else {
        this.field(out, field, t);
      }
      if (this.isSymbol(',') || this.isSymbol(';')) this.next();
    }
  }

  field(out: PlainMessage, field: FieldDescriptor, nameToken: Token): void {
    const isMessage = isMessageType(field.resolved);
    let hasColon = false;
    if (this.isSymbol(':')) {
      this.next();
      hasColon = true;
    }
    const values: unknown[] = [];
    if (this.isSymbol('[')) {
      if (!field.repeated)
        throw syntaxError(`field '${field.name}' is not repeated, so it takes no [list]`, this.peek(), {
          field: field.name,
        });
      this.next();
      if (this.isSymbol(']')) this.next();
      else
        for (;;) {
          values.push(this.value(field));
          if (this.isSymbol(',')) this.next();
          else {
            this.expectSymbol(']', `closing the list of '${field.name}'`);
            break;
          }
        }
    } else {
      if (!isMessage && !hasColon)
        throw syntaxError(`expected ':' after field name '${field.name}'`, this.peek(), {
          field: field.name,
          got: this.peek().text,
        });
      values.push(this.value(field));
    }
    if (field.repeated) {
      const list = (out[field.key] as unknown[] | undefined) ?? [];
      for (const v of values) list.push(v);
      out[field.key] = list;
    } else {
      if (Object.hasOwn(out, field.key))
        throw syntaxError(`non-repeated field '${field.name}' is given twice`, nameToken, { field: field.name });
      out[field.key] = values[0];
    }
  }

  value(field: FieldDescriptor): unknown {
    if (isMessageType(field.resolved)) {
      const open = this.next();
      if (open.kind !== 'symbol' || (open.text !== '{' && open.text !== '<')) {
        throw syntaxError(`expected '{' to open message field '${field.name}', got ${describe(open)}`, open, {
          field: field.name,
          got: open.text,
        });
      }
      return this.message(messageDescriptor(field.resolved as string), open.text === '{' ? '}' : '>');
    }
    const t = this.next();
    const values = enumValues(field.resolved);
    if (values !== undefined) return enumValue(t, field, values);
    switch (field.type) {
      case 'string':
        return this.string(t, field);
      case 'bool':
        if (t.kind === 'identifier' || t.kind === 'number') {
          if (TRUE.has(t.text)) return true;
          if (FALSE.has(t.text)) return false;
        }
        throw syntaxError(`field '${field.name}' expects true or false, got ${describe(t)}`, t, {
          field: field.name,
          expected: 'bool',
          got: t.text,
        });
      case 'float':
      case 'double':
        return floatValue(t, field);
      default:
        if (Object.hasOwn(INT_RANGES, field.type)) return intValue(t, field, INT_RANGES[field.type]);
        throw syntaxError(
          `field '${field.name}' has type ${field.type}, which the prototxt reader does not handle`,
          t,
          { field: field.name, type: field.type },
        );
    }
  }

  /** A string value; adjacent string literals are concatenated. */
  string(first: Token, field: FieldDescriptor): string {
    if (first.kind !== 'string')
      throw syntaxError(`field '${field.name}' expects a quoted string, got ${describe(first)}`, first, {
        field: field.name,
        expected: 'string',
        got: first.text,
      });
    let value = first.text;
    while (this.peek().kind === 'string') value += this.next().text;
    return value;
  }

  /** Skips the value of an unknown `*_param` field: a `{...}` / `<...>` block, a list or a scalar. */
  skipValue(): void {
    if (this.isSymbol(':')) this.next();
    const first = this.next();
    if (first.kind === 'symbol' && (first.text === '{' || first.text === '<' || first.text === '[')) {
      const stack = [first];
      while (stack.length > 0) {
        const t = this.next();
        if (t.kind === 'end')
          throw syntaxError(`unexpected end of file inside a block opened at ${first.line}:${first.column}`, t);
        if (t.kind !== 'symbol') continue;
        if (t.text === '{' || t.text === '<' || t.text === '[') {
          stack.push(t);
          if (stack.length > MAX_SKIP_DEPTH)
            throw syntaxError(`blocks nested deeper than ${MAX_SKIP_DEPTH} levels`, t, { limit: MAX_SKIP_DEPTH });
        } else if (t.text === '}' || t.text === '>' || t.text === ']') {
          const open = stack.pop() as Token;
          const expected = open.text === '{' ? '}' : open.text === '<' ? '>' : ']';
          if (t.text !== expected)
            throw syntaxError(
              `expected '${expected}' to close the block opened at ${open.line}:${open.column}, got '${t.text}'`,
              t,
            );
        }
      }
    } else if (first.kind === 'symbol' || first.kind === 'end') {
      throw syntaxError(`expected a value, got ${describe(first)}`, first);
    } else if (first.kind === 'string') {
      while (this.peek().kind === 'string') this.next();
    }
  }
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the file';
  if (t.kind === 'string') return `the string ${JSON.stringify(t.text)}`;
  return `'${t.text}'`;
}

function enumValue(t: Token, field: FieldDescriptor, values: Map<string, number>): number {
  if (t.kind === 'identifier' && values.has(t.text)) return values.get(t.text) as number;
  if (t.kind === 'number' && /^-?[0-9]+$/.test(t.text) && [...values.values()].includes(Number(t.text)))
    return Number(t.text);
  throw syntaxError(
    `'${t.text}' is not a value of enum ${field.resolved} (field '${field.name}'): expected one of ${[...values.keys()].join(', ')}`,
    t,
    {
      field: field.name,
      expected: [...values.keys()],
      got: t.text,
    },
  );
}

function floatValue(t: Token, field: FieldDescriptor): number {
  if (t.kind === 'identifier' && Object.hasOwn(SPECIAL_FLOATS, t.text.toLowerCase()))
    return SPECIAL_FLOATS[t.text.toLowerCase()];
  if (t.kind === 'number') {
    const text = t.text.replace(/[fF]$/, '');
    const value = /^-?0[xX]/.test(text) ? Number.parseInt(text, 16) : Number(text);
    if (!Number.isNaN(value)) return field.type === 'float' ? Math.fround(value) : value;
  }
  throw syntaxError(`field '${field.name}' expects a number, got ${describe(t)}`, t, {
    field: field.name,
    expected: field.type,
    got: t.text,
  });
}

function intValue(t: Token, field: FieldDescriptor, range: { min: number; max: number }): number {
  let value: number | undefined;
  if (t.kind === 'number') {
    const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(t.text);
    if (m) {
      const digits = m[2];
      const magnitude = /^0[xX]/.test(digits)
        ? Number.parseInt(digits.slice(2), 16)
        : digits.length > 1 && digits[0] === '0'
          ? Number.parseInt(digits, 8)
          : Number(digits);
      value = m[1] === '-' ? -magnitude : magnitude;
    }
  }
  if (value === undefined)
    throw syntaxError(`field '${field.name}' expects an integer, got ${describe(t)}`, t, {
      field: field.name,
      expected: field.type,
      got: t.text,
    });
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw syntaxError(
      `${t.text} is out of range for field '${field.name}' (${field.type}: ${range.min} to ${range.max})`,
      t,
      {
        field: field.name,
        expected: range,
        got: t.text,
      },
    );
  }
  return value;
}

/**
 * Parses prototxt text as message `messageName` of caffe.proto (default `caffe.NetParameter`); errors are
 * ModelFormatErrors with line:column.
 */
export function parsePrototxt(text: string, messageName = 'caffe.NetParameter'): PlainMessage {
  return new Parser(tokenize(text)).message(messageDescriptor(messageName), undefined);
}
