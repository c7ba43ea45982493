/**
 * Pooling -> MaxPool / AveragePool / Global*Pool with Caffe's output size: rounded up (round_mode CEIL,
 * the default), the last window dropped when it would start in the padding. ONNX rounds down, so the
 * windows that ceiling adds become explicit extra end padding, and Caffe's average divisor (the window
 * clipped to the padded input, padding counted) is reproduced exactly:
 *   - no extra padding: AveragePool counting the pads;
 *   - extra padding: the Caffe pads as real zeros (Pad), then AveragePool with only the extra as pads,
 *     not counted.
 */
import { a } from '@lastmile/core';
import { caffe } from '../generated/caffe.js';
import type { LayerContext } from './context.js';

const has = (message: object, key: string) => Object.hasOwn(message, key);

function pair(
  ctx: LayerContext,
  p: caffe.PoolingParameter,
  name: 'kernel' | 'pad' | 'stride',
  fallback: number | undefined,
): [number, number] {
  const rec = p as unknown as Record<string, number>;
  const h = `${name}H`;
  const w = `${name}W`;
  const single = name === 'kernel' ? 'kernelSize' : name;
  if (has(p, h) || has(p, w)) {
    if (!has(p, h) || !has(p, w)) throw ctx.error(`gives only one of ${name}_h and ${name}_w`, { field: `${name}_h` });
    if (has(p, single))
      throw ctx.error(`gives both ${name}_h/${name}_w and ${name === 'kernel' ? 'kernel_size' : name}`, {
        field: name,
      });
    return [rec[h], rec[w]];
  }
  if (has(p, single)) return [rec[single], rec[single]];
  if (fallback === undefined)
    throw ctx.error('needs kernel_size (or kernel_h and kernel_w, or global_pooling)', { field: 'kernel_size' });
  return [fallback, fallback];
}

/** Caffe's pooled size along one axis (pooling_layer.cpp Reshape). */
function pooledSize(
  ctx: LayerContext,
  size: number,
  kernel: number,
  pad: number,
  stride: number,
  ceil: boolean,
): number {
  const span = size + 2 * pad - kernel;
  if (span < 0)
    throw ctx.error(`has kernel ${kernel} larger than the padded input ${size + 2 * pad}`, {
      expected: `<= ${size + 2 * pad}`,
      got: kernel,
    });
  let pooled = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (pad > 0 && (pooled - 1) * stride >= size + pad) pooled--;
  if ((pooled - 1) * stride >= size + pad) {
    // Without padding, ceiling can place a whole window past the input, which Caffe reads as -FLT_MAX or divides by a negative count.
    throw ctx.unsupported(
      `would place its last window outside the input (size ${size}, kernel ${kernel}, stride ${stride}): Caffe's result there is undefined`,
      { size, kernel, stride },
    );
  }
  return pooled;
}

export function lowerPooling(ctx: LayerContext): void {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 2 });
  if (ctx.outputs.length === 2)
    throw ctx.unsupported('has a second top (the max-pooling mask), which is not supported');
  const p = (ctx.layer.poolingParam ?? new caffe.PoolingParameter()) as caffe.PoolingParameter;
  const x = ctx.inShape();
  if (x.length !== 4)
    throw ctx.error(`needs a 4-D bottom (N, C, H, W), got rank ${x.length}`, { expected: 4, got: x.length });
  const method = p.pool;
  if (method === caffe.PoolingParameter.PoolMethod.STOCHASTIC)
    throw ctx.unsupported('uses STOCHASTIC pooling, which is not supported');
  const isMax = method === caffe.PoolingParameter.PoolMethod.MAX;
  const [n, c, h, w] = x;

  if (p.globalPooling) {
    if (has(p, 'kernelSize') || has(p, 'kernelH') || has(p, 'kernelW'))
      throw ctx.error('gives a kernel size with global_pooling', { field: 'kernel_size' });
    const [padH, padW] = pair(ctx, p, 'pad', 0);
    const [strideH, strideW] = pair(ctx, p, 'stride', 1);
    if (padH !== 0 || padW !== 0 || strideH !== 1 || strideW !== 1)
      throw ctx.error('uses global_pooling with padding or a stride other than 1', { field: 'global_pooling' });
    ctx.b.node(isMax ? 'GlobalMaxPool' : 'GlobalAveragePool', ctx.name, [ctx.inputs[0]], ctx.outputs[0], [n, c, 1, 1]);
    return;
  }

  const kernel = pair(ctx, p, 'kernel', undefined);
  const pad = pair(ctx, p, 'pad', 0);
  const stride = pair(ctx, p, 'stride', 1);
  if (kernel.some((k) => k < 1) || stride.some((s) => s < 1))
    throw ctx.error(`has kernel [${kernel.join(', ')}] and stride [${stride.join(', ')}]; each must be at least 1`, {
      kernel,
      stride,
    });
  if (pad.some((v, i) => v >= kernel[i]))
    throw ctx.error(
      `has pad [${pad.join(', ')}] not smaller than the kernel [${kernel.join(', ')}], which Caffe refuses`,
      { pad, kernel },
    );
  const ceil = p.roundMode !== caffe.PoolingParameter.RoundMode.FLOOR;
  const sizes = [h, w];
  const pooled = sizes.map((size, i) => pooledSize(ctx, size, kernel[i], pad[i], stride[i], ceil));
  // End padding that makes ONNX's floor rounding give Caffe's size.
  const extra = sizes.map((size, i) => Math.max(0, (pooled[i] - 1) * stride[i] + kernel[i] - size - 2 * pad[i]));
  const outShape = [n, c, pooled[0], pooled[1]];
  const common = { kernel_shape: a.ints(kernel), strides: a.ints(stride) };

  if (isMax) {
    ctx.b.node('MaxPool', ctx.name, [ctx.inputs[0]], ctx.outputs[0], outShape, {
      ...common,
      pads: a.ints([pad[0], pad[1], pad[0] + extra[0], pad[1] + extra[1]]),
    });
    return;
  }
  if (extra[0] === 0 && extra[1] === 0) {
    ctx.b.node('AveragePool', ctx.name, [ctx.inputs[0]], ctx.outputs[0], outShape, {
      ...common,
      pads: a.ints([pad[0], pad[1], pad[0], pad[1]]),
      count_include_pad: a.int(1),
    });
    return;
  }
  let input = ctx.inputs[0];
  if (pad[0] > 0 || pad[1] > 0) {
    const pads = ctx.b.int64s(`${ctx.name}.pads`, [0, 0, pad[0], pad[1], 0, 0, pad[0], pad[1]]);
    input = ctx.b.node('Pad', `${ctx.name}.pad`, [input, pads], ctx.b.unique(`${ctx.name}.padded`), [
      n,
      c,
      h + 2 * pad[0],
      w + 2 * pad[1],
    ]);
  }
  ctx.b.node('AveragePool', ctx.name, [input], ctx.outputs[0], outShape, {
    ...common,
    pads: a.ints([0, 0, extra[0], extra[1]]),
    count_include_pad: a.int(0),
  });
}
