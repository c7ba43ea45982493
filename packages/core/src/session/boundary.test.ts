/**
 * Boundary conversion: values pass as they are where both sides agree, and convert with QuantizeLinear's
 * and DequantizeLinear's exact arithmetic where they do not; a device codec is never converted.
 */
import { describe, expect, it } from 'vitest';
import { BackendError } from '../errors.js';
import { evaluateGraph } from '../ir/interpret.js';
import { makeNode, type Quantization } from '../ir/graph.js';
import { Tensor } from '../tensor.js';
import { convertAtBoundary, quantizationOf } from './boundary.js';

const x = new Tensor('float32', [-1.5, -0.01, 0, 0.37, 2.5, 900, Number.NaN, -900], [8]);
const u8: Quantization = { scale: [0.02], zeroPoint: [128] };
const i8: Quantization = { scale: [0.03], zeroPoint: [-3] };

/** What QuantizeLinear (opset 13) gives for `t` with `q`, run as a one-node graph. */
function quantizeLinear(t: Tensor, q: Quantization, type: 'int8' | 'uint8'): Tensor {
  const model = {
    irVersion: 8,
    opsets: new Map([['', 13]]),
    metadata: new Map(),
    graph: {
      name: 'q',
      nodes: [makeNode('QuantizeLinear', ['x', 's', 'z'], ['y'])],
      inputs: [{ name: 'x', type: 'float32' as const, shape: [...t.dims] }],
      outputs: [{ name: 'y', type }],
      initializers: new Map<string, Tensor>([
        ['s', new Tensor('float32', q.scale, [])],
        ['z', new Tensor(type, q.zeroPoint, [])],
      ]),
      valueInfo: new Map(),
    },
  };
  return evaluateGraph(model, { x: t }).y;
}

describe('convertAtBoundary', () => {
  it('passes a value unchanged where type and quantization agree', () => {
    expect(convertAtBoundary(x, undefined, { type: 'float32' }, 'x', 'test')).toBe(x);
    const q = convertAtBoundary(x, undefined, { type: 'uint8', quant: u8 }, 'x', 'test');
    expect(convertAtBoundary(q, u8, { type: 'uint8', quant: { ...u8 } }, 'x', 'test')).toBe(q);
  });

  it("quantizes floats exactly as QuantizeLinear does, and notes the result's quantization", () => {
    const q = convertAtBoundary(x, undefined, { type: 'uint8', quant: u8 }, 'x', 'test');
    expect([...q.data]).toEqual([...quantizeLinear(x, u8, 'uint8').data]);
    expect(quantizationOf(q)).toEqual(u8);
  });

  it('dequantizes, and requantizes through float32, from one quantization to another', () => {
    const q = convertAtBoundary(x, undefined, { type: 'uint8', quant: u8 }, 'x', 'test');
    const real = convertAtBoundary(q, u8, { type: 'float32' }, 'x', 'test');
    expect([...real.data]).toEqual([...q.data].map((v) => Math.fround((Number(v) - 128) * Math.fround(0.02))));
    const moved = convertAtBoundary(q, u8, { type: 'int8', quant: i8 }, 'x', 'test');
    expect([...moved.data]).toEqual([...quantizeLinear(real, i8, 'int8').data]);
    const half = convertAtBoundary(q, u8, { type: 'float16' }, 'x', 'test');
    expect(half.type).toBe('float16');
  });

  it('refuses a device codec, integers without quantization and other types, naming value and reader', () => {
    const log: Quantization = { scale: [1], zeroPoint: [0], codec: 'nnie-log' };
    const q = new Tensor('int8', [1, 2], [2]);
    expect(() => convertAtBoundary(q, log, { type: 'float32' }, 'v', "backend 'npu'")).toThrow(
      /value 'v' is int8 \(nnie-log\) but backend 'npu' takes float32: a device codec/,
    );
    expect(() => convertAtBoundary(q, undefined, { type: 'float32' }, 'v', 'test')).toThrow(BackendError);
    const ids = new Tensor('int64', [1n], [1]);
    expect(() => convertAtBoundary(ids, undefined, { type: 'int32' }, 'ids', 'test')).toThrow(/only float32, float16/);
  });
});
