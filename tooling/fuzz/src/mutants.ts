/**
 * Mutants of valid models, each made from a seed: byte-level (flip, truncate, inflate a varint, splice)
 * and structure-aware (an attribute, a dim, an op, a wire or a weight's shape set to an edge value) for
 * ONNX, and line-level edits of a Caffe prototxt with inline weights.
 */
import { type Attribute, type Model, SeededRandom, Tensor, emptyGraph, makeNode } from '@lastmile/core';
import { ModelBuilder } from '@lastmile/models';
import { decodeModel, encodeModel } from '@lastmile/onnx';

/** A small CNN touching the common ops: conv, batch norm, activations, pools, concat, gemm, softmax. */
export function baseCnn(): Uint8Array {
  const b = new ModelBuilder({ opset: 17, seed: 3, name: 'fuzz-cnn' });
  const x = b.input('x', [1, 3, 12, 12]);
  const c1 = b.relu(b.batchNorm(b.conv(x, { outChannels: 4, kernel: 3, pad: 1 })));
  const p = b.maxPool(c1, { kernel: 2 });
  const left = b.conv(p, { outChannels: 4, kernel: 1, bias: true });
  const right = b.hardSwish(b.conv(p, { outChannels: 4, kernel: 3, pad: 1, group: 4 }));
  const cat = b.concat([left, right]);
  const head = b.gemm(b.flatten(b.globalAvgPool(cat)), { outFeatures: 5 });
  b.output(head, 'y');
  return encodeModel(b.build());
}

/** Shape ops and broadcasting: Reshape, Transpose, Slice, Gather, Resize, MatMul, Where. */
export function baseShapes(): Uint8Array {
  const g = emptyGraph('fuzz-shapes');
  g.inputs.push({ name: 'x', type: 'float32', shape: ['n', 4, 6] });
  g.initializers.set(
    'w',
    new Tensor(
      'float32',
      Float32Array.from({ length: 24 }, (_, i) => i / 24 - 0.5),
      [6, 4],
    ),
  );
  g.initializers.set('shape', new Tensor('int64', [0n, -1n], [2]));
  g.initializers.set('starts', new Tensor('int64', [1n], [1]));
  g.initializers.set('ends', new Tensor('int64', [3n], [1]));
  g.initializers.set('axes', new Tensor('int64', [1n], [1]));
  g.initializers.set('idx', new Tensor('int64', [0n, 2n], [2]));
  g.initializers.set('scales', new Tensor('float32', [1, 1, 2, 2], [4]));
  g.nodes.push(
    makeNode('MatMul', ['x', 'w'], ['m']),
    makeNode('Transpose', ['m'], ['t'], { perm: { type: 'ints', value: [0, 2, 1] } }),
    makeNode('Slice', ['t', 'starts', 'ends', 'axes'], ['s']),
    makeNode('Gather', ['s', 'idx'], ['g'], { axis: { type: 'int', value: 2 } }),
    makeNode('Unsqueeze', ['g', 'starts'], ['u']),
    makeNode('Resize', ['u', '', 'scales'], ['r'], { mode: { type: 'string', value: 'nearest' } }),
    makeNode('Reshape', ['r', 'shape'], ['y']),
  );
  g.outputs.push({ name: 'y', type: 'float32' });
  return encodeModel({ irVersion: 8, opsets: new Map([['', 17]]), graph: g, metadata: new Map() });
}

/** One byte-level mutation, as a fuzzer of the file format would make it. */
export function mutateBytes(bytes: Uint8Array, rng: SeededRandom): Uint8Array {
  const out = [...bytes];
  const at = out.length === 0 ? 0 : rng.int(0, out.length - 1);
  switch (rng.int(0, 3)) {
    case 0:
      out[at] ^= rng.int(1, 255);
      break;
    case 1:
      out.length = at;
      break;
    case 2:
      out.splice(at, 1, ...[0xff, 0xff, 0xff, 0xff, 0x0f]);
      break;
    default:
      out.splice(at, 0, ...Array.from({ length: rng.int(1, 8) }, () => rng.int(0, 255)));
  }
  return Uint8Array.from(out);
}

const EDGE_INTS = [0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 11000, 65536];
const pick = <T>(rng: SeededRandom, items: readonly T[]): T => items[rng.int(0, items.length - 1)];

function edgeAttribute(old: Attribute, rng: SeededRandom): Attribute {
  switch (old.type) {
    case 'int':
      return { type: 'int', value: pick(rng, EDGE_INTS) };
    case 'ints':
      return {
        type: 'ints',
        value: old.value.map(() => pick(rng, EDGE_INTS)).slice(0, rng.int(0, old.value.length + 1)),
      };
    case 'float':
      return { type: 'float', value: pick(rng, [Number.NaN, Number.POSITIVE_INFINITY, -0, 1e38, -1]) };
    case 'string':
      return { type: 'string', value: pick(rng, ['', 'bogus', 'linear', 'cubic', 'NOTSET']) };
    default:
      return old;
  }
}

