// Measurement script (not part of the package): cpu-neon at 1 and 2 threads against onnxruntime-web's
// wasm backend at 1 thread, in one process, alternating, medians. apps/bench holds the full comparison.
// (@lastmile/models stays external so that it finds the PP-OCR models from its own folder; build it first.)
// Run from this package:
//   npx esbuild scripts/bench.ts --bundle --platform=node --format=esm --conditions=@lastmile/source \
//     --external:onnxruntime-node --external:onnxruntime-web --external:@lastmile/models --outfile=node_modules/.scratch/bench.mjs \
//     --banner:js="import { createRequire as cr } from 'module'; const require = cr(import.meta.url);" \
//     && node node_modules/.scratch/bench.mjs [model,...]   (REPS=21 THREADS=1,2)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { SeededRandom, Session } from '@lastmile/core';
import { buildModel, buildModelBytes, macs, ppocrModelPath } from '@lastmile/models';
import { backend } from '../src/index.js';

// onnxruntime-web is a dependency of apps/bench, not of this package: resolve it from there.
const fromBench = createRequire(join(process.cwd(), '../../apps/bench/package.json'));
const ortWeb = fromBench('onnxruntime-web');
ortWeb.env.wasm.numThreads = 1;

type Case = { name: string; bytes: () => Uint8Array; input: string; dims: number[]; flops: number };
const cnn = (a: 'mobilenetV2' | 'resnet18' | 'squeezenet11'): Case => ({
  name: a,
  bytes: () => buildModelBytes(a, { resolution: 224 }),
  input: 'input',
  dims: [1, 3, 224, 224],
  flops: 2 * macs(buildModel(a, { resolution: 224 })),
});
const cases: Case[] = [
  cnn('mobilenetV2'),
  cnn('resnet18'),
  cnn('squeezenet11'),
  { name: 'ppocr-det', bytes: () => readFileSync(ppocrModelPath('det')), input: 'x', dims: [1, 3, 480, 640], flops: 0 },
  { name: 'ppocr-rec', bytes: () => readFileSync(ppocrModelPath('rec')), input: 'x', dims: [1, 3, 48, 320], flops: 0 },
];
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const reps = Number(process.env.REPS ?? 21);
const threadCounts = (process.env.THREADS ?? '1,2').split(',').map(Number);
const only = process.argv[2]?.split(',');
console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const c of cases) {
  if (only && !only.includes(c.name)) continue;
  const bytes = c.bytes();
  const x = new SeededRandom(3).floatTensor(c.dims, 0, 1);
  const feeds = { [c.input]: x };
  const ours: { threads: number; session: Session; createMs: number; firstMs: number; times: number[] }[] = [];
  for (const threads of threadCounts) {
    const t0 = performance.now();
    const session = await Session.init(bytes, { backends: [backend], threads });
    await session.prepare({ [c.input]: c.dims });
    const t1 = performance.now();
    await session.run(feeds);
    ours.push({ threads, session, createMs: t1 - t0, firstMs: performance.now() - t1, times: [] });
  }
  const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const webFeeds = { [c.input]: new ortWeb.Tensor('float32', x.data as Float32Array, c.dims) };
  await web.run(webFeeds);
  const webTimes: number[] = [];
  for (let i = 0; i < reps; i++) {
    for (const o of ours) {
      const t = performance.now();
      await o.session.run(feeds);
      o.times.push(performance.now() - t);
    }
    const t = performance.now();
    await web.run(webFeeds);
    webTimes.push(performance.now() - t);
  }
  const webMs = median(webTimes);
  for (const o of ours) {
    const ms = median(o.times);
    console.log(
      `${c.name.padEnd(12)} ${o.threads}T ${ms.toFixed(2).padStart(7)} ms  ort-web 1T ${webMs.toFixed(2).padStart(7)} ms  x${(webMs / ms).toFixed(2)}` +
        `  vs 1T x${(median(ours[0].times) / ms).toFixed(2)}  create ${o.createMs.toFixed(0)} ms  first ${(o.firstMs / ms).toFixed(2)}x` +
        (c.flops ? `  ${(c.flops / ms / 1e6).toFixed(1)} GFLOP/s` : ''),
    );
    await o.session.destroy();
  }
  await web.release();
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
