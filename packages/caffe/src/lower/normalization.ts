/**
 * BatchNorm -> BatchNormalization (Caffe keeps mean and variance scaled by a factor blob; factor 0 means
 * zero statistics, as in batch_norm_layer.cpp), Scale -> folded into that BatchNormalization when it
 * directly follows it, else Mul (+ Add); Bias -> Add; LRN (ACROSS_CHANNELS) -> LRN.
 */
import { a } from '@lastmile/core';
import { caffe } from '../generated/caffe.js';
import type { LayerContext } from './context.js';

const ones = (n: number) => new Array<number>(Math.max(0, n)).fill(1);

export function lowerBatchNorm(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const p = (ctx.layer.batchNormParam ?? new caffe.BatchNormParameter()) as caffe.BatchNormParameter;
  if (Object.hasOwn(p, 'useGlobalStats') && !p.useGlobalStats) {
    throw ctx.unsupported(
      'sets use_global_stats: false, so it normalizes with the statistics of each batch; only the stored statistics (inference) are supported',
      {
        field: 'use_global_stats',
      },
    );
  }
  const x = ctx.inShape();
  if (x.length < 2)
    throw ctx.error(`needs a bottom of rank 2 or more, got rank ${x.length}`, { expected: '>= 2', got: x.length });
  const c = x[1];
  const [mean, variance, factorBlob] = ctx.weights([
    { role: 'mean', dims: [c] },
    { role: 'variance', dims: [c] },
    { role: 'moving average factor', dims: [1] },
  ]);
  // batch_norm_layer.cpp: scale = factor == 0 ? 0 : 1 / factor.
  const factor = factorBlob[0] === 0 ? 0 : 1 / factorBlob[0];
  const m = mean.map((v) => v * factor);
  const v = variance.map((x) => x * factor);
  const negative = v.findIndex((x) => x < 0);
  if (negative >= 0)
    ctx.warn({
      code: 'negative-variance',
      layer: ctx.name,
      message: `BatchNorm layer '${ctx.name}' has a negative variance (${v[negative]}) at channel ${negative}: its outputs there are NaN, as in Caffe`,
    });
  const scale = ctx.b.floats(`${ctx.name}.scale`, ones(c), [c]);
  const bias = ctx.b.floats(`${ctx.name}.bias`, new Float32Array(c), [c]);
  const node = ctx.b.graph.nodes.length;
  ctx.b.node(
    'BatchNormalization',
    ctx.name,
    [ctx.inputs[0], scale, bias, ctx.b.floats(`${ctx.name}.mean`, m, [c]), ctx.b.floats(`${ctx.name}.var`, v, [c])],
    ctx.outputs[0],
    x,
    {
      epsilon: a.float(p.eps),
    },
  );
  ctx.b.identityBatchNorms.set(ctx.outputs[0], ctx.b.graph.nodes[node]);
}

/** The span of axes a Scale/Bias parameter covers: [axis, axis + count). */
function span(
  ctx: LayerContext,
  axisParam: number,
  numAxes: number,
  rank: number,
  secondBottom: number[] | undefined,
): { axis: number; count: number } {
  if (secondBottom !== undefined) {
    // The parameter blob's own rank decides; a scalar applies everywhere (axis ignored, as in Caffe).
    if (secondBottom.length === 0) return { axis: 0, count: 0 };
    const axis = ctx.axis(axisParam, rank);
    return { axis, count: secondBottom.length };
  }
  const axis = axisParam === rank ? rank : ctx.axis(axisParam, rank);
  const count = numAxes === -1 ? rank - axis : numAxes;
  if (count < 0 || axis + count > rank)
    throw ctx.error(`has axis ${axisParam} and num_axes ${numAxes}, beyond the bottom's rank ${rank}`, {
      axis: axisParam,
      numAxes,
      rank,
    });
  return { axis, count };
}

