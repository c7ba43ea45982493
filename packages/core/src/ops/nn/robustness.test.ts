/**
 * Hostile attributes and shapes: every nn op either answers or throws a lastmile error (never a
 * RangeError / TypeError), and never allocates past the kernel limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLastmileError } from '../../errors.js';
import { a } from '../../ir/attributes.js';
import type { Attribute } from '../../ir/graph.js';
import { Tensor } from '../../tensor.js';
import type { OpDef } from '../op.js';
import { nnOps } from './index.js';
import { runOp } from './testing.js';

const EDGE = [-1, 0, 1, 2, 3, 2 ** 31, 2 ** 32, 2 ** 53 + 1];
const edgeInt = fc.constantFrom(...EDGE);
const smallDims = (rank: number) => fc.array(fc.integer({ min: 0, max: 4 }), { minLength: rank, maxLength: rank });

function answersOrThrowsTyped(op: OpDef, inputs: Tensor[], attributes: Record<string, Attribute>, opset: number): void {
  try {
    runOp(op, inputs, attributes, opset);
  } catch (e) {
    if (!isLastmileError(e)) throw e;
  }
}

const byName = (name: string) => nnOps.find((o) => o.opType === name)!;

describe('nn ops on hostile inputs', () => {
  it('windowed ops: edge-valued strides, pads, dilations, groups and kernel shapes', () => {
    const ops = ['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool'].map(byName);
    fc.assert(
      fc.property(
        fc.constantFrom(...ops),
        fc.integer({ min: 1, max: 3 }).chain((r) => fc.tuple(fc.constant(r), smallDims(r + 2), smallDims(r + 2))),
        fc.record(
          {
            strides: edgeInt,
            pads: edgeInt,
            dilations: edgeInt,
            group: edgeInt,
            kernel: edgeInt,
            ceil: fc.constantFrom(0, 1, 2),
            outPad: edgeInt,
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom(7, 11, 19),
        (op, [rank, xDims, wDims], attrs, opset) => {
          const attributes: Record<string, Attribute> = {};
          const fill = (v: number, n = rank) => new Array<number>(n).fill(v);
          if (attrs.strides !== undefined) attributes.strides = a.ints(fill(attrs.strides));
          if (attrs.pads !== undefined) attributes.pads = a.ints(fill(attrs.pads, 2 * rank));
          if (attrs.dilations !== undefined) attributes.dilations = a.ints(fill(attrs.dilations));
          if (attrs.group !== undefined) attributes.group = a.int(attrs.group);
          if (attrs.kernel !== undefined || op.opType.endsWith('Pool'))
            attributes.kernel_shape = a.ints(fill(attrs.kernel ?? 2));
          if (attrs.ceil !== undefined) attributes.ceil_mode = a.int(attrs.ceil);
          if (attrs.outPad !== undefined) attributes.output_padding = a.ints(fill(attrs.outPad));
          const inputs = [Tensor.zeros('float32', xDims), Tensor.zeros('float32', wDims)];
          answersOrThrowsTyped(op, op.opType.endsWith('Pool') ? inputs.slice(0, 1) : inputs, attributes, opset);
        },
      ),
      { seed: 20240612, numRuns: 600 },
    );
  });
  it('every op with random ranks, types and input counts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...nnOps),
        fc.array(
          fc.tuple(
            fc.constantFrom('float32', 'int32', 'int64', 'float16', 'bool') as fc.Arbitrary<Tensor['type']>,
            fc.integer({ min: 0, max: 4 }).chain(smallDims),
          ),
          { maxLength: 6 },
        ),
        fc.constantFrom(7, 11, 13, 18, 21),
        fc.record(
          { axis: edgeInt, axes: edgeInt, keepdims: edgeInt, transA: edgeInt, size: edgeInt },
          { requiredKeys: [] },
        ),
        (op, specs, opset, attrs) => {
          const inputs = specs.map(([type, dims]) => Tensor.zeros(type, dims));
          const attributes: Record<string, Attribute> = { activation: a.string('Relu') };
          for (const [k, v] of Object.entries(attrs)) attributes[k] = k === 'axes' ? a.ints([v]) : a.int(v);
          answersOrThrowsTyped(op, inputs, attributes, op.domain === 'lastmile' ? 1 : opset);
        },
      ),
      { seed: 20240613, numRuns: 2000 },
    );
    expect(nnOps.length).toBe(47);
  });
});
