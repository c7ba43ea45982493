/**
 * ReduceSum, ReduceMean, ReduceMax. `axes` is an attribute before the op's input version (ReduceSum 13,
 * ReduceMean and ReduceMax 18) and an optional int64 input from it, where `noop_with_empty_axes` decides
 * whether empty axes mean "all" or "none". Accumulation runs in float64 (int64 exact to 2^53).
 */
import { attr } from '../../ir/attributes.js';
import type { ValueType } from '../../ir/graph.js';
import type { Dim } from '../../shape.js';
import { toNumbers, type Tensor } from '../../tensor.js';
import type { InferInput, OpContext, OpDef } from '../op.js';
import { broadcastIndex } from './broadcast.js';
import { allocOutput, axisIn, badAttribute, checkType, firstInput, flag, NUMERIC } from './common.js';

interface ReduceSpec {
  opType: string;
  /** The opset from which axes is an input. */
  axesInputSince: number;
  /** The value of an empty reduction, and how each element folds in. */
  init: (type: Tensor['type']) => number;
  fold: (acc: number, v: number) => number;
  /** Turns the folded value into the result, given the number of elements folded. */
  finish?: (acc: number, count: number) => number;
}

/** The reduced axes, or undefined when they are not known (a non-constant axes input). */
function reducedAxes(
  spec: ReduceSpec,
  ctx: OpContext,
  rank: number,
  axesInput: InferInput | Tensor | undefined,
): number[] | undefined {
  let axes: number[];
  let noopWhenEmpty = false;
  if (ctx.opset < spec.axesInputSince) {
    axes = attr.ints(ctx.node, 'axes', []);
  } else {
    noopWhenEmpty = flag(ctx.node, 'noop_with_empty_axes', 0);
    if (axesInput === undefined) axes = [];
    else {
      checkType(ctx, 'axes', axesInput.type, ['int64']);
      const value = 'data' in axesInput ? axesInput : axesInput.value;
      if (!value) return undefined;
      axes = toNumbers(value);
    }
  }
  if (axes.length === 0) return noopWhenEmpty ? [] : Array.from({ length: rank }, (_, i) => i);
  const normalized = axes.map((a) => axisIn(ctx.node, 'axes', a, rank));
  if (new Set(normalized).size !== normalized.length)
    throw badAttribute(ctx.node, 'axes', `repeats an axis: [${axes.join(', ')}]`, 'distinct axes', axes);
  return normalized;
}

function reducedShape<D extends Dim>(dims: readonly D[], axes: readonly number[], keep: boolean): D[] {
  const out: D[] = [];
  dims.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keep) out.push(1 as D);
  });
  return out;
}

function reduceOp(spec: ReduceSpec): OpDef {
  const maxInputs = (ctx: OpContext) => (ctx.opset < spec.axesInputSince ? 1 : 2);
  return {
    opType: spec.opType,
    domain: '',
    sinceVersion: 7,
    infer(inputs, ctx): ValueType[] {
      const x = firstInput(inputs, ctx, 'data', NUMERIC, maxInputs(ctx));
      const keep = flag(ctx.node, 'keepdims', 1);
      if (!x.shape) return [{ type: x.type }];
      const axes = reducedAxes(spec, ctx, x.shape.length, inputs[1]);
      return [{ type: x.type, shape: axes ? reducedShape(x.shape, axes, keep) : undefined }];
    },
    run(inputs, ctx) {
      const x = firstInput(inputs, ctx, 'data', NUMERIC, maxInputs(ctx));
      const keep = flag(ctx.node, 'keepdims', 1);
      const axes = reducedAxes(spec, ctx, x.dims.length, inputs[1]) as number[];
      const keptDims = reducedShape(x.dims, axes, true);
      const out = allocOutput(x.type, reducedShape(x.dims, axes, keep), ctx);
      // The kept-dims output broadcasts onto the input: that map sends each input element to its slot.
      const slot = broadcastIndex(keptDims, x.dims);
      // float32 data accumulates in float32, as every backend sums: past its range a sum is infinite.
      const acc = (x.type === 'float32' ? new Float32Array(out.size) : new Float64Array(out.size)).fill(
        spec.init(x.type),
      );
      const src = x.data;
      for (let i = 0; i < x.size; i++) {
        const s = slot ? slot[i] : i;
        acc[s] = spec.fold(acc[s], Number(src[i]));
      }
      const count = out.size === 0 ? 0 : x.size / out.size;
      for (let i = 0; i < out.size; i++) {
        const v = spec.finish ? spec.finish(acc[i], count) : acc[i];
        if (out.type === 'int64') (out.data as BigInt64Array)[i] = BigInt(Number.isFinite(v) ? Math.trunc(v) : 0);
        else (out.data as Float32Array | Int32Array)[i] = v;
      }
      return [out];
    },
  };
}

const add = (acc: number, v: number) => acc + v;

export const ReduceSum = reduceOp({ opType: 'ReduceSum', axesInputSince: 13, init: () => 0, fold: add });
/** The mean of an empty reduction is 0, as onnxruntime gives (never 0 / 0). */
export const ReduceMean = reduceOp({
  opType: 'ReduceMean',
  axesInputSince: 18,
  init: () => 0,
  fold: add,
  finish: (acc, count) => (count === 0 ? 0 : acc / count),
});
/** NaN wins, as in numpy (docs/numerics.md); an empty reduction gives the type's lowest value. */
export const ReduceMax = reduceOp({
  opType: 'ReduceMax',
  axesInputSince: 18,
  init: (type) => (type === 'float32' ? -Infinity : type === 'int32' ? -(2 ** 31) : -(2 ** 63)),
  fold: (acc, v) => (v > acc || Number.isNaN(v) ? v : acc),
});
