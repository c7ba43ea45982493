/**
 * MobileNetV2 as torchvision's mobilenet_v2 (width 1.0): 3.50M parameters, ~300M MACs at 224x224.
 */
import type { Model } from '@lastmile/core';
import type { ModelBuilder } from '../builder.js';
import { convBn, finishModel, poolAndClassify, startModel, type ArchitectureOptions } from './common.js';

/** [expansion t, output channels c, repeats n, first stride s], as the paper's table 2. */
const INVERTED_RESIDUAL_SETTING: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

function invertedResidual(
  b: ModelBuilder,
  x: string,
  inChannels: number,
  outChannels: number,
  stride: number,
  expansion: number,
): string {
  const hidden = Math.round(inChannels * expansion);
  let y = expansion === 1 ? x : convBn(b, x, { outChannels: hidden, kernel: 1, activation: 'relu6' });
  y = convBn(b, y, { outChannels: hidden, kernel: 3, stride, group: hidden, activation: 'relu6' });
  y = convBn(b, y, { outChannels, kernel: 1, activation: 'none' });
  return stride === 1 && inChannels === outChannels ? b.add(x, y) : y;
}

/** MobileNetV2 with seeded random weights; NCHW float32 input 'input', logits 'output'. */
export function mobilenetV2(options: ArchitectureOptions = {}): Model {
  const { b, x, numClasses } = startModel('mobilenet_v2', options);
  let y = convBn(b, x, { outChannels: 32, kernel: 3, stride: 2, activation: 'relu6' });
  let channels = 32;
  for (const [t, c, n, s] of INVERTED_RESIDUAL_SETTING) {
    for (let i = 0; i < n; i++) {
      y = invertedResidual(b, y, channels, c, i === 0 ? s : 1, t);
      channels = c;
    }
  }
  y = convBn(b, y, { outChannels: 1280, kernel: 1, activation: 'relu6' });
  return finishModel(b, poolAndClassify(b, y, numClasses));
}
