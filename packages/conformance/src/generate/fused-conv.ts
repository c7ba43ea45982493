/**
 * Cases for lastmile.FusedConv, which onnxruntime does not know: the backend runs the fused node, the
 * expected outputs come from onnxruntime running the Conv and the activation as two nodes.
 */
import { a, type Attribute, emptyGraph, LASTMILE_DOMAIN, makeNode, type Model, type Tensor } from '@lastmile/core';
import { CaseValues, f32, seedOf } from './values.js';

/** A model pair: what the backend runs, and the equivalent model onnxruntime runs. */
export interface FusedConvCase {
  tag: string;
  fused: Model;
  unfused: Model;
  input: Tensor;
}

const ACTIVATIONS: [string, number[], Record<string, Attribute>][] = [
  ['Relu', [], {}],
  ['LeakyRelu', [0.2], { alpha: a.float(0.2) }],
  ['Clip', [-0.5, 0.5], {}],
  ['Sigmoid', [], {}],
  ['HardSigmoid', [0.3, 0.4], { alpha: a.float(0.3), beta: a.float(0.4) }],
  ['HardSwish', [], {}],
  ['Tanh', [], {}],
];

function model(build: (g: ReturnType<typeof emptyGraph>) => void, opsets: [string, number][]): Model {
  const graph = emptyGraph('fused_conv_case');
  build(graph);
  return { irVersion: 8, opsets: new Map(opsets), graph, metadata: new Map(), producerName: 'lastmile-conformance' };
}

/** One case per activation FusedConv can carry. */
export function fusedConvCases(): FusedConvCase[] {
  const v = new CaseValues(seedOf('lastmile.FusedConv'));
  const convAttrs = { group: a.int(2), strides: a.ints([2, 1]), pads: a.ints([1, 1, 1, 1]) };
  return ACTIVATIONS.map(([activation, params, attrs]) => {
    const x = v.floats([1, 4, 6, 6]);
    const w = v.floats([4, 2, 3, 3]);
    const b = v.floats([4]);
    const io = (g: ReturnType<typeof emptyGraph>) => {
      g.inputs.push({ name: 'x', type: 'float32', shape: [1, 4, 6, 6] });
      g.outputs.push({ name: 'y', type: 'float32', shape: [1, 4, 3, 6] });
      g.initializers.set('w', w);
      g.initializers.set('b', b);
    };
    const fused = model(
      (g) => {
        io(g);
        g.nodes.push(
          makeNode(
            'FusedConv',
            ['x', 'w', 'b'],
            ['y'],
            { ...convAttrs, activation: a.string(activation), activation_params: a.floats(params) },
            'fused',
            LASTMILE_DOMAIN,
          ),
        );
      },
      [
        ['', 17],
        [LASTMILE_DOMAIN, 1],
      ],
    );
    const unfused = model(
      (g) => {
        io(g);
        g.nodes.push(makeNode('Conv', ['x', 'w', 'b'], ['conv'], convAttrs, 'conv'));
        const bounds = activation === 'Clip' ? ['lo', 'hi'] : [];
        if (activation === 'Clip') {
          g.initializers.set('lo', f32([params[0]], []));
          g.initializers.set('hi', f32([params[1]], []));
        }
        g.nodes.push(makeNode(activation, ['conv', ...bounds], ['y'], attrs, 'activation'));
      },
      [['', 17]],
    );
    return { tag: activation, fused, unfused, input: x };
  });
}
