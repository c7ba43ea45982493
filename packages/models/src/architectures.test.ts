import { SeededRandom, type Model } from '@lastmile/core';
import { encodeModel } from '@lastmile/onnx';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  ARCHITECTURES,
  INPUT_NAME,
  OUTPUT_NAME,
  buildModel,
  buildModelBytes,
  isArchitectureName,
  macs,
  parameterCount,
  type ArchitectureName,
} from './index.js';

/** torchvision's parameter counts and MACs at 224x224 (its "GFLOPS" column counts multiply-accumulates). */
const TORCHVISION: Record<ArchitectureName, { params: number; macs: number }> = {
  mobilenetV2: { params: 3_504_872, macs: 300e6 },
  resnet18: { params: 11_689_512, macs: 1.82e9 },
  squeezenet11: { params: 1_235_496, macs: 350e6 },
  mobilenetV3Small: { params: 2_542_856, macs: 57e6 },
  shuffleNetV2x05: { params: 1_366_792, macs: 41e6 },
};

function normalInput(dims: number[], seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: dims.reduce((p, q) => p * q, 1) }, () => random.normal());
}

async function run(bytes: Uint8Array, input: Float32Array, dims: number[]): Promise<Record<string, OrtTensor>> {
  const session = await InferenceSession.create(bytes);
  try {
    return await session.run({ [INPUT_NAME]: new OrtTensor('float32', input, dims) });
  } finally {
    await session.release();
  }
}

function rms(data: Float32Array): number {
  let square = 0;
  for (const v of data) square += v * v;
  return Math.sqrt(square / data.length);
}

function std(data: Float32Array): number {
  let sum = 0;
  for (const v of data) sum += v;
  const mean = sum / data.length;
  let square = 0;
  for (const v of data) square += (v - mean) ** 2;
  return Math.sqrt(square / data.length);
}

/** The model with every intermediate value also listed as a graph output, so onnxruntime returns it. */
function exposingEveryValue(model: Model): Model {
  return { ...model, graph: { ...model.graph, outputs: [...model.graph.outputs, ...model.graph.valueInfo.values()] } };
}

describe.each(Object.keys(TORCHVISION) as ArchitectureName[])('%s', (name) => {
  const model = buildModel(name);

  it("has torchvision's parameter count, and MACs within 3% of its figure", () => {
    expect(parameterCount(model)).toBe(TORCHVISION[name].params);
    expect(Math.abs(macs(model) / TORCHVISION[name].macs - 1)).toBeLessThan(0.03);
  });

  it('runs in onnxruntime: 1000 finite logits with a sane spread, every value O(1) and of its declared shape', async () => {
    const dims = [1, 3, 224, 224];
    const outputs = await run(encodeModel(exposingEveryValue(model)), normalInput(dims, 1), dims);
    const logits = outputs[OUTPUT_NAME];
    expect(logits.dims).toEqual([1, 1000]);
    const data = logits.data as Float32Array;
    expect(data.every(Number.isFinite)).toBe(true);
    expect(std(data)).toBeGreaterThan(1e-3);
    expect(std(data)).toBeLessThan(1e3);
    for (const info of model.graph.valueInfo.values()) {
      expect([info.name, ...outputs[info.name].dims]).toEqual([info.name, ...(info.shape ?? [])]);
      const r = rms(outputs[info.name].data as Float32Array);
      // Neither exploding nor vanishing through the depth of the net.
      expect(r, info.name).toBeGreaterThan(0.05);
      expect(r, info.name).toBeLessThan(10);
    }
  });

  it('takes batch, resolution and class count as options, with the same weights for the same seed', async () => {
    const small = { resolution: [96, 128] as const, numClasses: 10 };
    const dims = [2, 3, 96, 128];
    const input = normalInput(dims, 2);
    const [pair, single] = await Promise.all([
      run(buildModelBytes(name, { ...small, batch: 2 }), input, dims),
      run(buildModelBytes(name, small), input.subarray(0, input.length / 2), [1, ...dims.slice(1)]),
    ]);
    expect(pair[OUTPUT_NAME].dims).toEqual([2, 10]);
    const first = (pair[OUTPUT_NAME].data as Float32Array).subarray(0, 10);
    const alone = single[OUTPUT_NAME].data as Float32Array;
    first.forEach((v, i) => expect(v).toBeCloseTo(alone[i], 4));
  });
});

describe('buildModel', () => {
  it('is deterministic in the seed', () => {
    // Buffer.equals: a deep equality over megabytes is far slower.
    const bytes = (seed?: number) => Buffer.from(buildModelBytes('shuffleNetV2x05', { resolution: 64, seed }));
    expect(bytes().equals(bytes())).toBe(true);
    expect(bytes().equals(bytes(1))).toBe(false);
  });

  it('names every architecture and refuses unknown names and options', () => {
    expect(Object.keys(ARCHITECTURES).every(isArchitectureName)).toBe(true);
    expect(isArchitectureName('toString')).toBe(false);
    expect(() => buildModel('vgg16' as ArchitectureName)).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
    expect(() => buildModel('resnet18', { batch: 0 })).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
    expect(() => buildModel('resnet18', { resolution: [224, 1.5] })).toThrow(
      expect.objectContaining({ code: 'LM_INPUT' }),
    );
  });

  it('refuses a resolution too small for the network with a ShapeError', () => {
    expect(() => buildModel('squeezenet11', { resolution: 8 })).toThrow(expect.objectContaining({ code: 'LM_SHAPE' }));
  });
});
