/**
 * MobileNetV3-Small as torchvision's mobilenet_v3_small: 2.54M parameters, ~57M MACs at 224x224.
 * Exercises HardSwish, HardSigmoid and squeeze-and-excitation (a broadcast Mul).
 */
import type { Model } from '@lastmile/core';
import type { ModelBuilder } from '../builder.js';
import {
  activate,
  convBn,
  finishModel,
  makeDivisible,
  startModel,
  type Activation,
  type ArchitectureOptions,
} from './common.js';

/** torchvision builds MobileNetV3's BatchNormalization with eps 0.001. */
const EPSILON = 1e-3;

/** [kernel, expanded channels, output channels, squeeze-excite, activation, stride], torchvision's bneck_conf. */
const BLOCKS: readonly (readonly [number, number, number, boolean, Activation, number])[] = [
  [3, 16, 16, true, 'relu', 2],
  [3, 72, 24, false, 'relu', 2],
  [3, 88, 24, false, 'relu', 1],
  [5, 96, 40, true, 'hardswish', 2],
  [5, 240, 40, true, 'hardswish', 1],
  [5, 240, 40, true, 'hardswish', 1],
  [5, 120, 48, true, 'hardswish', 1],
  [5, 144, 48, true, 'hardswish', 1],
  [5, 288, 96, true, 'hardswish', 2],
  [5, 576, 96, true, 'hardswish', 1],
  [5, 576, 96, true, 'hardswish', 1],
];

function squeezeExcite(b: ModelBuilder, x: string, channels: number): string {
  let s = b.globalAvgPool(x);
  s = b.relu(b.conv(s, { outChannels: makeDivisible(channels / 4), kernel: 1, bias: true }));
  s = b.conv(s, { outChannels: channels, kernel: 1, bias: true });
  return b.mul(x, b.hardSigmoid(s, { alpha: 1 / 6, beta: 0.5 }));
}

/** MobileNetV3-Small with seeded random weights; NCHW float32 input 'input', logits 'output'. */
export function mobilenetV3Small(options: ArchitectureOptions = {}): Model {
  const { b, x, numClasses } = startModel('mobilenet_v3_small', options);
  let y = convBn(b, x, { outChannels: 16, kernel: 3, stride: 2, activation: 'hardswish', epsilon: EPSILON });
  let channels = 16;
  for (const [kernel, expanded, out, se, activation, stride] of BLOCKS) {
    let z =
      expanded === channels ? y : convBn(b, y, { outChannels: expanded, kernel: 1, activation, epsilon: EPSILON });
    z = convBn(b, z, { outChannels: expanded, kernel, stride, group: expanded, activation, epsilon: EPSILON });
    if (se) z = squeezeExcite(b, z, expanded);
    z = convBn(b, z, { outChannels: out, kernel: 1, activation: 'none', epsilon: EPSILON });
    y = stride === 1 && channels === out ? b.add(z, y) : z;
    channels = out;
  }
  y = convBn(b, y, { outChannels: 576, kernel: 1, activation: 'hardswish', epsilon: EPSILON });
  y = activate(b, b.gemm(b.flatten(b.globalAvgPool(y)), { outFeatures: 1024 }), 'hardswish');
  return finishModel(b, b.gemm(y, { outFeatures: numClasses }));
}
