/**
 * ResNet-18 as torchvision's resnet18: 11.69M parameters, ~1.82G MACs at 224x224.
 */
import type { Model } from '@lastmile/core';
import type { ModelBuilder } from '../builder.js';
import { convBn, finishModel, poolAndClassify, startModel, type ArchitectureOptions } from './common.js';

function basicBlock(b: ModelBuilder, x: string, inChannels: number, channels: number, stride: number): string {
  let y = convBn(b, x, { outChannels: channels, kernel: 3, stride, activation: 'relu' });
  y = convBn(b, y, { outChannels: channels, kernel: 3, activation: 'none' });
  const shortcut =
    stride !== 1 || inChannels !== channels
      ? convBn(b, x, { outChannels: channels, kernel: 1, stride, activation: 'none' })
      : x;
  return b.relu(b.add(y, shortcut));
}

/** ResNet-18 with seeded random weights; NCHW float32 input 'input', logits 'output'. */
export function resnet18(options: ArchitectureOptions = {}): Model {
  const { b, x, numClasses } = startModel('resnet18', options);
  let y = convBn(b, x, { outChannels: 64, kernel: 7, stride: 2, activation: 'relu' });
  y = b.maxPool(y, { kernel: 3, stride: 2, pad: 1 });
  let channels = 64;
  for (const [width, stride] of [
    [64, 1],
    [128, 2],
    [256, 2],
    [512, 2],
  ] as const) {
    y = basicBlock(b, y, channels, width, stride);
    y = basicBlock(b, y, width, width, 1);
    channels = width;
  }
  return finishModel(b, poolAndClassify(b, y, numClasses));
}
