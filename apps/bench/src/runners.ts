/**
 * One runner per contestant family, all driven the same way: created from the model's bytes with the
 * feeds bound, then `run()` once per timed inference. Feeds are converted to each runtime's tensor type
 * once, at creation, so the timed call is the inference alone.
 */
import { type ProfileEntry, Session, Tensor } from '@lastmile/core';
import type { OutputValue } from './compare.js';
import type { Feed } from './feeds.js';
import type { ContestantSpec } from './protocol.js';

export interface Runner {
  run(): Promise<Record<string, OutputValue>>;
  /** Per-node timings of the last run (lastmile sessions created with profiling). */
  profile?(): ProfileEntry[];
  dispose(): Promise<void>;
}

export interface RunnerOptions {
  profiling?: boolean;
  projectRoot?: string;
}

/** The part of onnxruntime's API (node and web share it) the runners use. */
interface OrtSessionLike {
  run(
    feeds: Record<string, unknown>,
  ): Promise<Record<string, { type: string; dims: readonly number[]; data: unknown }>>;
  release(): Promise<void>;
}

function ortRunner(session: OrtSessionLike, feeds: Record<string, unknown>): Runner {
  return {
    async run() {
      const outputs = await session.run(feeds);
      const values: Record<string, OutputValue> = {};
      for (const [name, t] of Object.entries(outputs))
        values[name] = { type: t.type, dims: [...t.dims], data: t.data as ArrayLike<number | bigint> };
      return values;
    },
    dispose: () => session.release(),
  };
}

async function ortNodeRunner(bytes: Uint8Array, feeds: readonly Feed[], threads: number): Promise<Runner> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  return ortRunner(session, Object.fromEntries(feeds.map((f) => [f.name, new ort.Tensor('float32', f.data, f.dims)])));
}

async function ortWebRunner(bytes: Uint8Array, feeds: readonly Feed[], threads: number): Promise<Runner> {
  const ort = await import('onnxruntime-web');
  // Process-global and read when the wasm module first loads: one thread count per process.
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  return ortRunner(session, Object.fromEntries(feeds.map((f) => [f.name, new ort.Tensor('float32', f.data, f.dims)])));
}

async function lastmileRunner(
  bytes: Uint8Array,
  feeds: readonly Feed[],
  spec: ContestantSpec,
  options: RunnerOptions,
): Promise<Runner> {
  const session = await Session.init(bytes, {
    backends: [spec.backend ?? spec.id],
    fallback: false,
    threads: spec.threads,
    profiling: options.profiling === true,
    projectRoot: options.projectRoot,
  });
  await session.prepare(Object.fromEntries(feeds.map((f) => [f.name, f.dims])));
  const tensors = Object.fromEntries(feeds.map((f) => [f.name, new Tensor('float32', f.data, f.dims)]));
  return {
    async run() {
      const outputs = await session.run(tensors);
      const values: Record<string, OutputValue> = {};
      for (const [name, t] of Object.entries(outputs))
        values[name] = { type: t.type, dims: [...t.dims], data: t.data as ArrayLike<number | bigint> };
      return values;
    },
    profile: () => session.profile(),
    dispose: () => session.destroy(),
  };
}

/** Creates the contestant's session on `bytes` (the time this takes is the cell's session-creation time). */
export function createRunner(
  spec: ContestantSpec,
  bytes: Uint8Array,
  feeds: readonly Feed[],
  options: RunnerOptions = {},
): Promise<Runner> {
  switch (spec.family) {
    case 'ort-node':
      return ortNodeRunner(bytes, feeds, spec.threads ?? 1);
    case 'ort-web':
      return ortWebRunner(bytes, feeds, spec.threads ?? 1);
    case 'lastmile':
      return lastmileRunner(bytes, feeds, spec, options);
  }
}
