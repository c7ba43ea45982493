/**
 * Convolution -> Conv and Deconvolution -> ConvTranspose, with Caffe's ways of giving kernel, pad,
 * stride and dilation (one value for every spatial axis, one per axis, or the 2-D *_h / *_w fields).
 */
import { a } from '@lastmile/core';
import { caffe } from '../generated/caffe.js';
import type { LayerContext } from './context.js';

interface Geometry {
  kernel: number[];
  pad: number[];
  stride: number[];
  dilation: number[];
}

const has = (message: object, key: string) => Object.hasOwn(message, key);

/** One value per spatial axis from a repeated field (empty: `fallback`; one value: every axis). */
function perAxis(
  ctx: LayerContext,
  field: string,
  values: readonly number[],
  spatial: number,
  fallback: number | undefined,
): number[] {
  if (values.length === 0) {
    if (fallback === undefined) throw ctx.error(`needs ${field}`, { field });
    return new Array<number>(spatial).fill(fallback);
  }
  if (values.length === 1) return new Array<number>(spatial).fill(values[0]);
  if (values.length !== spatial)
    throw ctx.error(`gives ${values.length} values of ${field} for ${spatial} spatial axes`, {
      field,
      expected: spatial,
      got: values.length,
    });
  return [...values];
}

/** Either the 2-D `name_h` / `name_w` pair or the repeated field. */
function hw(
  ctx: LayerContext,
  p: caffe.ConvolutionParameter,
  name: 'kernel' | 'pad' | 'stride',
  spatial: number,
  fallback: number | undefined,
): number[] {
  const h = `${name}H`;
  const w = `${name}W`;
  if (has(p, h) || has(p, w)) {
    if (spatial !== 2)
      throw ctx.error(`uses ${name}_h/${name}_w, which only 2-D convolution has`, { field: `${name}_h` });
    if (!has(p, h) || !has(p, w)) throw ctx.error(`gives only one of ${name}_h and ${name}_w`, { field: `${name}_h` });
    const list = name === 'kernel' ? p.kernelSize : name === 'pad' ? p.pad : p.stride;
    if (list.length > 0)
      throw ctx.error(`gives both ${name}_h/${name}_w and ${name === 'kernel' ? 'kernel_size' : name}`, {
        field: name,
      });
    const rec = p as unknown as Record<string, number>;
    return [rec[h], rec[w]];
  }
  const list = name === 'kernel' ? p.kernelSize : name === 'pad' ? p.pad : p.stride;
  return perAxis(ctx, name === 'kernel' ? 'kernel_size' : name, list, spatial, fallback);
}

function geometry(ctx: LayerContext, p: caffe.ConvolutionParameter, spatial: number): Geometry {
  const g = {
    kernel: hw(ctx, p, 'kernel', spatial, undefined),
    pad: hw(ctx, p, 'pad', spatial, 0),
    stride: hw(ctx, p, 'stride', spatial, 1),
    dilation: perAxis(ctx, 'dilation', p.dilation, spatial, 1),
  };
  for (const [field, values] of [
    ['kernel_size', g.kernel],
    ['stride', g.stride],
    ['dilation', g.dilation],
  ] as const) {
    if (values.some((v) => v < 1))
      throw ctx.error(`has ${field} [${values.join(', ')}]; each must be at least 1`, { field, got: values });
  }
  return g;
}

function common(ctx: LayerContext) {
  ctx.arity({ min: 1, max: 1 }, { min: 1, max: 1 });
  const p = ctx.layer.convolutionParam ?? new caffe.ConvolutionParameter();
  const param = p as caffe.ConvolutionParameter;
  const x = ctx.inShape();
  if (param.axis !== 1 && param.axis !== 1 - x.length)
    throw ctx.unsupported(`has channel axis ${param.axis}; only axis 1 (NCHW) is supported`, { axis: param.axis });
  if (x.length < 3)
    throw ctx.error(`needs a bottom of rank 3 or more (N, C, spatial...), got rank ${x.length}`, {
      expected: '>= 3',
      got: x.length,
    });
  const spatial = x.length - 2;
  const g = geometry(ctx, param, spatial);
  const numOutput = param.numOutput;
  const group = param.group;
  const channels = x[1];
  if (!(numOutput > 0)) throw ctx.error('needs num_output > 0', { field: 'num_output', got: numOutput });
  if (!(group > 0) || channels % group !== 0 || numOutput % group !== 0) {
    throw ctx.error(
      `has group ${group}, which must divide both the ${channels} input channels and num_output ${numOutput}`,
      { field: 'group', got: group },
    );
  }
  return { param, x, g, numOutput, group, channels };
}

function attributes(g: Geometry, group: number) {
  return {
    kernel_shape: a.ints(g.kernel),
    strides: a.ints(g.stride),
    pads: a.ints([...g.pad, ...g.pad]),
    dilations: a.ints(g.dilation),
    group: a.int(group),
  };
}

function withBias(ctx: LayerContext, biasTerm: boolean, weightDims: number[], numOutput: number): string[] {
  const specs = [{ role: 'weights', dims: weightDims }, ...(biasTerm ? [{ role: 'bias', dims: [numOutput] }] : [])];
  const [w, bias] = ctx.weights(specs);
  const inputs = [ctx.b.floats(`${ctx.name}.weight`, w, weightDims)];
  if (bias) inputs.push(ctx.b.floats(`${ctx.name}.bias`, bias, [numOutput]));
  return inputs;
}

export function lowerConvolution(ctx: LayerContext): void {
  const { param, x, g, numOutput, group, channels } = common(ctx);
  const out = x
    .slice(2)
    .map((size, i) => Math.floor((size + 2 * g.pad[i] - (g.dilation[i] * (g.kernel[i] - 1) + 1)) / g.stride[i]) + 1);
  if (out.some((d) => d < 1))
    throw ctx.error(
      `gives an empty output [${out.join(', ')}] for input [${x.join(', ')}]: the kernel is larger than the padded input`,
      { got: out },
    );
  const params = withBias(ctx, param.biasTerm, [numOutput, channels / group, ...g.kernel], numOutput);
  ctx.b.node(
    'Conv',
    ctx.name,
    [ctx.inputs[0], ...params],
    ctx.outputs[0],
    [x[0], numOutput, ...out],
    attributes(g, group),
  );
}

export function lowerDeconvolution(ctx: LayerContext): void {
  const { param, x, g, numOutput, group, channels } = common(ctx);
  const out = x
    .slice(2)
    .map((size, i) => g.stride[i] * (size - 1) + g.dilation[i] * (g.kernel[i] - 1) + 1 - 2 * g.pad[i]);
  if (out.some((d) => d < 1))
    throw ctx.error(
      `gives an empty output [${out.join(', ')}] for input [${x.join(', ')}]: the padding is larger than the output`,
      { got: out },
    );
  const params = withBias(ctx, param.biasTerm, [channels, numOutput / group, ...g.kernel], numOutput);
  ctx.b.node(
    'ConvTranspose',
    ctx.name,
    [ctx.inputs[0], ...params],
    ctx.outputs[0],
    [x[0], numOutput, ...out],
    attributes(g, group),
  );
}
