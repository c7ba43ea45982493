/**
 * Shared test fixtures: a small conv net that splits across the test device and a CPU backend, and CPU
 * backends built from the plain interpreter (float32, or one that computes and declares float16).
 */
import {
  SeededRandom,
  decodeModel,
  encodeModel,
  Session,
  Tensor,
  a,
  emptyGraph,
  evaluateGraph,
  findOp,
  floatToHalf,
  halfToFloat,
  makeNode,
  type Backend,
  type Dim,
  type Executable,
  type Model,
  type ValueInfo,
} from '@lastmile/core';

/**
 * x -> Conv -> Relu (r1) -> Sigmoid (s) -> Conv -> Add(+r1) -> MaxPool (y) -> Sigmoid (z).
 * On the test device (Conv, Relu, Add, MaxPool) with a CPU fallback and `minPartitionNodes: 1` this makes
 * four partitions, and the third reads r1 from the first across the second.
 */
export function convNet(inputShape: Dim[] = [1, 2, 8, 8]): Model {
  const rng = new SeededRandom(7);
  const g = emptyGraph('conv-net');
  g.inputs.push({ name: 'x', type: 'float32', shape: inputShape });
  g.outputs.push({ name: 'y', type: 'float32' }, { name: 'z', type: 'float32' });
  g.initializers.set('w1', rng.floatTensor([4, 2, 3, 3], -0.5, 0.5));
  g.initializers.set('b1', rng.floatTensor([4], -0.1, 0.1));
  g.initializers.set('w2', rng.floatTensor([4, 4, 3, 3], -0.5, 0.5));
  const same = { kernel_shape: a.ints([3, 3]), pads: a.ints([1, 1, 1, 1]) };
  g.nodes.push(
    makeNode('Conv', ['x', 'w1', 'b1'], ['c1'], same, 'conv1'),
    makeNode('Relu', ['c1'], ['r1'], {}, 'relu1'),
    makeNode('Sigmoid', ['r1'], ['s'], {}, 'sigmoid1'),
    makeNode('Conv', ['s', 'w2'], ['c2'], same, 'conv2'),
    makeNode('Add', ['c2', 'r1'], ['sum'], {}, 'add'),
    makeNode('MaxPool', ['sum'], ['y'], { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]) }, 'pool'),
    makeNode('Sigmoid', ['y'], ['z'], {}, 'sigmoid2'),
  );
  return { irVersion: 8, opsets: new Map([['', 13]]), graph: g, metadata: new Map() };
}

/** A random input for {@link convNet}. */
export function convInput(seed: number, dims: readonly number[] = [1, 2, 8, 8]): Tensor {
  return new SeededRandom(seed).floatTensor(dims, -1, 1);
}

function toHalf(t: Tensor): Tensor {
  return new Tensor(
    'float16',
    Uint16Array.from(t.data as Float32Array, (v) => floatToHalf(v)),
    t.dims,
  );
}

function fromHalf(t: Tensor): Tensor {
  return new Tensor(
    'float32',
    Float32Array.from(t.data as Uint16Array, (h) => halfToFloat(h)),
    t.dims,
  );
}

const asHalf = (infos: readonly ValueInfo[]): ValueInfo[] =>
  infos.map((v) => ({ ...v, type: v.type === 'float32' ? 'float16' : v.type }));

/**
 * A CPU backend over the plain interpreter. With `fp16`, its executables declare float16 inputs and
 * outputs (as a half-precision device does) and expect the session to convert at the boundary.
 */
export function cpuBackend(options: { name?: string; fp16?: boolean; disposed?: { count: number } } = {}): Backend {
  const name = options.name ?? 'test-cpu';
  return {
    apiVersion: 2,
    version: '1.0.0',
    name,
    probe: () => ({ available: true, kind: 'software', device: 'plain interpreter' }),
    supports: (node) =>
      findOp(node.domain, node.opType)
        ? { supported: true }
        : { supported: false, reason: `no kernel for ${node.opType}` },
    compile: async (partition) => interpreterExecutable(partition.model, name, options),
    load: async (artifact) => interpreterExecutable(decodeModel(artifact.bytes), name, options),
  };
}

/** Runs `model` with core's interpreter; its artifact is the model image. */
function interpreterExecutable(
  model: Model,
  name: string,
  options: { fp16?: boolean; disposed?: { count: number } },
): Executable {
  const fp16 = options.fp16 === true;
  let live = true;
  return {
    inputs: fp16 ? asHalf(model.graph.inputs) : model.graph.inputs,
    outputs: fp16 ? asHalf(model.graph.outputs) : model.graph.outputs,
    async run(inputs) {
      if (!live) throw new Error(`${name}: run after dispose`);
      if (!fp16) return evaluateGraph(model, { ...inputs });
      for (const t of Object.values(inputs))
        if (t.type !== 'float16') throw new Error(`${name}: expected float16 inputs, got ${t.type}`);
      const feeds = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, fromHalf(t)]));
      const out = evaluateGraph(model, feeds);
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, toHalf(t)]));
    },
    serialize: () => ({ target: 'plain interpreter', bytes: encodeModel(model) }),
    dispose() {
      if (live && options.disposed) options.disposed.count++;
      live = false;
    },
  };
}

/** Liveness probe run after hostile cases: a known-good model still gives the right answer. */
export async function expectAlive(): Promise<void> {
  const model = convNet();
  const x = convInput(99);
  const session = await Session.init(model, { backends: [cpuBackend()] });
  try {
    const out = await session.run({ x });
    const want = evaluateGraph(model, { x });
    if (!sameValues(out.z, want.z)) throw new Error('liveness probe: wrong output after a hostile case');
  } finally {
    await session.destroy();
  }
}

/** Exact equality of two tensors' type, dims and data. */
export function sameValues(x: Tensor, y: Tensor): boolean {
  return (
    x.type === y.type &&
    x.dims.join() === y.dims.join() &&
    x.data.length === y.data.length &&
    x.data.every((v, i) => Object.is(v, y.data[i]))
  );
}
