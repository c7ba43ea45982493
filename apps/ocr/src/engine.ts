/**
 * Engines that run a pipeline spec: lastmile (vision's pipeline on the chosen backends, normalization
 * folded into the first Conv), or onnxruntime-node / onnxruntime-web (wasm, SIMD) for comparison, loaded
 * only when asked for so that production use does not need them installed. All run the same pre- and
 * post-processing; only the model runs differ.
 */
import { BackendUnavailableError, InputError, Tensor, type SessionOptions } from '@lastmile/core';
import { encodeModel } from '@lastmile/onnx';
import { pipeline, runStages, type Folding, type PipelineSpec, type StageTiming } from '@lastmile/vision';

/** Who runs the models. */
export type EngineName = 'lastmile' | 'onnxruntime' | 'onnxruntime-web';

/** Every engine, for help texts and argument checks. */
export const ENGINES: readonly EngineName[] = ['lastmile', 'onnxruntime', 'onnxruntime-web'];

/** A pipeline on an engine. */
export interface EnginePipeline<I, O> {
  run(input: I): Promise<{ output: O; timings: StageTiming[] }>;
  dispose(): Promise<void>;
  /** What was folded into the model (lastmile only). */
  readonly folding?: Folding;
  /** Backends that took nodes in the last run (lastmile; before a run, those it may use), or the engine's name. */
  readonly backends: readonly string[];
}

/** Opens `spec` on `engine`; `session` options apply to lastmile, its `threads` to every engine. */
export async function openPipeline<I, O>(
  spec: PipelineSpec<I, O>,
  engine: EngineName,
  session: SessionOptions = {},
): Promise<EnginePipeline<I, O>> {
  if (engine === 'lastmile') {
    const opened = await pipeline({ ...spec, session: { ...session, ...spec.session } });
    return {
      run: (input) => opened.run(input),
      dispose: () => opened.dispose(),
      folding: opened.folding,
      // The backends that took nodes in the last run; before one, those the session may use.
      get backends() {
        const used = [...new Set(opened.session.partitions.map((p) => p.backend))];
        return used.length > 0 ? used : opened.session.backends.map((b) => b.name);
      },
    };
  }
  const ort = engine === 'onnxruntime' ? await loadOrtNode() : await loadOrtWeb(session.threads);
  const options =
    engine === 'onnxruntime' && session.threads !== undefined
      ? { intraOpNumThreads: session.threads, interOpNumThreads: 1 }
      : {};
  return ortPipeline(
    spec,
    ort,
    engine,
    engine === 'onnxruntime-web' ? { ...options, executionProviders: ['wasm'] } : options,
  );
}

/** The part of onnxruntime's API that onnxruntime-node and onnxruntime-web share and the engine uses. */
interface OrtLike {
  InferenceSession: {
    create(model: Uint8Array | string, options?: Record<string, unknown>): Promise<OrtSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}

interface OrtSession {
  readonly inputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release(): Promise<void>;
}

/** Imports an optional package; a variable specifier keeps bundlers from pulling it in. */
async function importOptional(name: string, engine: EngineName): Promise<Record<string, unknown>> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (error) {
    throw new BackendUnavailableError(
      `--engine ${engine} needs the ${name} package (npm install ${name})`,
      { backend: engine },
      { cause: error },
    );
  }
}

async function loadOrtNode(): Promise<OrtLike> {
  return (await importOptional('onnxruntime-node', 'onnxruntime')) as unknown as OrtLike;
}

interface OrtWeb extends OrtLike {
  env: { wasm: { numThreads?: number; simd?: boolean } };
}

/** The thread count onnxruntime-web's wasm module was started with: read once, when the first session loads it. */
let webThreads: number | undefined;

async function loadOrtWeb(threads: number | undefined): Promise<OrtLike> {
  const ort = (await importOptional('onnxruntime-web', 'onnxruntime-web')) as unknown as OrtWeb;
  const wanted = threads ?? webThreads ?? 1;
  if (webThreads !== undefined && wanted !== webThreads) {
    throw new InputError(
      `onnxruntime-web's thread count is set once per process: it runs with ${webThreads}, asked for ${wanted}`,
      { engine: 'onnxruntime-web', expected: webThreads, got: wanted },
    );
  }
  ort.env.wasm.numThreads = wanted;
  ort.env.wasm.simd = true;
  webThreads = wanted;
  return ort;
}

async function ortPipeline<I, O>(
  spec: PipelineSpec<I, O>,
  ort: OrtLike,
  engine: EngineName,
  options: Record<string, unknown>,
): Promise<EnginePipeline<I, O>> {
  const model = spec.model;
  const session = await ort.InferenceSession.create(
    typeof model === 'string' || model instanceof Uint8Array ? model : encodeModel(model),
    options,
  );
  const inputName = session.inputNames[0];
  return {
    backends: [engine],
    run: (input) =>
      runStages(
        input,
        spec.pre,
        async (feed) => {
          const x = feed as Tensor<'float32'>;
          const result = await session.run({ [inputName]: new ort.Tensor('float32', x.data, [...x.dims]) });
          return Object.fromEntries(
            Object.entries(result).map(([name, t]) => [
              name,
              new Tensor('float32', t.data as Float32Array, [...t.dims]),
            ]),
          );
        },
        spec.post,
      ),
    dispose: () => session.release(),
  };
}
