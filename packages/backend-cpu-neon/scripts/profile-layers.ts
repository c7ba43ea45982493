// Measurement script (not part of the package): per-layer times (medians) and effective GFLOP/s of a CNN on cpu-neon.
// Run from this package: npx esbuild scripts/profile-layers.ts --bundle --platform=node --format=esm \
//   --conditions=@lastmile/source --external:onnxruntime-node --outfile=node_modules/.scratch/profile-layers.mjs \
//   --banner:js="import { createRequire as cr } from 'module'; const require = cr(import.meta.url);" \
//   && node node_modules/.scratch/profile-layers.mjs [resnet18|mobilenetV2|squeezenet11]   (THREADS=1)
import { SeededRandom, Session } from '@lastmile/core';
import { buildModel, buildModelBytes, macs } from '@lastmile/models';
import { backend } from '../src/index.js';

const name = (process.argv[2] ?? 'resnet18') as 'resnet18';
const bytes = buildModelBytes(name, { resolution: 224 });
const session = await Session.init(bytes, { backends: [backend], profiling: true, threads: Number(process.env.THREADS ?? 1) });
const x = new SeededRandom(1).floatTensor([1, 3, 224, 224], 0, 1);
const runs: Map<string, number[]> = new Map();
const ops = new Map<string, string>();
const totals: number[] = [];
for (let i = 0; i < 25; i++) {
  const t = performance.now();
  await session.run({ input: x });
  totals.push(performance.now() - t);
  if (i < 5) continue;
  for (const e of session.profile()) {
    runs.set(e.name, [...(runs.get(e.name) ?? []), e.ms]);
    ops.set(e.name, e.op);
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const flops = 2 * macs(buildModel(name, { resolution: 224 }));
let sum = 0;
for (const [n, t] of runs) {
  sum += med(t);
  console.log(`${ops.get(n)!.padEnd(14)} ${med(t).toFixed(3).padStart(8)} ms  ${n}`);
}
console.log(`sum of layer medians ${sum.toFixed(2)} ms; run median ${med(totals.slice(5)).toFixed(2)} ms; ${(flops / 1e9).toFixed(2)} GFLOP -> ${(flops / med(totals.slice(5)) / 1e6).toFixed(1)} GFLOP/s`);
