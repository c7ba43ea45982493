/**
 * Pipelines: pre-processing steps -> model -> post-processing, timed per stage, on the chosen backends.
 * A trailing {@link normalizeStep} is folded into the model's first Conv when that is exact (see
 * fold-normalize.ts): the step then only lays raw pixels out, and the model does the arithmetic.
 */
import { performance } from 'node:perf_hooks';
import { InputError, Session, type Model, type SessionOptions, type Tensor } from '@lastmile/core';
import { foldInputAffine } from './fold-normalize.js';
import { ImageError } from './image-error.js';
import { channels, type Image } from './image.js';
import { affineOf, imagesToTensor, type ChannelAffine, type Normalization } from './layout.js';

/** One named stage of a pipeline. */
export interface Step<I, O> {
  readonly name: string;
  run(input: I): O | Promise<O>;
}

/** A step from a name and a function. */
export function step<I, O>(name: string, run: (input: I) => O | Promise<O>): Step<I, O> {
  return { name, run };
}

/** The linear pre-processing step: images (one height) to a normalized NCHW float32 batch. */
export interface NormalizeStep extends Step<Image | readonly Image[], Tensor<'float32'>> {
  readonly normalization: Normalization;
  /** Least batch width: images are padded on the right with normalized 0 to max(minWidth, widest). */
  readonly minWidth?: number;
  /** The same layout without arithmetic: raw pixels, `border` and padding filled with `fill`. */
  folded(
    border: readonly [number, number, number, number],
    fill: readonly number[],
  ): Step<Image | readonly Image[], Tensor<'float32'>>;
}

/** A step normalizing images `(x * scale - mean) / std` into an NCHW batch in the model's color order. */
export function normalizeStep(
  normalization: Normalization,
  options: { minWidth?: number; name?: string } = {},
): NormalizeStep {
  const name = options.name ?? 'normalize';
  const batch = (input: Image | readonly Image[]): readonly Image[] => {
    const images = Array.isArray(input) ? input : [input as Image];
    if (images.length === 0) throw new ImageError(`${name}: a batch needs at least one image`, { got: 0 });
    return images;
  };
  const layout = (images: readonly Image[]) => ({
    width: Math.max(options.minWidth ?? 0, ...images.map((im) => im.width)),
    order: normalization.order,
  });
  return {
    name,
    normalization,
    minWidth: options.minWidth,
    run: (input) => {
      const images = batch(input);
      return imagesToTensor(images, affineOf(normalization, channels(images[0])), layout(images));
    },
    folded: (border, fill) => {
      const raw: ChannelAffine = { alpha: fill.map(() => 1), beta: fill.map(() => 0), fill };
      return step(name, (input: Image | readonly Image[]) => {
        const images = batch(input);
        return imagesToTensor(images, raw, { ...layout(images), border });
      });
    },
  };
}

/** Time of one stage of a run. */
export interface StageTiming {
  stage: string;
  ms: number;
}

/** Whether the normalization was folded into the model, and where or why not. */
export type Folding = { folded: true; node: string } | { folded: false; reason: string };

/** What {@link pipeline} builds from. */
export interface PipelineSpec<I, O> {
  /** Steps from the input to the model's input tensor; the last may be a {@link normalizeStep}. */
  pre: readonly Step<never, unknown>[];
  model: Model | Uint8Array | string;
  /** From the model's outputs (and the pipeline's input) to the answer. */
  post: (outputs: Record<string, Tensor>, input: I) => O | Promise<O>;
  /** Session options (backends by priority, events...). */
  session?: SessionOptions;
  /** Fold a trailing normalize step into the first Conv when exact (default true). */
  fold?: boolean;
  /** Number of input channels the normalize step sees (default 3), to size the folded affine map. */
  channels?: number;
}

/** A deployed pipeline. */
export interface Pipeline<I, O> {
  readonly session: Session;
  readonly folding: Folding;
  /** Runs every stage on `input`; timings in stage order: each pre step, 'model', 'post'. */
  run(input: I): Promise<{ output: O; timings: StageTiming[] }>;
  dispose(): Promise<void>;
}

/**
 * Runs `input` through the stages of a pipeline, timing each: the `pre` steps in order, `model` on their
 * result, then `post` on the model's outputs and `input`. Timings in stage order: each pre step, 'model', 'post'.
 */
export async function runStages<I, O>(
  input: I,
  pre: readonly Step<never, unknown>[],
  model: (feed: unknown) => Promise<Record<string, Tensor>>,
  post: PipelineSpec<I, O>['post'],
): Promise<{ output: O; timings: StageTiming[] }> {
  const timings: StageTiming[] = [];
  const timed = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const value = await work();
    timings.push({ stage, ms: performance.now() - start });
    return value;
  };
  let value: unknown = input;
  for (const s of pre) value = await timed(s.name, () => s.run(value as never));
  const outputs = await timed('model', () => model(value));
  const output = await timed('post', () => post(outputs, input));
  return { output, timings };
}

function isNormalizeStep(s: Step<never, unknown> | undefined): s is NormalizeStep & Step<never, unknown> {
  return s !== undefined && typeof (s as Partial<NormalizeStep>).folded === 'function';
}

/** Imports the model, folds what can be folded, and opens a session on the chosen backends. */
export async function pipeline<I, O>(spec: PipelineSpec<I, O>): Promise<Pipeline<I, O>> {
  const options = spec.session ?? {};
  let pre = [...spec.pre];
  let folding: Folding = { folded: false, reason: 'folding is off' };
  let model: Model | Uint8Array | string = spec.model;
  const last = pre.at(-1);
  if (spec.fold !== false && isNormalizeStep(last)) {
    // Import once: the optimized graph has its weights as initializers (constants and BatchNorm folded).
    const probe = await Session.init(model, options);
    await probe.destroy();
    const affine = affineOf(last.normalization, spec.channels ?? 3);
    const result = foldInputAffine(probe.model, affine);
    model = result.folded ? result.model : probe.model;
    if (result.folded) {
      pre = [...pre.slice(0, -1), last.folded(result.border, result.fill) as Step<never, unknown>];
      folding = { folded: true, node: result.node };
    } else folding = { folded: false, reason: result.reason };
  } else if (spec.fold !== false)
    folding = { folded: false, reason: 'the last pre-processing step is not a normalize step' };
  const session = await Session.init(model, options);
  const inputName = session.inputs[0]?.name;
  if (inputName === undefined || session.inputs.length !== 1) {
    await session.destroy();
    throw new InputError(`a pipeline model needs exactly one input, this one has ${session.inputs.length}`, {
      expected: 1,
      got: session.inputs.length,
    });
  }
  return {
    session,
    folding,
    run: (input) => runStages(input, pre, (feed) => session.run({ [inputName]: feed as Tensor }), spec.post),
    dispose: () => session.destroy(),
  };
}
