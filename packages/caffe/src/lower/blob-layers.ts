/**
 * Layers that combine, split or reshape blobs: Eltwise (SUM with coefficients, PROD, MAX), Concat, Slice,
 * Split, Flatten, Reshape and Softmax.
 */
import { a, Tensor } from '@lastmile/core';
import { caffe } from '../generated/caffe.js';
import type { LayerContext } from './context.js';
import { longValue } from './weights.js';

const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);
const sameDims = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((d, i) => d === y[i]);

export function lowerEltwise(ctx: LayerContext): void {
  ctx.arity({ min: 2 }, { min: 1, max: 1 });
  const p = (ctx.layer.eltwiseParam ?? new caffe.EltwiseParameter()) as caffe.EltwiseParameter;
  const x = ctx.inShape();
  ctx.inputs.forEach((_, i) => {
    if (!sameDims(ctx.inShape(i), x))
      throw ctx.error(
        `has bottoms of different shapes: [${x.join(', ')}] and [${ctx.inShape(i).join(', ')}] (bottom #${i})`,
        { expected: x, got: ctx.inShape(i) },
      );
  });
  const Op = caffe.EltwiseParameter.EltwiseOp;
  if (p.coeff.length > 0 && p.operation !== Op.SUM)
    throw ctx.error('gives coeff, which only the SUM operation takes', { field: 'coeff' });
  if (p.coeff.length > 0 && p.coeff.length !== ctx.inputs.length) {
    throw ctx.error(`has ${p.coeff.length} coeff values for ${ctx.inputs.length} bottoms`, {
      field: 'coeff',
      expected: ctx.inputs.length,
      got: p.coeff.length,
    });
  }
  const last = ctx.inputs.length - 2;
  const out = (i: number, hint: string) => (i === last ? ctx.outputs[0] : ctx.b.unique(`${ctx.name}.${hint}${i}`));
  let acc = ctx.inputs[0];
  if (p.operation === Op.MAX) {
    // Caffe keeps the earlier value unless the next is strictly greater (eltwise_layer.cpp), which is what
    // Where(Greater) does, NaN included; ONNX Max would propagate NaN differently.
    // The first pair is a > b ? a : b; each later bottom replaces the result only if greater.
    ctx.inputs.slice(1).forEach((next, i) => {
      const [first, second] = i === 0 ? [acc, next] : [next, acc];
      const greater = ctx.b.node(
        'Greater',
        `${ctx.name}.greater${i}`,
        [first, second],
        ctx.b.unique(`${ctx.name}.greater${i}`),
        x,
      );
      acc = ctx.b.node('Where', `${ctx.name}.max${i}`, [greater, first, second], out(i, 'max'), x);
    });
    return;
  }
  if (p.operation === Op.PROD) {
    ctx.inputs.slice(1).forEach((next, i) => {
      acc = ctx.b.node('Mul', `${ctx.name}.prod${i}`, [acc, next], out(i, 'prod'), x);
    });
    return;
  }
  if (p.operation !== Op.SUM)
    throw ctx.unsupported(`has operation ${p.operation}, which is not known`, { got: p.operation });
  const term = (i: number) => {
    const c = p.coeff.length > 0 ? p.coeff[i] : 1;
    if (c === 1) return ctx.inputs[i];
    const coeff = ctx.b.constant(`${ctx.name}.coeff${i}`, new Tensor('float32', [c], []));
    return ctx.b.node('Mul', `${ctx.name}.coeff${i}`, [ctx.inputs[i], coeff], ctx.b.unique(`${ctx.name}.term${i}`), x);
  };
  acc = term(0);
  for (let i = 1; i < ctx.inputs.length; i++)
    acc = ctx.b.node('Add', `${ctx.name}.sum${i - 1}`, [acc, term(i)], out(i - 1, 'sum'), x);
}

export function lowerConcat(ctx: LayerContext): void {
  ctx.arity({ min: 1 }, { min: 1, max: 1 });
  const p = (ctx.layer.concatParam ?? new caffe.ConcatParameter()) as caffe.ConcatParameter;
  const x = ctx.inShape();
  if (Object.hasOwn(p, 'concatDim') && Object.hasOwn(p, 'axis'))
    throw ctx.error('gives both axis and concat_dim', { field: 'concat_dim' });
  const axis = ctx.axis(Object.hasOwn(p, 'concatDim') ? p.concatDim : p.axis, x.length);
  const out = [...x];
  out[axis] = 0;
  ctx.inputs.forEach((_, i) => {
    const s = ctx.inShape(i);
    if (s.length !== x.length || s.some((d, j) => j !== axis && d !== x[j])) {
      throw ctx.error(
        `has bottom #${i} of shape [${s.join(', ')}], which differs from [${x.join(', ')}] outside axis ${axis}`,
        { expected: x, got: s },
      );
    }
    out[axis] += s[axis];
  });
  ctx.b.node('Concat', ctx.name, [...ctx.inputs], ctx.outputs[0], out, { axis: a.int(axis) });
}

