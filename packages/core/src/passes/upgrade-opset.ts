/**
 * Rewrites a model of an older standard opset (7 or later) to a newer one, up to 13, as ONNX's version
 * converter does: each op whose signature or meaning changed on the way is rewritten to say the same thing
 * in the target opset (attributes that became inputs become constant inputs; Softmax's 2-D view becomes a
 * Flatten -> Softmax -> Reshape when the axis is not the last; Upsample becomes Resize). Ops whose meaning
 * changed in a way no rewrite keeps (Scan before 9, BatchNormalization with spatial=0) are refused.
 * Subgraphs are upgraded with their node.
 */
import { UnsupportedOpsetError } from '../errors.js';
import { a, attr } from '../ir/attributes.js';
import { type Attribute, type Graph, isOnnxDomain, makeNode, type Model, type Node, opsetOf } from '../ir/graph.js';
import { floatToHalf, Tensor, type TensorType } from '../tensor.js';
import { freshName, valueNames } from './graph-queries.js';

/** The newest opset this converter writes, and the oldest it reads. */
export const UPGRADE_TARGET = 13;
export const UPGRADE_SOURCE = 7;

/** What a rewrite may use: new constants, fresh names, the type and rank of a value when known. */
interface Rewriter {
  constant(base: string, tensor: Tensor): string;
  fresh(base: string): string;
  typeOf(value: string): TensorType | undefined;
  rankOf(value: string): number | undefined;
}

/** One change of an op's definition: at opset `at`, nodes written for an older one become `rewrite`'s nodes. */
interface Change {
  at: number;
  rewrite(node: Node, r: Rewriter): Node[];
}

const int64s = (values: readonly number[]) => new Tensor('int64', BigInt64Array.from(values, BigInt), [values.length]);

/** `node` without the named attributes and with `inputs` appended ('' leaves an optional input out). */
function moved(node: Node, dropped: readonly string[], inputs: readonly string[]): Node {
  const attributes = new Map([...node.attributes].filter(([name]) => !dropped.includes(name)));
  const all = [...node.inputs, ...inputs];
  while (all.length > 0 && all[all.length - 1] === '') all.pop();
  return { ...node, inputs: all, attributes };
}

/** The attribute `name` (ints) as an int64 input, '' when absent. */
function intsInput(node: Node, name: string, r: Rewriter): string {
  return attr.has(node, name) ? r.constant(`${node.name}_${name}`, int64s(attr.ints(node, name))) : '';
}

/** The float attribute `name` as a scalar input of the type of `node`'s first input, '' when absent. */
function scalarInput(node: Node, name: string, r: Rewriter): string {
  if (!attr.has(node, name)) return '';
  const type = r.typeOf(node.inputs[0]) ?? 'float32';
  const value = attr.float(node, name);
  return r.constant(`${node.name}_${name}`, new Tensor(type, [type === 'float16' ? floatToHalf(value) : value], []));
}

/** Before 13, Softmax-like ops view the input as 2-D [prod(dims[:axis]), prod(dims[axis:])], axis 1 by default. */
function coercedAxis(node: Node, r: Rewriter): Node[] {
  const axis = attr.int(node, 'axis', 1);
  const rank = r.rankOf(node.inputs[0]);
  const attributes = new Map<string, Attribute>([['axis', a.int(-1)]]);
  if (axis === -1 || (rank !== undefined && axis === rank - 1)) return [{ ...node, attributes }];
  const [x] = node.inputs;
  const [flat, shape, y] = [r.fresh(`${x}_2d`), r.fresh(`${x}_shape`), r.fresh(`${node.outputs[0]}_2d`)];
  return [
    makeNode('Shape', [x], [shape], {}, r.fresh(`${node.name}_shape`)),
    makeNode('Flatten', [x], [flat], { axis: a.int(axis) }, r.fresh(`${node.name}_flatten`)),
    { ...node, inputs: [flat], outputs: [y], attributes },
    makeNode('Reshape', [y, shape], node.outputs, {}, r.fresh(`${node.name}_reshape`)),
  ];
}

const softmaxChange: Change = { at: 13, rewrite: coercedAxis };

