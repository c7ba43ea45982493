/**
 * What the architectures share: their options, the input and classifier ends, and torchvision's
 * Conv2dNormActivation (conv without bias, BatchNormalization, activation).
 */
import { InputError, type Model } from '@lastmile/core';
import { ModelBuilder } from '../builder.js';

export interface ArchitectureOptions {
  /** Batch size (default 1). */
  batch?: number;
  /** Input height and width, or one number for both (default 224). */
  resolution?: number | readonly [number, number];
  /** Classifier outputs (default 1000, as the ImageNet models). */
  numClasses?: number;
  /** Seed of the random weights (default 0). */
  seed?: number;
  /** Opset of the standard domain (default 17). */
  opset?: number;
}

/** The name of the graph input and output of every architecture. */
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'output';

/** A builder holding the NCHW float32 image input of `options`. */
export function startModel(
  name: string,
  options: ArchitectureOptions,
): { b: ModelBuilder; x: string; numClasses: number } {
  const batch = options.batch ?? 1;
  const resolution = options.resolution ?? 224;
  const [h, w] = typeof resolution === 'number' ? [resolution, resolution] : resolution;
  const numClasses = options.numClasses ?? 1000;
  for (const [what, v] of [
    ['batch', batch],
    ['height', h],
    ['width', w],
    ['numClasses', numClasses],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1)
      throw new InputError(`${name}: ${what} must be a positive integer, got ${v}`, {
        model: name,
        option: what,
        got: v,
      });
  }
  const b = new ModelBuilder({ opset: options.opset, seed: options.seed, name });
  return { b, x: b.input(INPUT_NAME, [batch, 3, h, w]), numClasses };
}

/** Marks the logits as the output and builds the model. */
export function finishModel(b: ModelBuilder, logits: string): Model {
  b.output(logits, OUTPUT_NAME);
  return b.build();
}

export type Activation = 'relu' | 'relu6' | 'hardswish' | 'none';

export interface ConvBnOptions {
  outChannels: number;
  kernel: number;
  stride?: number;
  group?: number;
  dilation?: number;
  activation: Activation;
  /** BatchNormalization epsilon (torchvision: 1e-5; MobileNetV3 uses 1e-3). */
  epsilon?: number;
}

/** torchvision's Conv2dNormActivation: 'same'-style padding (k - 1) / 2 * dilation, no conv bias. */
export function convBn(b: ModelBuilder, x: string, o: ConvBnOptions): string {
  const dilation = o.dilation ?? 1;
  const conv = b.conv(x, {
    outChannels: o.outChannels,
    kernel: o.kernel,
    stride: o.stride ?? 1,
    pad: ((o.kernel - 1) / 2) * dilation,
    group: o.group ?? 1,
    dilation,
  });
  return activate(b, b.batchNorm(conv, { epsilon: o.epsilon }), o.activation);
}

export function activate(b: ModelBuilder, x: string, activation: Activation): string {
  switch (activation) {
    case 'relu':
      return b.relu(x);
    case 'relu6':
      return b.relu6(x);
    case 'hardswish':
      return b.hardSwish(x);
    case 'none':
      return x;
  }
}

/** torchvision's _make_divisible: round to a multiple of `divisor`, never more than 10% down. */
export function makeDivisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

/** Global average pool, flatten, and a Linear layer: the head most ImageNet models share. */
export function poolAndClassify(b: ModelBuilder, x: string, numClasses: number): string {
  return b.gemm(b.flatten(b.globalAvgPool(x)), { outFeatures: numClasses });
}