export function lowerSlice(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1 });
  const p = (ctx.layer.sliceParam ?? new caffe.SliceParameter()) as caffe.SliceParameter;
  const x = ctx.inShape();
  if (Object.hasOwn(p, 'sliceDim') && Object.hasOwn(p, 'axis'))
    throw ctx.error('gives both axis and slice_dim', { field: 'slice_dim' });
  const axis = ctx.axis(Object.hasOwn(p, 'sliceDim') ? p.sliceDim : p.axis, x.length);
  const size = x[axis];
  const tops = ctx.outputs.length;
  let sizes: number[];
  if (p.slicePoint.length > 0) {
    const points = [0, ...p.slicePoint, size];
    if (p.slicePoint.length !== tops - 1 || points.some((v, i) => i > 0 && v <= points[i - 1])) {
      throw ctx.error(
        `has slice_point [${p.slicePoint.join(', ')}], which must be ${tops - 1} increasing points inside (0, ${size})`,
        { field: 'slice_point', got: p.slicePoint },
      );
    }
    sizes = points.slice(1).map((v, i) => v - points[i]);
  } else {
    if (size % tops !== 0)
      throw ctx.error(`cannot split axis ${axis} of size ${size} into ${tops} equal parts`, {
        field: 'slice_point',
        expected: `a multiple of ${tops}`,
        got: size,
      });
    sizes = new Array<number>(tops).fill(size / tops);
  }
  const outputs = sizes.map((s, i) => ({ name: ctx.outputs[i], shape: x.map((d, j) => (j === axis ? s : d)) }));
  if (tops === 1) {
    ctx.b.node('Identity', ctx.name, [ctx.inputs[0]], ctx.outputs[0], x);
    return;
  }
  ctx.b.multiNode('Split', ctx.name, [ctx.inputs[0], ctx.b.int64s(`${ctx.name}.split`, sizes)], outputs, {
    axis: a.int(axis),
  });
}

export function lowerSplit(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1 });
  ctx.outputs.forEach((top, i) => ctx.b.node('Identity', `${ctx.name}.${i}`, [ctx.inputs[0]], top, ctx.inShape()));
}

function reshapeTo(ctx: LayerContext, shape: number[]): void {
  ctx.b.node('Reshape', ctx.name, [ctx.inputs[0], ctx.b.int64s(`${ctx.name}.shape`, shape)], ctx.outputs[0], shape);
}

export function lowerFlatten(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const p = (ctx.layer.flattenParam ?? new caffe.FlattenParameter()) as caffe.FlattenParameter;
  const x = ctx.inShape();
  const start = ctx.axis(p.axis, x.length);
  const end = ctx.axis(p.endAxis, x.length, 'end_axis');
  if (end < start)
    throw ctx.error(`has end_axis ${p.endAxis} before axis ${p.axis}`, { axis: p.axis, endAxis: p.endAxis });
  const shape = [...x.slice(0, start), product(x.slice(start, end + 1)), ...x.slice(end + 1)];
  if (start === 1 && end === x.length - 1)
    ctx.b.node('Flatten', ctx.name, [ctx.inputs[0]], ctx.outputs[0], shape, { axis: a.int(1) });
  else reshapeTo(ctx, shape);
}

/** Caffe's Reshape: 0 copies the bottom's dim, -1 is inferred, and axis/num_axes choose the replaced span. */
export function lowerReshape(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const p = (ctx.layer.reshapeParam ?? new caffe.ReshapeParameter()) as caffe.ReshapeParameter;
  const x = ctx.inShape();
  const spec = (p.shape?.dim ?? []).map(longValue);
  const start = p.axis >= 0 ? p.axis : x.length + p.axis + 1;
  if (start < 0 || start > x.length)
    throw ctx.error(`has axis ${p.axis}, out of range for a bottom of rank ${x.length}`, {
      field: 'axis',
      got: p.axis,
    });
  const end = p.numAxes === -1 ? x.length : start + p.numAxes;
  if (p.numAxes < -1 || end > x.length)
    throw ctx.error(`has num_axes ${p.numAxes}, beyond the bottom's rank ${x.length}`, {
      field: 'num_axes',
      got: p.numAxes,
    });
  const middle = spec.map((d, i) => {
    if (d === 0) {
      if (start + i >= x.length)
        throw ctx.error(`copies dim ${start + i} (0 in shape), which the bottom of rank ${x.length} lacks`, {
          field: 'shape',
        });
      return x[start + i];
    }
    if (d < -1)
      throw ctx.error(`has dim ${d} in shape; dims must be positive, 0 (copy) or -1 (infer)`, {
        field: 'shape',
        got: d,
      });
    return d;
  });
  const inferred = middle.filter((d) => d === -1).length;
  if (inferred > 1) throw ctx.error('has more than one -1 in shape', { field: 'shape', got: spec });
  const shape = [...x.slice(0, start), ...middle, ...x.slice(end)];
  const total = product(x);
  const known = product(shape.filter((d) => d !== -1));
  if (inferred === 1) {
    if (known === 0 || total % known !== 0)
      throw ctx.error(`cannot infer the -1 dim: ${total} elements do not divide by ${known}`, {
        field: 'shape',
        expected: total,
        got: known,
      });
    shape[shape.indexOf(-1)] = total / known;
  } else if (known !== total) {
    throw ctx.error(`reshapes ${total} elements [${x.join(', ')}] into [${shape.join(', ')}] (${known})`, {
      field: 'shape',
      expected: total,
      got: known,
    });
  }
  reshapeTo(ctx, shape);
}

export function lowerSoftmax(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const x = ctx.inShape();
  const axis = ctx.axis(ctx.layer.softmaxParam?.axis ?? 1, x.length);
  ctx.b.node('Softmax', ctx.name, [ctx.inputs[0]], ctx.outputs[0], x, { axis: a.int(axis) });
}
