/**
 * ShuffleNetV2 x0.5 as torchvision's shufflenet_v2_x0_5: 1.37M parameters, ~41M MACs at 224x224.
 * Exercises Split and the channel shuffle (Reshape, Transpose, Reshape).
 */
import type { Model } from '@lastmile/core';
import type { ModelBuilder } from '../builder.js';
import { convBn, finishModel, poolAndClassify, startModel, type ArchitectureOptions } from './common.js';

const STAGE_REPEATS = [4, 8, 4] as const;
const STAGE_CHANNELS = [48, 96, 192] as const;

function branch(b: ModelBuilder, x: string, channels: number, stride: number): string {
  let y = convBn(b, x, { outChannels: channels, kernel: 1, activation: 'relu' });
  y = convBn(b, y, { outChannels: channels, kernel: 3, stride, group: channels, activation: 'none' });
  return convBn(b, y, { outChannels: channels, kernel: 1, activation: 'relu' });
}

function invertedResidual(b: ModelBuilder, x: string, outChannels: number, stride: number): string {
  const half = outChannels / 2;
  if (stride === 1) {
    const [kept, processed] = b.split(x, [half, half], 1);
    return b.channelShuffle(b.concat([kept, branch(b, processed, half, 1)], 1), 2);
  }
  const inChannels = b.shapeOf(x)[1];
  let left = convBn(b, x, { outChannels: inChannels, kernel: 3, stride, group: inChannels, activation: 'none' });
  left = convBn(b, left, { outChannels: half, kernel: 1, activation: 'relu' });
  return b.channelShuffle(b.concat([left, branch(b, x, half, stride)], 1), 2);
}

/** ShuffleNetV2 x0.5 with seeded random weights; NCHW float32 input 'input', logits 'output'. */
export function shuffleNetV2x05(options: ArchitectureOptions = {}): Model {
  const { b, x, numClasses } = startModel('shufflenet_v2_x0_5', options);
  let y = convBn(b, x, { outChannels: 24, kernel: 3, stride: 2, activation: 'relu' });
  y = b.maxPool(y, { kernel: 3, stride: 2, pad: 1 });
  STAGE_REPEATS.forEach((repeats, stage) => {
    for (let i = 0; i < repeats; i++) y = invertedResidual(b, y, STAGE_CHANNELS[stage], i === 0 ? 2 : 1);
  });
  y = convBn(b, y, { outChannels: 1024, kernel: 1, activation: 'relu' });
  return finishModel(b, poolAndClassify(b, y, numClasses));
}
