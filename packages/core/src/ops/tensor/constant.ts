/**
 * Constant (a value from exactly one of its attributes) and ConstantOfShape (a shape filled with one value).
 */
import { attr } from '../../ir/attributes.js';
import { Tensor } from '../../tensor.js';
import type { OpContext, OpDef } from '../op.js';
import {
  attributeError,
  checkInputCount,
  checkOutputSize,
  checkType,
  elements,
  freshDims,
  intValues,
  required,
  shapeError,
} from './util.js';

const VALUE_ATTRIBUTES = [
  'value',
  'value_float',
  'value_floats',
  'value_int',
  'value_ints',
  'value_string',
  'value_strings',
  'sparse_value',
];

function constantValue(ctx: OpContext): Tensor {
  const { node } = ctx;
  const given = VALUE_ATTRIBUTES.filter((name) => node.attributes.has(name));
  const rule = `exactly one of ${VALUE_ATTRIBUTES.join(', ')} must be set`;
  if (given.length === 0) throw attributeError(ctx, 'value', `is missing: ${rule}`, { expected: 1, got: 0 });
  if (given.length > 1)
    throw attributeError(ctx, given[1], `is set together with '${given[0]}': ${rule}`, { expected: 1, got: given });
  switch (given[0]) {
    case 'value':
      return attr.tensor(node, 'value') as Tensor;
    case 'value_float':
      return new Tensor('float32', [attr.float(node, 'value_float')], []);
    case 'value_floats':
      return new Tensor('float32', attr.floats(node, 'value_floats'));
    case 'value_int':
      return new Tensor('int64', [attr.int(node, 'value_int')], []);
    case 'value_ints':
      return new Tensor('int64', attr.ints(node, 'value_ints'));
    default:
      throw attributeError(ctx, given[0], 'is not supported: lastmile has no string or sparse tensors', {
        got: given[0],
      });
  }
}

export const constantOp: OpDef = {
  opType: 'Constant',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 0, 0);
    const value = constantValue(ctx);
    return [{ type: value.type, shape: [...value.dims] }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 0, 0);
    return [constantValue(ctx)];
  },
};

/** The fill value: a one-element tensor attribute, float32 0 by default. */
function fillValue(ctx: OpContext): Tensor {
  const value = attr.tensor(ctx.node, 'value') ?? new Tensor('float32', [0], [1]);
  if (value.size !== 1)
    throw attributeError(ctx, 'value', `must hold one element, got ${value.size}`, { expected: 1, got: value.size });
  return value;
}

function targetDims(ctx: OpContext, shape: Tensor): number[] {
  checkType(ctx, 'input', shape.type, ['int64']);
  if (shape.dims.length !== 1)
    throw shapeError(ctx, `input must be 1-D, got rank ${shape.dims.length}`, { expected: 1, got: shape.dims.length });
  const dims = intValues(ctx, shape, 'input');
  if (dims.some((d) => d < 0))
    throw shapeError(ctx, `dims must be non-negative, got [${dims.join(', ')}]`, { got: dims });
  return dims;
}

export const constantOfShapeOp: OpDef = {
  opType: 'ConstantOfShape',
  domain: '',
  sinceVersion: 9,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const input = required(ctx, inputs, 0, 'input');
    const type = fillValue(ctx).type;
    if (input.value) return [{ type, shape: targetDims(ctx, input.value) }];
    const n = input.shape?.[0];
    return [{ type, shape: typeof n === 'number' ? freshDims(ctx, n) : undefined }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const value = fillValue(ctx);
    const dims = targetDims(ctx, required(ctx, inputs, 0, 'input'));
    checkOutputSize(ctx, dims, value.type);
    const out = Tensor.zeros(value.type, dims);
    const dst = elements(out);
    const v = elements(value)[0];
    for (let i = 0; i < out.size; i++) dst[i] = v;
    return [out];
  },
};
