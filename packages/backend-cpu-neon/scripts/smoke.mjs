// Smoke test of the built package (dist/) on whatever Node runs it: a few kernels and MobileNetV2 at a
// small resolution against core's reference interpreter, at 1 and 2 threads. scripts/arm64.sh runs it on
// an aarch64 Node under qemu-user (V8 then emits NEON); on an ARM board run `node scripts/smoke.mjs`.
// Plain JavaScript so that no build step or TypeScript loader is needed on the target.
import { arch } from 'node:os';
import { a, emptyGraph, evaluateGraph, inferShapes, makeNode, SeededRandom, Session, Tensor } from '@lastmile/core';
import { buildModel, buildModelBytes } from '@lastmile/models';
import { backend } from '../dist/index.js';

const started = performance.now();
const probe = await backend.probe();
console.log(`node ${process.version} on ${arch()}: ${probe.device}`);

let failures = 0;
function compare(label, ours, expected, rtol, atol) {
  let worst = 0;
  for (let i = 0; i < expected.size; i++) {
    const [x, y] = [ours.data[i], expected.data[i]];
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= 0) && !(Number.isNaN(x) && Number.isNaN(y))) worst = Math.max(worst, Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess);
  }
  const ok = worst === 0 && ours.dims.join() === expected.dims.join();
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${ok ? '' : ` (worst excess ${worst})`}`);
}

function model(inputs, constants, nodes) {
  const graph = emptyGraph('smoke');
  for (const [name, t] of Object.entries(inputs)) graph.inputs.push({ name, type: 'float32', shape: [...t.dims] });
  for (const [name, t] of Object.entries(constants)) graph.initializers.set(name, t);
  graph.nodes.push(...nodes);
  graph.outputs = [{ name: 'y', type: 'float32' }];
  const shapes = Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, [...t.dims]]));
  return inferShapes({ irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() }, { inputShapes: shapes });
}

const r = new SeededRandom(11);
const pool1 = makeNode('MaxPool', ['x'], ['p'], { kernel_shape: a.ints([1, 1]) }, 'nhwc');
const kernels = [
  ['conv 3x3 + residual + Relu (igemm)', { x: r.floatTensor([1, 8, 9, 7]) }, { W: r.floatTensor([8, 8, 3, 3]), B: r.floatTensor([8]) }, [
    makeNode('Conv', ['x', 'W', 'B'], ['c'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
    makeNode('Add', ['c', 'x'], ['s'], {}, 'add'),
    makeNode('Relu', ['s'], ['y'], {}, 'relu'),
  ]],
  ['depthwise 3x3 stride 2 + HardSwish', { x: r.floatTensor([1, 12, 9, 9]) }, { W: r.floatTensor([12, 1, 3, 3]) }, [
    makeNode('Conv', ['x', 'W'], ['c'], { pads: a.ints([1, 1, 1, 1]), strides: a.ints([2, 2]), group: a.int(12) }, 'dw'),
    makeNode('HardSwish', ['c'], ['y'], {}, 'hswish'),
  ]],
  ['average pool + Sigmoid', { x: r.floatTensor([1, 6, 7, 7]) }, {}, [
    makeNode('AveragePool', ['x'], ['q'], { kernel_shape: a.ints([3, 3]), pads: a.ints([1, 1, 1, 1]) }, 'avg'),
    makeNode('Sigmoid', ['q'], ['y'], {}, 'sigmoid'),
  ]],
  ['softmax over rows', { x: r.floatTensor([5, 13], -5, 5) }, {}, [makeNode('Softmax', ['x'], ['y'], { axis: a.int(-1) }, 'softmax')]],
  ['batched MatMul of runtime tensors', { x: r.floatTensor([2, 5, 7]), k: r.floatTensor([2, 7, 9]) }, {}, [makeNode('MatMul', ['x', 'k'], ['y'], {}, 'matmul')]],
  ['ReduceMean over the last axis', { x: r.floatTensor([3, 4, 10]) }, {}, [makeNode('ReduceMean', ['x'], ['y'], { axes: a.ints([-1]) }, 'mean')]],
  ['linear Resize x2', { x: r.floatTensor([1, 5, 3, 4]) }, { scales: new Tensor('float32', [1, 1, 2, 2], [4]) }, [
    pool1,
    makeNode('Resize', ['p', '', 'scales'], ['y'], { mode: a.string('linear') }, 'resize'),
  ]],
  // Winograd F(4x4, 3x3) rounds differently from the direct sum: absolute error up to ~1e-5 here.
  ['conv 3x3, 32 -> 32 channels at 24x24 (Winograd, shared by threads)', { x: r.floatTensor([1, 32, 24, 24]) }, { W: r.floatTensor([32, 32, 3, 3], -0.2, 0.2) }, [
    makeNode('Conv', ['x', 'W'], ['y'], { pads: a.ints([1, 1, 1, 1]) }, 'conv'),
  ], 1e-4],
  ['Transpose out of NHWC', { x: r.floatTensor([1, 6, 4, 5]) }, {}, [pool1, makeNode('Transpose', ['p'], ['y'], { perm: a.ints([0, 3, 1, 2]) }, 'transpose')]],
];

for (const threads of [1, 2]) {
  for (const [label, inputs, constants, nodes, atol = 1e-5] of kernels) {
    const m = model(inputs, constants, nodes);
    const executable = await backend.compile({ id: 0, model: m }, { threads });
    const ours = await executable.run(inputs);
    await executable.dispose();
    const host = executable.describe().filter((s) => s.runs === 'host');
    if (host.length > 0) {
      failures++;
      console.log(`FAIL ${label}: steps on the host: ${host.map((s) => s.op).join(', ')}`);
    }
    compare(`${label} (${threads} thread${threads > 1 ? 's' : ''})`, ours.y, evaluateGraph(m, inputs).y, 1e-4, atol);
  }
}

const resolution = Number(process.env.SMOKE_RESOLUTION ?? 32);
const bytes = buildModelBytes('mobilenetV2', { resolution, numClasses: 10 });
const x = new SeededRandom(3).floatTensor([1, 3, resolution, resolution], 0, 1);
const expected = evaluateGraph(buildModel('mobilenetV2', { resolution, numClasses: 10 }), { input: x });
for (const threads of [1, 2]) {
  const session = await Session.init(bytes, { backends: [backend], threads });
  const t = performance.now();
  const ours = await session.run({ input: x });
  const ms = performance.now() - t;
  await session.destroy();
  for (const name of Object.keys(expected)) compare(`MobileNetV2 ${resolution}x${resolution} (${threads} thread${threads > 1 ? 's' : ''}, first run ${ms.toFixed(0)} ms)`, ours[name], expected[name], 1e-3, 1e-4);
}

console.log(`${failures === 0 ? 'passed' : `${failures} failed`} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
// Every executable was disposed: the process must now exit on its own (a leaked worker would keep it alive).
process.exitCode = failures === 0 ? 0 : 1;