/** Scale and Bias: x op p, with p's dims those of x over [axis, axis + count), broadcast along the rest. */
function affine(ctx: LayerContext, kind: 'Scale' | 'Bias'): void {
  ctx.arity({ min: 1, max: 2 }, { min: 1, max: 1 });
  const scaleParam = (ctx.layer.scaleParam ?? new caffe.ScaleParameter()) as caffe.ScaleParameter;
  const biasParam = (ctx.layer.biasParam ?? new caffe.BiasParameter()) as caffe.BiasParameter;
  const p = kind === 'Scale' ? scaleParam : biasParam;
  const x = ctx.inShape();
  const second = ctx.inputs.length === 2 ? ctx.inShape(1) : undefined;
  const { axis, count } = span(ctx, p.axis, p.numAxes, x.length, second);
  const dims = x.slice(axis, axis + count);
  if (second !== undefined && (second.length !== dims.length || second.some((d, i) => d !== dims[i]))) {
    throw ctx.error(
      `has a second bottom of shape [${second.join(', ')}], expected [${dims.join(', ')}] (the first bottom's axes from ${axis})`,
      { expected: dims, got: second },
    );
  }
  const broadcast = count === 0 ? [] : [...dims, ...ones(x.length - axis - count)];
  const hasBias = kind === 'Scale' && scaleParam.biasTerm;
  const specs = [
    ...(second === undefined ? [{ role: kind === 'Scale' ? 'scale' : 'bias', dims }] : []),
    ...(hasBias ? [{ role: 'bias', dims }] : []),
  ];
  const blobs = ctx.weights(specs);

  if (
    kind === 'Scale' &&
    second === undefined &&
    tryFoldIntoBatchNorm(ctx, axis, count, x, blobs[0], hasBias ? blobs[1] : undefined)
  )
    return;

  let operand: string;
  if (second === undefined)
    operand = ctx.b.floats(`${ctx.name}.${kind === 'Scale' ? 'scale' : 'bias'}`, blobs[0], broadcast);
  else if (broadcast.length === second.length) operand = ctx.inputs[1];
  else
    operand = ctx.b.node(
      'Reshape',
      `${ctx.name}.reshape`,
      [ctx.inputs[1], ctx.b.int64s(`${ctx.name}.shape`, broadcast)],
      ctx.b.unique(`${ctx.name}.operand`),
      broadcast,
    );
  const biasBlob = second === undefined ? blobs[1] : blobs[0];
  if (kind === 'Bias') {
    ctx.b.node('Add', ctx.name, [ctx.inputs[0], operand], ctx.outputs[0], x);
    return;
  }
  const product = ctx.b.node(
    'Mul',
    ctx.name,
    [ctx.inputs[0], operand],
    hasBias ? ctx.b.unique(`${ctx.name}.scaled`) : ctx.outputs[0],
    x,
  );
  if (hasBias)
    ctx.b.node(
      'Add',
      `${ctx.name}.bias`,
      [product, ctx.b.floats(`${ctx.name}.bias`, biasBlob, broadcast)],
      ctx.outputs[0],
      x,
    );
}

/** BatchNorm then Scale over the channels, the BatchNorm output read by nothing else: one BatchNormalization. */
function tryFoldIntoBatchNorm(
  ctx: LayerContext,
  axis: number,
  count: number,
  x: number[],
  gamma: Float32Array,
  beta: Float32Array | undefined,
): boolean {
  const bn = ctx.b.identityBatchNorms.get(ctx.inputs[0]);
  if (bn === undefined || axis !== 1 || count !== 1 || ctx.b.readers.get(ctx.inputs[0]) !== 1) return false;
  const c = x[1];
  const replace = (index: number, hint: string, values: ArrayLike<number>) => {
    ctx.b.graph.initializers.delete(bn.inputs[index]);
    bn.inputs[index] = ctx.b.floats(hint, values, [c]);
  };
  replace(1, `${ctx.name}.scale`, gamma);
  if (beta) replace(2, `${ctx.name}.bias`, beta);
  ctx.b.shapes.delete(bn.outputs[0]);
  bn.outputs[0] = ctx.outputs[0];
  ctx.b.shapes.set(ctx.outputs[0], x);
  ctx.b.identityBatchNorms.delete(ctx.inputs[0]);
  return true;
}

export const lowerScale = (ctx: LayerContext) => affine(ctx, 'Scale');
export const lowerBias = (ctx: LayerContext) => affine(ctx, 'Bias');

export function lowerLRN(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const p = (ctx.layer.lrnParam ?? new caffe.LRNParameter()) as caffe.LRNParameter;
  if (p.normRegion !== caffe.LRNParameter.NormRegion.ACROSS_CHANNELS)
    throw ctx.unsupported('uses norm_region WITHIN_CHANNEL; only ACROSS_CHANNELS is supported', {
      field: 'norm_region',
    });
  if (p.localSize % 2 !== 1)
    throw ctx.error(`has local_size ${p.localSize}; Caffe needs an odd size`, {
      field: 'local_size',
      got: p.localSize,
    });
  const x = ctx.inShape();
  if (x.length !== 4) throw ctx.error(`needs a 4-D bottom, got rank ${x.length}`, { expected: 4, got: x.length });
  ctx.b.node('LRN', ctx.name, [ctx.inputs[0]], ctx.outputs[0], x, {
    size: a.int(p.localSize),
    alpha: a.float(p.alpha),
    beta: a.float(p.beta),
    bias: a.float(p.k),
  });
}
