/**
 * The worker thread one case runs in: it resolves the backend by name from the project root (then the
 * kit's own install), runs the model (or a bundle of it) once per feed set, exports the plan, checks
 * stopped prepares and runs and a context shared by several partitions when asked, and posts the outputs
 * back. A case that hangs or crashes here takes only this
 * thread with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError, Session, type Tensor } from '@lastmile/core';
import { loadModel } from '@lastmile/onnx';
import { checkAborts } from './abort-check.js';
import { checkContexts } from './context-check.js';
import { fromWire, toWireError, type WorkerReply, type WorkerTask } from './worker-protocol.js';

async function runTask(task: WorkerTask): Promise<WorkerReply> {
  const backends = task.fallback && task.backend !== 'reference' ? [task.backend, 'reference'] : [task.backend];
  // No graph optimization: the backend must run the nodes as the case wrote them (no folding or fusion).
  // The kit imports the model itself: the project under test needs its backend, not an ONNX importer.
  // Then the kit's own install: the reference backend that fallback and --compare-to use comes with it.
  const search = { projectRoot: task.projectRoot, resolveFrom: [import.meta.url] };
  const open = async () =>
    Session.init(await loadModel(task.modelPath), {
      backends,
      fallback: task.fallback,
      optimization: 'none',
      ...search,
      ...(task.precision !== undefined ? { precision: task.precision } : {}),
    });
  const session = task.loadFrom !== undefined ? await Session.load(task.loadFrom, search) : await open();
  /** The abort check, on `session` and (compiling) on a fresh session not yet prepared. */
  const abortsOf = async (s: Session, feeds: Record<string, Tensor>, want: Tensor[]) => {
    const fresh = task.loadFrom === undefined ? await open() : undefined;
    try {
      return await checkAborts(s, fresh, feeds, want);
    } finally {
      await fresh?.destroy();
    }
  };
  try {
    const outputs = [];
    for (const set of task.feeds) {
      if (set.length !== session.inputs.length) {
        throw new InputError(`the data set has ${set.length} inputs, the model takes ${session.inputs.length}`, {
          expected: session.inputs.map((i) => i.name),
          got: set.length,
        });
      }
      const feeds = Object.fromEntries(session.inputs.map((info, k) => [info.name, fromWire(set[k])]));
      const result = await session.run(feeds);
      outputs.push(session.outputs.map((o) => result[o.name]));
    }
    if (task.exportTo !== undefined) await session.export(task.exportTo);
    const fallbackNodes = session.assignment?.nodes.filter((n) => n.backend !== session.backends[0].name).length ?? 0;
    const done = { kind: 'done' as const, outputs, outputNames: session.outputs.map((o) => o.name), fallbackNodes };
    const feeds = Object.fromEntries(session.inputs.map((info, k) => [info.name, fromWire(task.feeds[0][k])]));
    const problem =
      (task.abort ? await abortsOf(session, feeds, outputs[0]) : undefined) ??
      (task.contexts && task.loadFrom === undefined
        ? await checkContexts({
            model: await loadModel(task.modelPath),
            backend: session.backends[0],
            feeds,
            want: outputs[0],
            declared: task.tolerance ?? {},
            ...(task.precision !== undefined ? { precision: task.precision } : {}),
            search,
          })
        : undefined);
    return problem === undefined ? done : { ...done, problem };
  } finally {
    await session.destroy();
  }
}

const port = parentPort;
if (port !== null) {
  runTask(workerData as WorkerTask).then(
    (reply) => port.postMessage(reply),
    (error: unknown) => port.postMessage({ kind: 'error', error: toWireError(error) } satisfies WorkerReply),
  );
}