/** Per op, the changes between opset 7 and 13 that a model must be rewritten for, oldest first. */
const CHANGES: Readonly<Record<string, readonly Change[]>> = {
  BatchNormalization: [
    {
      at: 9,
      rewrite(node) {
        if (attr.int(node, 'spatial', 1) !== 1)
          throw new UnsupportedOpsetError(
            `BatchNormalization node '${node.name}' has spatial=0, which opset 9 removed`,
            {
              node: node.name,
            },
          );
        return [moved(node, ['spatial'], [])];
      },
    },
  ],
  Scan: [
    {
      at: 9,
      rewrite(node) {
        throw new UnsupportedOpsetError(`Scan node '${node.name}' of opset 8 has a batch axis no later Scan has`, {
          node: node.name,
        });
      },
    },
  ],
  Upsample: [
    {
      at: 9,
      rewrite: (node, r) => {
        const scales = attr.floats(node, 'scales');
        const input = r.constant(`${node.name}_scales`, new Tensor('float32', scales, [scales.length]));
        return [moved(node, ['scales'], [input])];
      },
    },
    // Deprecated at 10 for the Resize of 10, which means the same.
    { at: 10, rewrite: (node) => [{ ...node, opType: 'Resize' }] },
  ],
  Slice: [
    {
      at: 10,
      rewrite: (node, r) => [
        moved(
          node,
          ['starts', 'ends', 'axes'],
          [intsInput(node, 'starts', r), intsInput(node, 'ends', r), intsInput(node, 'axes', r)],
        ),
      ],
    },
  ],
  TopK: [
    {
      at: 10,
      rewrite: (node, r) => [moved(node, ['k'], [r.constant(`${node.name}_k`, int64s([attr.int(node, 'k')]))])],
    },
  ],
  Clip: [
    {
      at: 11,
      rewrite: (node, r) => [moved(node, ['min', 'max'], [scalarInput(node, 'min', r), scalarInput(node, 'max', r)])],
    },
  ],
  Pad: [
    {
      at: 11,
      rewrite: (node, r) => [
        moved(node, ['pads', 'value'], [intsInput(node, 'pads', r), scalarInput(node, 'value', r)]),
      ],
    },
  ],
  Resize: [
    {
      // Opset 10's Resize samples asymmetrically and rounds nearest down; 11 says so explicitly.
      at: 11,
      rewrite(node) {
        const attributes = new Map(node.attributes);
        attributes.set('coordinate_transformation_mode', a.string('asymmetric'));
        if (attr.string(node, 'mode', 'nearest') === 'nearest') attributes.set('nearest_mode', a.string('floor'));
        return [{ ...node, inputs: [node.inputs[0], '', node.inputs[1]], attributes }];
      },
    },
  ],
  Scatter: [{ at: 11, rewrite: (node) => [{ ...node, opType: 'ScatterElements' }] }],
  Dropout: [{ at: 12, rewrite: (node, r) => [moved(node, ['ratio'], [scalarInput(node, 'ratio', r)])] }],
  Squeeze: [{ at: 13, rewrite: (node, r) => [moved(node, ['axes'], [intsInput(node, 'axes', r)])] }],
  Unsqueeze: [{ at: 13, rewrite: (node, r) => [moved(node, ['axes'], [intsInput(node, 'axes', r)])] }],
  ReduceSum: [{ at: 13, rewrite: (node, r) => [moved(node, ['axes'], [intsInput(node, 'axes', r)])] }],
  Split: [{ at: 13, rewrite: (node, r) => [moved(node, ['split'], [intsInput(node, 'split', r)])] }],
  Softmax: [softmaxChange],
  LogSoftmax: [softmaxChange],
  Hardmax: [softmaxChange],
};

/**
 * `model` written in standard opset `target` (at most 13). A model already at or past it is returned as
 * it is; one older than opset 7 is refused, like every op change that cannot be rewritten.
 */
export function upgradeOpset(model: Model, target = UPGRADE_TARGET): Model {
  const from = opsetOf(model);
  if (target > UPGRADE_TARGET) {
    throw new UnsupportedOpsetError(`upgradeOpset writes opsets up to ${UPGRADE_TARGET}, not ${target}`, { target });
  }
  if (from >= target) return model;
  if (from < UPGRADE_SOURCE) {
    throw new UnsupportedOpsetError(`upgradeOpset reads opsets from ${UPGRADE_SOURCE}; this model is opset ${from}`, {
      opset: from,
    });
  }
  const taken = new Set<string>();
  const collect = (g: Graph) => {
    for (const name of valueNames(g)) taken.add(name);
    for (const node of g.nodes) for (const at of node.attributes.values()) if (at.type === 'graph') collect(at.value);
  };
  collect(model.graph);
  const opsets = new Map([...model.opsets].filter(([domain]) => !isOnnxDomain(domain)));
  opsets.set('', target);
  return { ...model, opsets, graph: upgradeGraph(model.graph, from, target, taken) };
}

function upgradeGraph(graph: Graph, from: number, target: number, taken: Set<string>): Graph {
  const initializers = new Map(graph.initializers);
  const types = new Map([...graph.inputs, ...graph.outputs, ...graph.valueInfo.values()].map((v) => [v.name, v]));
  const r: Rewriter = {
    constant(base, tensor) {
      const name = freshName(taken, base);
      initializers.set(name, tensor);
      return name;
    },
    fresh: (base) => freshName(taken, base),
    typeOf: (value) => initializers.get(value)?.type ?? types.get(value)?.type,
    rankOf: (value) => initializers.get(value)?.dims.length ?? types.get(value)?.shape?.length,
  };
  /** `node`, written for opset `version`, in the target opset: each later change applied in turn. */
  const upgrade = (node: Node, version: number): Node[] => {
    const change = isOnnxDomain(node.domain)
      ? CHANGES[node.opType]?.find(({ at }) => at > version && at <= target)
      : undefined;
    return change ? change.rewrite(node, r).flatMap((n) => upgrade(n, change.at)) : [node];
  };
  const nodes = graph.nodes.flatMap((node) => upgrade(withUpgradedBodies(node, from, target, taken), from));
  return { ...graph, nodes, initializers };
}

function withUpgradedBodies(node: Node, from: number, target: number, taken: Set<string>): Node {
  if (![...node.attributes.values()].some((at) => at.type === 'graph')) return node;
  const attributes = new Map(
    [...node.attributes].map(([name, at]): [string, Attribute] => [
      name,
      at.type === 'graph' ? { type: 'graph', value: upgradeGraph(at.value, from, target, taken) } : at,
    ]),
  );
  return { ...node, attributes };
}
