/**
 * Identity, and Dropout at inference: the data passes through; the optional mask is all true.
 */
import { attr } from '../../ir/attributes.js';
import { elementAsNumber, Tensor } from '../../tensor.js';
import type { OpContext, OpDef } from '../op.js';
import { attributeError, checkInputCount, required } from './util.js';

export const identityOp: OpDef = {
  opType: 'Identity',
  domain: '',
  sinceVersion: 1,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    const x = required(ctx, inputs, 0, 'input');
    return [{ type: x.type, shape: x.shape }];
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, 1);
    return [required(ctx, inputs, 0, 'input')];
  },
};

/** The mask is bool from opset 10; before, it had the data's type. */
const maskType = (ctx: OpContext, dataType: Tensor['type']) => (ctx.opset >= 10 ? 'bool' : dataType);

/** Whether the node names the optional mask output. */
const wantsMask = (ctx: OpContext) => ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '';

/** Training mode randomly drops elements: a reference kernel cannot reproduce that, so it is refused. */
function checkInference(ctx: OpContext, ratio: Tensor | undefined, training: Tensor | undefined): void {
  if (ctx.opset < 12) return;
  if (training === undefined || training.size === 0 || training.data[0] === 0) return;
  const r = ratio === undefined ? 0.5 : elementAsNumber(ratio, 0);
  if (r !== 0)
    throw attributeError(ctx, 'training_mode', 'is true with a nonzero ratio: random dropout is not supported', {
      ratio: r,
    });
}

export const dropoutOp: OpDef = {
  opType: 'Dropout',
  domain: '',
  sinceVersion: 7,
  infer(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, ctx.opset >= 12 ? 3 : 1);
    const x = required(ctx, inputs, 0, 'data');
    checkInference(ctx, inputs[1]?.value, inputs[2]?.value);
    if (ctx.opset < 12) attr.float(ctx.node, 'ratio', 0.5);
    const out = [{ type: x.type, shape: x.shape }];
    if (wantsMask(ctx)) out.push({ type: maskType(ctx, x.type), shape: x.shape });
    return out;
  },
  run(inputs, ctx) {
    checkInputCount(ctx, inputs, 1, ctx.opset >= 12 ? 3 : 1);
    const x = required(ctx, inputs, 0, 'data');
    checkInference(ctx, inputs[1], inputs[2]);
    const out = [x];
    if (wantsMask(ctx)) {
      const mask = Tensor.zeros(maskType(ctx, x.type), x.dims);
      (mask.data as { fill(v: number | bigint): unknown }).fill(
        mask.type === 'int64' ? 1n : mask.type === 'float16' ? 0x3c00 : 1,
      );
      out.push(mask);
    }
    return out;
  },
};
