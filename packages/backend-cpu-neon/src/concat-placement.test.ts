/**
 * Concat without copies: convolutions whose only reader is a channel Concat write straight into its
 * output (the Concat then runs nothing, or copies only the other parts), with results equal to the
 * reference's at 1 and 2 threads and with the arm64 tile.
 */
import { a, makeNode, type Node, type Tensor } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { expectMatchesReference, type GraphCase, rng } from './harness.js';

const conv = (x: string, w: string, y: string, k: number, extra: Record<string, ReturnType<typeof a.int>> = {}): Node =>
  makeNode(
    'Conv',
    [x, w, `${w}_b`],
    [y],
    { kernel_shape: a.ints([k, k]), pads: a.ints(Array(4).fill(k >> 1)), ...extra },
    `conv_${y}`,
  );

/** Weights and bias of a k x k convolution from c to m channels, under `w` and `w_b`. */
function weights(seed: number, w: string, c: number, m: number, k: number): Record<string, Tensor> {
  const r = rng(seed);
  return { [w]: r.floatTensor([m, c, k, k], -0.5, 0.5), [`${w}_b`]: r.floatTensor([m]) };
}

/** SqueezeNet's fire module: a 1x1 squeeze, then 1x1 and 3x3 (Winograd) expands concatenated. */
function fire(h: number, w: number, c: number, squeeze: number, expand: number): GraphCase {
  return {
    inputs: { x: rng(1).floatTensor([1, c, h, w]) },
    constants: {
      ...weights(2, 'ws', c, squeeze, 1),
      ...weights(3, 'we1', squeeze, expand, 1),
      ...weights(4, 'we3', squeeze, expand, 3),
    },
    nodes: [
      conv('x', 'ws', 's', 1),
      makeNode('Relu', ['s'], ['sr'], {}, 'relu_s'),
      conv('sr', 'we1', 'e1', 1),
      makeNode('Relu', ['e1'], ['e1r'], {}, 'relu_e1'),
      conv('sr', 'we3', 'e3', 3),
      makeNode('Relu', ['e3'], ['e3r'], {}, 'relu_e3'),
      makeNode('Concat', ['e1r', 'e3r'], ['y'], { axis: a.int(1) }, 'concat'),
    ],
    outputs: ['y'],
  };
}

describe('Concat parts written in place', () => {
  for (const [h, w, c, s, e] of [
    [13, 11, 24, 8, 20],
    [9, 9, 16, 12, 32],
  ]) {
    it(`fire module at ${h}x${w}, ${c} -> ${s} -> 2x${e} channels: the Concat runs nothing`, async () => {
      for (const arch of [undefined, 'arm64']) {
        const steps = await expectMatchesReference(fire(h, w, c, s, e), { arch, rtol: 1e-3, atol: 1e-4 });
        expect(steps).toEqual(['Conv:wasm', 'Conv:wasm', 'WinogradConv:wasm', 'Concat:alias']);
      }
    });
  }

  it('copies only the parts it could not place: a pooled part, a part read twice, a residual conv, a repeated part', async () => {
    const r = rng(9);
    const c: GraphCase = {
      inputs: { x: r.floatTensor([2, 12, 7, 6]) },
      constants: { ...weights(5, 'wa', 12, 12, 1), ...weights(6, 'wb', 12, 9, 3), ...weights(7, 'wc', 12, 12, 1) },
      nodes: [
        conv('x', 'wa', 'a', 1),
        conv('x', 'wb', 'b', 3),
        makeNode('MaxPool', ['x'], ['p'], { kernel_shape: a.ints([3, 3]), pads: a.ints([1, 1, 1, 1]) }, 'pool'),
        conv('x', 'wc', 'c', 1),
        makeNode('Add', ['c', 'x'], ['cr'], {}, 'residual'),
        conv('x', 'wa', 'twice', 1),
        makeNode('Sigmoid', ['twice'], ['other'], {}, 'other_reader'),
        makeNode('Concat', ['a', 'p', 'b', 'cr', 'twice', 'a2'], ['y'], { axis: a.int(1) }, 'concat'),
        conv('x', 'wa', 'a2', 1),
      ],
      outputs: ['y', 'other'],
    };
    // Concat reads a2 before it is written: sort into a valid order first.
    c.nodes = [...c.nodes.slice(0, 7), c.nodes[8], c.nodes[7]];
    const steps = await expectMatchesReference(c, { rtol: 1e-3, atol: 1e-4 });
    expect(steps.at(-1)).toBe('Concat:wasm');
  });

  it('does not place parts of a Concat along another axis, or parts that are graph outputs', async () => {
    const base = fire(8, 10, 16, 8, 16);
    const alongHeight = {
      ...base,
      nodes: base.nodes.map((n) => (n.opType === 'Concat' ? { ...n, attributes: new Map([['axis', a.int(2)]]) } : n)),
    };
    expect((await expectMatchesReference(alongHeight, { rtol: 1e-3, atol: 1e-4 })).at(-1)).toBe('Concat:wasm');
    const partIsOutput = { ...base, outputs: ['y', 'e3r'] };
    expect((await expectMatchesReference(partIsOutput, { rtol: 1e-3, atol: 1e-4 })).at(-1)).toBe('Concat:wasm');
  });
});
