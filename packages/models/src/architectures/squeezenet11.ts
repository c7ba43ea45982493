/**
 * SqueezeNet 1.1 as torchvision's squeezenet1_1: 1.24M parameters, ~350M MACs at 224x224. No
 * BatchNormalization; every conv has a bias, and the classifier is a 1x1 conv, ReLU and global pool.
 */
import type { Model } from '@lastmile/core';
import type { ModelBuilder } from '../builder.js';
import { finishModel, startModel, type ArchitectureOptions } from './common.js';

function fire(b: ModelBuilder, x: string, squeeze: number, expand1x1: number, expand3x3: number): string {
  const s = b.relu(b.conv(x, { outChannels: squeeze, kernel: 1, bias: true }));
  const e1 = b.relu(b.conv(s, { outChannels: expand1x1, kernel: 1, bias: true }));
  const e3 = b.relu(b.conv(s, { outChannels: expand3x3, kernel: 3, pad: 1, bias: true }));
  return b.concat([e1, e3], 1);
}

/** SqueezeNet 1.1 with seeded random weights; NCHW float32 input 'input', logits 'output'. */
export function squeezenet11(options: ArchitectureOptions = {}): Model {
  const { b, x, numClasses } = startModel('squeezenet1_1', options);
  const pool = (v: string) => b.maxPool(v, { kernel: 3, stride: 2, ceilMode: true });
  let y = b.relu(b.conv(x, { outChannels: 64, kernel: 3, stride: 2, bias: true }));
  y = pool(y);
  y = fire(b, fire(b, y, 16, 64, 64), 16, 64, 64);
  y = pool(y);
  y = fire(b, fire(b, y, 32, 128, 128), 32, 128, 128);
  y = pool(y);
  y = fire(b, fire(b, y, 48, 192, 192), 48, 192, 192);
  y = fire(b, fire(b, y, 64, 256, 256), 64, 256, 256);
  y = b.relu(b.conv(y, { outChannels: numClasses, kernel: 1, bias: true }));
  return finishModel(b, b.flatten(b.globalAvgPool(y)));
}
