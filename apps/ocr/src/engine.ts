/**
 * Engines that run a pipeline spec: lastmile (vision's pipeline on the chosen backends, normalization
 * folded into the first Conv) or onnxruntime-node for comparison, loaded only when asked for so that
 * production use does not need it installed. Both run the same pre- and post-processing.
 */
import { performance } from 'node:perf_hooks';
import { BackendUnavailableError, Tensor, type SessionOptions } from '@lastmile/core';
import { encodeModel } from '@lastmile/onnx';
import { pipeline, type Folding, type PipelineSpec, type StageTiming } from '@lastmile/vision';

/** Who runs the models. */
export type EngineName = 'lastmile' | 'onnxruntime';

/** A pipeline on an engine. */
export interface EnginePipeline<I, O> {
  run(input: I): Promise<{ output: O; timings: StageTiming[] }>;
  dispose(): Promise<void>;
  /** What was folded into the model (lastmile only). */
  readonly folding?: Folding;
  /** Backends the session uses (lastmile) or ['onnxruntime']. */
  readonly backends: readonly string[];
}

/** Opens `spec` on `engine`; `session` options apply to lastmile. */
export async function openPipeline<I, O>(spec: PipelineSpec<I, O>, engine: EngineName, session: SessionOptions = {}): Promise<EnginePipeline<I, O>> {
  if (engine === 'lastmile') {
    const opened = await pipeline({ ...spec, session: { ...session, ...spec.session } });
    return { run: (input) => opened.run(input), dispose: () => opened.dispose(), folding: opened.folding, backends: opened.session.backends.map((b) => b.name) };
  }
  return onnxruntimePipeline(spec);
}

type Ort = typeof import('onnxruntime-node');

async function loadOnnxruntime(): Promise<Ort> {
  try {
    // A variable specifier keeps bundlers from pulling the optional dependency in.
    const name = 'onnxruntime-node';
    return (await import(name)) as Ort;
  } catch (error) {
    throw new BackendUnavailableError(`--engine onnxruntime needs the onnxruntime-node package (npm install onnxruntime-node)`, { backend: 'onnxruntime' }, { cause: error });
  }
}

async function onnxruntimePipeline<I, O>(spec: PipelineSpec<I, O>): Promise<EnginePipeline<I, O>> {
  const ort = await loadOnnxruntime();
  const model = spec.model;
  const session = await (typeof model === 'string'
    ? ort.InferenceSession.create(model)
    : ort.InferenceSession.create(model instanceof Uint8Array ? model : encodeModel(model)));
  const inputName = session.inputNames[0];
  return {
    backends: ['onnxruntime'],
    async run(input) {
      const timings: StageTiming[] = [];
      const timed = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
        const start = performance.now();
        const value = await work();
        timings.push({ stage, ms: performance.now() - start });
        return value;
      };
      let value: unknown = input;
      for (const s of spec.pre) value = await timed(s.name, () => s.run(value as never));
      const outputs = await timed('model', async () => {
        const feed = value as Tensor<'float32'>;
        const result = await session.run({ [inputName]: new ort.Tensor('float32', feed.data, [...feed.dims]) });
        return Object.fromEntries(Object.entries(result).map(([name, t]) => [name, new Tensor('float32', t.data as Float32Array, t.dims)]));
      });
      const output = await timed('post', () => spec.post(outputs, input));
      return { output, timings };
    },
    dispose: () => session.release(),
  };
}
