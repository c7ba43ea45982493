/**
 * `--shape name=1x3x224x224`: parsing, and the concrete shape each input gets for a run.
 */
import { type Dim, type ValueInfo, parseDims } from '@lastmile/core';
import { UsageError } from './exit-codes.js';
import { formatDims } from './text.js';

/**
 * Splits `name=value`. Without a name, the value belongs to the model's only input; `what` names the
 * option in errors.
 */
export function splitNamed(spec: string, inputs: readonly ValueInfo[], what: string): { name: string; value: string } {
  const at = spec.indexOf('=');
  if (at < 0) {
    if (inputs.length === 1) return { name: inputs[0].name, value: spec };
    throw new UsageError(
      `${what} '${spec}' must name the input (name=...): the model has ${inputs.length} inputs (${quoted(inputs)})`,
    );
  }
  const name = spec.slice(0, at);
  if (!inputs.some((i) => i.name === name))
    throw new UsageError(`${what} '${spec}': the model has no input '${name}' (its inputs are ${quoted(inputs)})`);
  return { name, value: spec.slice(at + 1) };
}

const quoted = (inputs: readonly ValueInfo[]) => inputs.map((i) => `'${i.name}'`).join(', ') || 'none';

/** The `--shape` options by input name, each checked against the input's declared rank and fixed dims. */
export function parseShapeOptions(specs: readonly string[], inputs: readonly ValueInfo[]): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const spec of specs) {
    const { name, value } = splitNamed(spec, inputs, '--shape');
    if (shapes.has(name)) throw new UsageError(`--shape is given twice for input '${name}'`);
    let dims: number[];
    try {
      dims = parseDims(value);
    } catch (error) {
      throw new UsageError(`--shape '${spec}': ${(error as Error).message}`);
    }
    const declared = inputs.find((i) => i.name === name)?.shape;
    if (declared !== undefined) {
      const fits =
        declared.length === dims.length && declared.every((d, axis) => typeof d !== 'number' || d === dims[axis]);
      if (!fits)
        throw new UsageError(`--shape '${spec}' does not fit input '${name}', declared ${formatDims(declared)}`);
    }
    shapes.set(name, dims);
  }
  return shapes;
}

/**
 * The shape of an input the CLI must invent data for: `--shape`, else the declared dims, where a
 * symbolic batch (first) dim becomes 1. Any other symbolic dim needs `--shape`.
 */
export function concreteShape(
  info: ValueInfo,
  given: ReadonlyMap<string, number[]>,
  notice: (line: string) => void,
): number[] {
  const explicit = given.get(info.name);
  if (explicit !== undefined) return explicit;
  const declared: readonly Dim[] | undefined = info.shape;
  if (declared === undefined)
    throw new UsageError(`input '${info.name}' has no declared shape; give one with --shape ${info.name}=...`);
  const open = declared.map((d, axis) => (typeof d === 'number' ? -1 : axis)).filter((axis) => axis > 0);
  if (open.length > 0) {
    throw new UsageError(
      `input '${info.name}' has symbolic dims [${formatDims(declared)}]; give its shape with --shape ${info.name}=${declared.map((d) => (typeof d === 'number' ? d : 'N')).join('x')}`,
    );
  }
  if (typeof declared[0] === 'string')
    notice(`input '${info.name}': symbolic batch dim '${declared[0]}' set to 1 (use --shape to change it)`);
  return declared.map((d) => (typeof d === 'number' ? d : 1));
}
