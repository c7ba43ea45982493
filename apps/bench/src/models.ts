/**
 * The models a bench runs: torchvision CNNs built by packages/models with seeded weights, the trained
 * PP-OCR models, and any ONNX file. Preparing one writes its bytes and onnxruntime-node's outputs on the
 * seeded feeds into the work folder, where every cell's child reads them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError, type Model, inferShapes } from '@lastmile/core';
import { decodeModel, encodeModel } from '@lastmile/onnx';
import { type ArchitectureName, type PpocrModel, buildModel, macs, ppocrModelPath } from '@lastmile/models';
import * as ort from 'onnxruntime-node';
import type { OutputValue } from './compare.js';
import { makeFeeds } from './feeds.js';
import { writeOutputs } from './outputs-file.js';
import type { ModelInput } from './protocol.js';

/** Seed of the CNNs' random weights. */
export const WEIGHTS_SEED = 2026;

export type ModelSource =
  | { kind: 'architecture'; name: ArchitectureName; resolution: number }
  | { kind: 'ppocr'; which: PpocrModel; dims: number[] }
  | { kind: 'file'; path: string; shapes: Record<string, number[]> };

export interface ModelSpec {
  id: string;
  label: string;
  source: ModelSource;
}

export interface PreparedModel {
  id: string;
  label: string;
  inputs: ModelInput[];
  /** Multiply-accumulates of one inference; undefined when they could not be counted. */
  macs?: number;
  macsError?: string;
  path: string;
  expectedPath: string;
}

const cnn = (id: ArchitectureName, label: string, resolution: number): ModelSpec => ({
  id,
  label: `${label} ${resolution}x${resolution}`,
  source: { kind: 'architecture', name: id, resolution },
});
const ppocr = (which: PpocrModel, label: string, dims: number[]): ModelSpec => ({
  id: `ppocr-${which}`,
  label: `${label} ${dims.slice(2).join('x')}`,
  source: { kind: 'ppocr', which, dims },
});

/** The default set: full size, or the small sizes of a `--quick` smoke run. */
export function builtinModels(quick: boolean): ModelSpec[] {
  const r = quick ? 64 : 224;
  return [
    cnn('mobilenetV2', 'MobileNetV2', r),
    cnn('resnet18', 'ResNet-18', r),
    cnn('squeezenet11', 'SqueezeNet 1.1', r),
    ppocr('det', 'PP-OCRv4 det', quick ? [1, 3, 160, 160] : [1, 3, 640, 640]),
    ppocr('rec', 'PP-OCRv4 rec', quick ? [1, 3, 48, 160] : [1, 3, 48, 320]),
    ppocr('cls', 'PP-OCR cls', [1, 3, 48, 192]),
  ];
}

/** A model from `--model file.onnx`, its symbolic input dims given by `shapes`. */
export function fileModel(path: string, shapes: Record<string, number[]>, taken: ReadonlySet<string>): ModelSpec {
  const stem = basename(path).replace(/\.onnx$/i, '') || 'model';
  let id = stem;
  for (let n = 2; taken.has(id); n++) id = `${stem}-${n}`;
  return { id, label: basename(path), source: { kind: 'file', path, shapes } };
}

/** The runtime inputs with concrete dims: from the model when static, else from `given`. */
function concreteInputs(model: Model, id: string, given: Record<string, number[]>): ModelInput[] {
  const unknown = Object.keys(given).filter((name) => !model.graph.inputs.some((i) => i.name === name));
  if (unknown.length > 0) {
    throw new InputError(`model '${id}': --shape names ${unknown.map((n) => `'${n}'`).join(', ')}, not an input`, {
      model: id,
      got: unknown,
      expected: model.graph.inputs.map((i) => i.name),
    });
  }
  return model.graph.inputs.map((input) => {
    if (input.type !== 'float32') {
      throw new InputError(
        `model '${id}': input '${input.name}' is ${input.type}; the bench feeds float32 inputs only`,
        { model: id, input: input.name, expected: 'float32', got: input.type },
      );
    }
    const dims = given[input.name] ?? input.shape;
    if (dims === undefined || !dims.every((d): d is number => typeof d === 'number' && d > 0)) {
      throw new InputError(
        `model '${id}': input '${input.name}' has shape [${(input.shape ?? ['?']).join(',')}]; give its dims with --shape ${input.name}=1x3x224x224`,
        {
          model: id,
          input: input.name,
          got: input.shape,
        },
      );
    }
    return { name: input.name, dims: [...dims] };
  });
}

function countMacs(model: Model, inputs: readonly ModelInput[]): { macs?: number; macsError?: string } {
  try {
    return { macs: macs(inferShapes(model, { inputShapes: Object.fromEntries(inputs.map((i) => [i.name, i.dims])) })) };
  } catch (error) {
    return { macsError: error instanceof Error ? error.message : String(error) };
  }
}

async function loadSpec(
  spec: ModelSpec,
): Promise<{ bytes: Uint8Array; model: Model; given: Record<string, number[]> }> {
  const { source } = spec;
  switch (source.kind) {
    case 'architecture': {
      const model = buildModel(source.name, { resolution: source.resolution, seed: WEIGHTS_SEED });
      return { bytes: encodeModel(model), model, given: {} };
    }
    case 'ppocr': {
      const bytes = new Uint8Array(await readFile(ppocrModelPath(source.which)));
      const model = decodeModel(bytes);
      return { bytes, model, given: { [model.graph.inputs[0]?.name ?? 'x']: source.dims } };
    }
    case 'file': {
      const bytes = new Uint8Array(await readFile(source.path));
      return { bytes, model: decodeModel(bytes), given: source.shapes };
    }
  }
}

/** onnxruntime-node's outputs on the seeded feeds: what every contestant must reproduce. */
async function expectedOutputs(
  bytes: Uint8Array,
  inputs: readonly ModelInput[],
  seed: number,
): Promise<Record<string, OutputValue>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const feeds = Object.fromEntries(
      makeFeeds(inputs, seed).map((f) => [f.name, new ort.Tensor('float32', f.data, f.dims)]),
    );
    const outputs = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(outputs).map(([name, t]) => [
        name,
        { type: t.type, dims: [...t.dims], data: t.data as ArrayLike<number | bigint> },
      ]),
    );
  } finally {
    await session.release();
  }
}

/** Writes the model and its expected outputs into `workDir`. */
export async function prepareModel(spec: ModelSpec, workDir: string, seed: number): Promise<PreparedModel> {
  const { bytes, model, given } = await loadSpec(spec);
  const inputs = concreteInputs(model, spec.id, given);
  const path = join(workDir, `${spec.id}.onnx`);
  const expectedPath = join(workDir, `${spec.id}.expected.json`);
  await writeFile(path, bytes);
  await writeOutputs(expectedPath, await expectedOutputs(bytes, inputs, seed));
  return { id: spec.id, label: spec.label, inputs, ...countMacs(model, inputs), path, expectedPath };
}
