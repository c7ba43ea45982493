/**
 * A deliberately faulty third-party backend, installed into a temporary project: it computes Relu
 * wrongly, hangs on Sigmoid, kills its thread on Tanh, throws on Abs, declines Exp, computes Neg wrongly
 * after a run of it was stopped in flight, computes wrongly when two partitions share its device context,
 * and runs everything else correctly through core's reference evaluator.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAULTY_BACKEND = 'lastmile-backend-faulty';

const SOURCE = `
import { evaluateGraph } from '@lastmile/core';

const opOf = (model) => model.graph.nodes[0]?.opType;

export const backend = {
  apiVersion: 2,
  version: '1.0.0',
  name: '${FAULTY_BACKEND}',
  probe: () => ({ available: true, kind: 'software', device: 'faulty on purpose' }),
  supports: (node) => (node.opType === 'Exp' ? { supported: false, reason: 'Exp is declined on purpose' } : { supported: true }),
  open: () => ({ compiled: 0, close() {} }),
  async compile(partition, options) {
    const model = partition.model;
    const shared = options?.context;
    if (shared) shared.compiled++;
    let poisoned = false;
    return {
      inputs: model.graph.inputs,
      outputs: model.graph.outputs,
      async run(feeds, options) {
        const op = opOf(model);
        if (op === 'Neg') {
          options?.signal?.addEventListener('abort', () => (poisoned = true));
          await new Promise((done) => setTimeout(done, 20));
          if (poisoned) return Object.fromEntries(model.graph.outputs.map((o) => [o.name, Object.values(feeds)[0]]));
        }
        if (op === 'Sigmoid') for (;;) {}
        if (op === 'Tanh') process.exit(7);
        if (op === 'Abs') throw new Error('Abs kernel exploded');
        const out = evaluateGraph(model, feeds);
        if (shared?.compiled > 1) for (const t of Object.values(out)) if (t.type === 'float32' && t.size > 0) t.data[0] += 1;
        if (op === 'Relu') return Object.fromEntries(model.graph.outputs.map((o) => [o.name, Object.values(feeds)[0]]));
        return out;
      },
      dispose() {},
    };
  },
};
`;

/** A project folder with the faulty backend (and core, linked) in its node_modules. */
export function faultyProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'lastmile-faulty-'));
  const pkg = join(root, 'node_modules', FAULTY_BACKEND);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: FAULTY_BACKEND,
      version: '0.0.0',
      type: 'module',
      main: 'index.js',
      lastmile: { backend: FAULTY_BACKEND },
    }),
  );
  writeFileSync(join(pkg, 'index.js'), SOURCE);
  mkdirSync(join(root, 'node_modules', '@lastmile'), { recursive: true });
  // Core for the backend's own imports, and the reference backend that compare-to and fallback use.
  for (const linked of ['core', 'backend-reference']) {
    symlinkSync(
      fileURLToPath(new URL(`../../../packages/${linked}`, import.meta.url)),
      join(root, 'node_modules', '@lastmile', linked),
    );
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'faulty-project', private: true }));
  return root;
}