/** One structure-aware mutation of an ONNX model: the file stays well-formed, the graph does not. */
export function mutateGraph(bytes: Uint8Array, rng: SeededRandom): Uint8Array {
  const model: Model = decodeModel(bytes);
  const g = model.graph;
  const node = pick(rng, g.nodes);
  const values = [...g.inputs.map((v) => v.name), ...g.nodes.flatMap((n) => n.outputs), ...g.initializers.keys()];
  switch (rng.int(0, 5)) {
    case 0: {
      const names = [...node.attributes.keys()];
      if (names.length > 0) {
        const name = pick(rng, names);
        node.attributes.set(name, edgeAttribute(node.attributes.get(name)!, rng));
      }
      break;
    }
    case 1: {
      const input = pick(rng, g.inputs);
      input.shape = input.shape?.map((d) => (rng.next() < 0.5 ? pick(rng, [0, 1, 2 ** 20, 'sym']) : d));
      break;
    }
    case 2:
      node.opType = pick(rng, ['Conv', 'Relu', 'Concat', 'Gemm', 'Reshape', 'Softmax', 'Resize', 'Bogus', 'Loop']);
      break;
    case 3:
      if (node.inputs.length > 0)
        node.inputs[rng.int(0, node.inputs.length - 1)] = pick(rng, [...values, 'nowhere', '']);
      break;
    case 4: {
      const names = [...g.initializers.keys()];
      if (names.length > 0) {
        const name = pick(rng, names);
        const t = g.initializers.get(name)!;
        const dims = t.dims.map((d) => (rng.next() < 0.5 ? d : pick(rng, [1, 0, d + 1])));
        const size = dims.reduce((p, d) => p * d, 1);
        g.initializers.set(name, new Tensor(t.type, t.data.slice(0, size) as never, size <= t.size ? dims : t.dims));
      }
      break;
    }
    default:
      node.outputs = node.outputs.length > 1 ? node.outputs.slice(1) : [pick(rng, [...values, 'fresh'])];
  }
  return encodeModel(model);
}

/** A Caffe net with its weights inline: conv, ReLU, pooling, LRN, inner product, softmax. */
export function baseCaffe(): string {
  const rng = new SeededRandom(9);
  const blob = (dims: number[]) =>
    `blobs { shape { ${dims.map((d) => `dim: ${d}`).join(' ')} } ${Array.from({ length: dims.reduce((p, d) => p * d, 1) }, () => `data: ${rng.uniform(-1, 1).toFixed(3)}`).join(' ')} }`;
  return [
    'name: "fuzz"',
    'layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 dim: 8 dim: 8 } } }',
    `layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 3 kernel_size: 3 pad: 1 } ${blob([3, 2, 3, 3])} ${blob([3])} }`,
    'layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }',
    'layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }',
    'layer { name: "norm" type: "LRN" bottom: "pool" top: "norm" lrn_param { local_size: 3 alpha: 0.0001 beta: 0.75 } }',
    `layer { name: "fc" type: "InnerProduct" bottom: "norm" top: "fc" inner_product_param { num_output: 4 } ${blob([4, 48])} ${blob([4])} }`,
    'layer { name: "prob" type: "Softmax" bottom: "fc" top: "prob" }',
  ].join('\n');
}

/** One edit of a prototxt: a number set to an edge value, a line dropped or repeated, a token swapped. */
export function mutatePrototxt(text: string, rng: SeededRandom): string {
  const lines = text.split('\n');
  const at = rng.int(0, lines.length - 1);
  switch (rng.int(0, 3)) {
    case 0: {
      const numbers = [...lines[at].matchAll(/-?\d+(\.\d+)?/g)];
      if (numbers.length > 0) {
        const m = pick(rng, numbers);
        const value = pick(rng, ['0', '-1', '2147483647', '99999999999', '1e39', 'nan', '11000']);
        lines[at] = lines[at].slice(0, m.index) + value + lines[at].slice((m.index ?? 0) + m[0].length);
      }
      break;
    }
    case 1:
      lines.splice(at, 1);
      break;
    case 2:
      lines.splice(at, 0, lines[at]);
      break;
    default: {
      const tokens = ['top', 'bottom', 'type', '{', '}', '"', 'MAX', 'name'];
      const token = pick(rng, tokens);
      lines[at] = lines[at].replace(token, pick(rng, tokens));
    }
  }
  return lines.join('\n');
}
