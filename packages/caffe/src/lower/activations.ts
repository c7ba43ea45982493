/**
 * One-bottom element-wise layers: ReLU (LeakyRelu with negative_slope), PReLU, Sigmoid, TanH, AbsVal,
 * ReLU6 and Clip, Power, and Dropout (the identity at test time).
 */
import { a, Tensor } from '@lastmile/core';
import { caffe } from '../generated/caffe.js';
import type { LayerContext } from './context.js';

function unary(ctx: LayerContext, opType: string, attributes = {}): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  ctx.b.node(opType, ctx.name, [ctx.inputs[0]], ctx.outputs[0], ctx.inShape(), attributes);
}

export function lowerReLU(ctx: LayerContext): void {
  const slope = ctx.layer.reluParam?.negativeSlope ?? 0;
  if (slope === 0) unary(ctx, 'Relu');
  else unary(ctx, 'LeakyRelu', { alpha: a.float(slope) });
}

export const lowerSigmoid = (ctx: LayerContext) => unary(ctx, 'Sigmoid');
export const lowerTanH = (ctx: LayerContext) => unary(ctx, 'Tanh');
export const lowerAbsVal = (ctx: LayerContext) => unary(ctx, 'Abs');
export const lowerDropout = (ctx: LayerContext) => unary(ctx, 'Identity');

function clip(ctx: LayerContext, min: number, max: number): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const lo = ctx.b.constant(`${ctx.name}.min`, new Tensor('float32', [min], []));
  const hi = ctx.b.constant(`${ctx.name}.max`, new Tensor('float32', [max], []));
  ctx.b.node('Clip', ctx.name, [ctx.inputs[0], lo, hi], ctx.outputs[0], ctx.inShape());
}

export const lowerReLU6 = (ctx: LayerContext) => clip(ctx, 0, 6);

export function lowerClip(ctx: LayerContext): void {
  const p = ctx.layer.clipParam;
  if (!p) throw ctx.error('needs clip_param { min max }', { field: 'clip_param' });
  clip(ctx, p.min ?? 0, p.max ?? 0);
}

export function lowerPReLU(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const x = ctx.inShape();
  const shared = ctx.layer.preluParam?.channelShared ?? false;
  const channels = x.length >= 2 ? x[1] : 1;
  const count = shared ? 1 : channels;
  const [slope] = ctx.weights([{ role: 'slope', dims: [count] }]);
  // Slopes are per channel (axis 1); ONNX broadcasts from the right, so trailing axes get size 1.
  const dims = shared ? [1] : [channels, ...new Array<number>(Math.max(0, x.length - 2)).fill(1)];
  const s = ctx.b.floats(`${ctx.name}.slope`, slope, dims);
  ctx.b.node('PRelu', ctx.name, [ctx.inputs[0], s], ctx.outputs[0], x);
}

/** Power: y = (shift + scale * x) ^ power, each step emitted only when it changes the value. */
export function lowerPower(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const p = (ctx.layer.powerParam ?? new caffe.PowerParameter()) as caffe.PowerParameter;
  const x = ctx.inShape();
  const scalar = (hint: string, v: number) => ctx.b.constant(`${ctx.name}.${hint}`, new Tensor('float32', [v], []));
  const steps: { op: string; operand: string }[] = [];
  if (p.scale !== 1) steps.push({ op: 'Mul', operand: scalar('scale', p.scale) });
  if (p.shift !== 0) steps.push({ op: 'Add', operand: scalar('shift', p.shift) });
  if (p.power !== 1) steps.push({ op: 'Pow', operand: scalar('power', p.power) });
  if (steps.length === 0) {
    ctx.b.node('Identity', ctx.name, [ctx.inputs[0]], ctx.outputs[0], x);
    return;
  }
  let value = ctx.inputs[0];
  steps.forEach((step, i) => {
    const out = i === steps.length - 1 ? ctx.outputs[0] : ctx.b.unique(`${ctx.name}.${step.op.toLowerCase()}`);
    value = ctx.b.node(step.op, `${ctx.name}.${step.op.toLowerCase()}`, [value, step.operand], out, x);
  });
}
