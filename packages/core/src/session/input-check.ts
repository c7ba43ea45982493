/**
 * Checks of what callers bind as inputs: known names, dtype, rank, fixed dims and data length, each with
 * an InputError naming the input, what was expected and what was got.
 */
import { InputError } from '../errors.js';
import type { ValueInfo } from '../ir/graph.js';
import { formatShape, type Dim } from '../shape.js';
import { isTensor, Tensor } from '../tensor.js';

const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

/** Checks one input tensor against the model's declaration (symbolic dims accept any size). */
export function checkInput(info: ValueInfo, value: unknown): Tensor {
  const name = info.name;
  if (!isTensor(value))
    throw new InputError(`input '${name}' must be a lastmile Tensor, got ${describe(value)}`, {
      input: name,
      got: describe(value),
    });
  if (value.type !== info.type) {
    throw new InputError(`input '${name}': expected dtype ${info.type}, got ${value.type}`, {
      input: name,
      expected: info.type,
      got: value.type,
    });
  }
  const dims = value.dims;
  let elements = 1;
  for (const d of dims) elements *= d;
  if (value.data.length !== elements) {
    throw new InputError(
      `input '${name}': data length ${value.data.length} does not match dims ${formatShape(dims)} (${elements} elements)`,
      {
        input: name,
        expected: elements,
        got: value.data.length,
      },
    );
  }
  const shape = info.shape;
  if (shape === undefined) return value;
  if (dims.length !== shape.length) {
    throw new InputError(
      `input '${name}': expected rank ${shape.length} (${formatShape(shape)}), got rank ${dims.length} (${formatShape(dims)})`,
      {
        input: name,
        expected: [...shape],
        got: [...dims],
      },
    );
  }
  shape.forEach((want, axis) => {
    if (typeof want === 'number' && dims[axis] !== want) {
      throw new InputError(
        `input '${name}': dimension ${axis} must be ${want}, got ${dims[axis]} (expected ${formatShape(shape)}, got ${formatShape(dims)})`,
        {
          input: name,
          axis,
          expected: [...shape],
          got: [...dims],
        },
      );
    }
  });
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

/**
 * Checks a full set of feeds: every input present (one error listing all missing), no unknown names,
 * each tensor valid, and a symbolic dim shared by several inputs given one size.
 */
export function checkFeeds(inputs: readonly ValueInfo[], feeds: unknown): Record<string, Tensor> {
  if (typeof feeds !== 'object' || feeds === null)
    throw new InputError(`feeds must be an object of tensors by input name, got ${describe(feeds)}`, {});
  const given = Object.keys(feeds);
  const expected = inputs.map((i) => i.name);
  const missing = expected.filter((n) => !Object.hasOwn(feeds, n));
  if (missing.length > 0) {
    throw new InputError(
      `missing input${missing.length > 1 ? 's' : ''} ${quoted(missing)} (the model's inputs are ${quoted(expected)})`,
      { missing, expected },
    );
  }
  const known = new Set(expected);
  const unknown = given.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new InputError(
      `unknown input name${unknown.length > 1 ? 's' : ''} ${quoted(unknown)} (the model's inputs are ${quoted(expected)})`,
      { unknown, expected },
    );
  }
  const checked: Record<string, Tensor> = {};
  for (const info of inputs) checked[info.name] = checkInput(info, (feeds as Record<string, unknown>)[info.name]);
  checkSymbolicDims(inputs, checked);
  return checked;
}

/**
 * Copies of checked feeds. A run waits in the session's queue, and must read the values it was called
 * with even if the caller then changes the arrays or transfers their buffers (which would read as zeros).
 */
export function snapshotFeeds(feeds: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => [name, new Tensor(t.type, t.data.slice() as never, t.dims)]),
  );
}

function checkSymbolicDims(inputs: readonly ValueInfo[], feeds: Readonly<Record<string, Tensor>>): void {
  const bound = new Map<string, { size: number; input: string }>();
  for (const info of inputs) {
    info.shape?.forEach((dim, axis) => {
      if (typeof dim !== 'string' || dim === '') return;
      const size = feeds[info.name].dims[axis];
      const first = bound.get(dim);
      if (first === undefined) bound.set(dim, { size, input: info.name });
      else if (first.size !== size) {
        throw new InputError(
          `input '${info.name}': dimension ${axis} ('${dim}') is ${size}, but input '${first.input}' gave '${dim}' = ${first.size}`,
          {
            input: info.name,
            axis,
            dim,
            expected: first.size,
            got: size,
          },
        );
      }
    });
  }
}

/** The concrete shape of each input for a prepare call: given shapes, else the declared static ones. */
export function concreteInputShapes(
  inputs: readonly ValueInfo[],
  given: Readonly<Record<string, readonly number[]>> = {},
): Record<string, number[]> {
  const expected = inputs.map((i) => i.name);
  const unknown = Object.keys(given).filter((n) => !expected.includes(n));
  if (unknown.length > 0)
    throw new InputError(`prepare() got shapes for unknown input${unknown.length > 1 ? 's' : ''} ${quoted(unknown)}`, {
      unknown,
      expected,
    });
  const shapes: Record<string, number[]> = {};
  const unresolved: string[] = [];
  for (const info of inputs) {
    const declared: readonly Dim[] | undefined = info.shape;
    const shape = Object.hasOwn(given, info.name) ? given[info.name] : declared;
    if (shape === undefined || !shape.every((d) => typeof d === 'number')) {
      unresolved.push(`${info.name} (${declared === undefined ? 'unknown rank' : formatShape(declared)})`);
      continue;
    }
    checkShapeAgainst(info, shape as number[]);
    shapes[info.name] = [...(shape as number[])];
  }
  if (unresolved.length > 0) {
    throw new InputError(
      `prepare() needs concrete shapes for inputs with symbolic or unknown dims: ${unresolved.join(', ')}`,
      { inputs: unresolved },
    );
  }
  return shapes;
}

function checkShapeAgainst(info: ValueInfo, dims: readonly number[]): void {
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new InputError(`input '${info.name}': dims must be non-negative integers, got ${formatShape(dims)}`, {
        input: info.name,
        got: [...dims],
      });
    }
  }
  const shape = info.shape;
  if (shape === undefined) return;
  if (shape.length !== dims.length || shape.some((want, axis) => typeof want === 'number' && want !== dims[axis])) {
    throw new InputError(
      `input '${info.name}': shape ${formatShape(dims)} does not fit the declared ${formatShape(shape)}`,
      {
        input: info.name,
        expected: [...shape],
        got: [...dims],
      },
    );
  }
}
