/**
 * InnerProduct -> (Flatten) Gemm (Reshape): the axes from `axis` on are one input vector; the weights
 * are num_output x K, or K x num_output with `transpose`.
 */
import { a } from '@lastmile/core';
import { caffe } from '../generated/caffe.js';
import type { LayerContext } from './context.js';

const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

export function lowerInnerProduct(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const p = (ctx.layer.innerProductParam ?? new caffe.InnerProductParameter()) as caffe.InnerProductParameter;
  const x = ctx.inShape();
  const axis = ctx.axis(p.axis, x.length);
  const n = p.numOutput;
  if (!(n > 0)) throw ctx.error('needs num_output > 0', { field: 'num_output', got: n });
  const k = product(x.slice(axis));
  const outer = product(x.slice(0, axis));
  const weightDims = p.transpose ? [k, n] : [n, k];
  const [w, bias] = ctx.weights([
    { role: 'weights', dims: weightDims },
    ...(p.biasTerm ? [{ role: 'bias', dims: [n] }] : []),
  ]);

  let input = ctx.inputs[0];
  if (!(x.length === 2 && axis === 1)) {
    input = ctx.b.node('Flatten', `${ctx.name}.flatten`, [input], ctx.b.unique(`${ctx.name}.flat`), [outer, k], {
      axis: a.int(axis),
    });
  }
  const finalShape = [...x.slice(0, axis), n];
  const reshaped = !(finalShape.length === 2 && finalShape[0] === outer);
  const gemmOut = reshaped ? ctx.b.unique(`${ctx.name}.gemm`) : ctx.outputs[0];
  const inputs = [input, ctx.b.floats(`${ctx.name}.weight`, w, weightDims)];
  if (bias) inputs.push(ctx.b.floats(`${ctx.name}.bias`, bias, [n]));
  ctx.b.node('Gemm', ctx.name, inputs, gemmOut, [outer, n], { transB: a.int(p.transpose ? 0 : 1) });
  if (reshaped) {
    const shape = ctx.b.int64s(`${ctx.name}.shape`, finalShape);
    ctx.b.node('Reshape', `${ctx.name}.reshape`, [gemmOut, shape], ctx.outputs[0], finalShape);
  }
}
