/**
 * Writes the generated suites in the ONNX backend-test layout: `ops` (one-node cases for every op of
 * core's op set) and `models` (PP-OCR and the CNNs of packages/models at small sizes), expected outputs
 * from onnxruntime-node. They are regenerated from fixed seeds on every CI run, not committed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibrate, evaluateGraph, foldQdq, optimize, SeededRandom, supportedOps, type Tensor } from '@lastmile/core';
import { caseFeeds } from '@lastmile/core/testing';
import { encodeModel } from '@lastmile/onnx';
import { writeCase } from '../layout.js';
import { fusedConvCases } from './fused-conv.js';
import { opCasesFor } from './op-catalog.js';
import { runtimeInputs, singleNodeModel, type OpCase } from './op-case.js';
import { runOrt } from './ort.js';

/** The name of an op case folder: `op_<Op>_<index>[_<tag>]`. */
export function opCaseName(c: OpCase, index: number): string {
  const op = c.domain ? `${c.domain}_${c.op}` : c.op;
  return `op_${op}_${String(index).padStart(2, '0')}${c.tag ? `_${c.tag}` : ''}`;
}

/** Options of {@link generateOpSuite}. */
export interface OpSuiteOptions {
  /** Only these ops (default: every op of core's op set). */
  ops?: readonly string[];
}

/** Writes the op suite into `dir`; returns the case names. */
export async function generateOpSuite(dir: string, options: OpSuiteOptions = {}): Promise<string[]> {
  const ops = options.ops ?? supportedOps();
  const names: string[] = [];
  for (const op of ops) {
    if (op === 'lastmile.FusedConv') {
      for (const c of fusedConvCases()) {
        const name = `op_lastmile_FusedConv_${c.tag}`;
        const inputs = [{ name: 'x', tensor: c.input }];
        const outputs = await runOrt(encodeModel(c.unfused), inputs);
        writeCase(dir, name, { model: encodeModel(c.fused), dataSets: [{ inputs, outputs }], settings: { op } });
        names.push(name);
      }
      continue;
    }
    const cases = opCasesFor(op);
    for (const [index, c] of cases.entries()) {
      const name = opCaseName(c, index);
      const model = encodeModel(singleNodeModel(c));
      const inputs = runtimeInputs(c);
      const outputs = c.policy === undefined ? await runOrt(model, inputs) : policyOutputs(c);
      const settings = {
        op,
        ...(c.rtol !== undefined ? { rtol: c.rtol } : {}),
        ...(c.atol !== undefined ? { atol: c.atol } : {}),
        ...(c.policy !== undefined ? { expected: `lastmile numerics policy: ${c.policy}` } : {}),
      };
      writeCase(dir, name, { model, dataSets: [{ inputs, outputs }], settings });
      names.push(name);
    }
  }
  return names;
}

/** The case's outputs from core's op definition, which implements the numerics policy. */
function policyOutputs(c: OpCase): { name: string; tensor: Tensor }[] {
  const model = singleNodeModel(c);
  const values = evaluateGraph(model, caseFeeds(c));
  return model.graph.outputs.map(({ name }) => ({ name, tensor: values[name] }));
}

/** A model-level case: a model file or bytes, its input and the size to run it at. */
export interface ModelCaseSpec {
  name: string;
  model: () => Uint8Array | Promise<Uint8Array>;
  input: string;
  dims: number[];
}

// Deep networks accumulate rounding: model cases compare at the design's float tolerance.
const MODEL_TOLERANCE = { rtol: 1e-3, atol: 1e-4 };

/** The built-in model cases: trained PP-OCR models and seeded CNNs, at sizes that keep CI fast. */
export async function builtinModelCases(): Promise<ModelCaseSpec[]> {
  // Loaded only when model cases are generated: building the CNNs and locating PP-OCR is not needed otherwise.
  const models = await import('@lastmile/models');
  const ppocr = (which: 'det' | 'rec' | 'cls') => () => readFileSync(models.ppocrModelPath(which));
  const cnn = (name: Parameters<typeof models.buildModelBytes>[0]) => () =>
    models.buildModelBytes(name, { resolution: 64, numClasses: 10 });
  return [
    { name: 'model_ppocr_det', model: ppocr('det'), input: 'x', dims: [1, 3, 64, 96] },
    { name: 'model_ppocr_rec', model: ppocr('rec'), input: 'x', dims: [1, 3, 48, 96] },
    { name: 'model_ppocr_cls', model: ppocr('cls'), input: 'x', dims: [1, 3, 48, 96] },
    { name: 'model_mobilenet_v2', model: cnn('mobilenetV2'), input: models.INPUT_NAME, dims: [1, 3, 64, 64] },
    { name: 'model_resnet18', model: cnn('resnet18'), input: models.INPUT_NAME, dims: [1, 3, 64, 64] },
    { name: 'model_squeezenet11', model: cnn('squeezenet11'), input: models.INPUT_NAME, dims: [1, 3, 64, 64] },
    {
      name: 'model_mobilenet_v3_small',
      model: cnn('mobilenetV3Small'),
      input: models.INPUT_NAME,
      dims: [1, 3, 64, 64],
    },
    { name: 'model_shufflenet_v2_x05', model: cnn('shuffleNetV2x05'), input: models.INPUT_NAME, dims: [1, 3, 64, 64] },
    { name: 'model_resnet18_int8', model: () => int8Resnet(models), input: models.INPUT_NAME, dims: [1, 3, 64, 64] },
  ];
}

/**
 * ResNet-18 quantized by our tools (uint8 activations from a calibration table of seeded samples,
 * per-channel int8 weights), as core folds its QDQ form: QLinearConv, QLinearAdd and
 * QLinearGlobalAveragePool between Q/DQ pairs. Every quantized activation is an output too, so every
 * backend's integers are compared with onnxruntime's exactly.
 */
async function int8Resnet(models: typeof import('@lastmile/models')): Promise<Uint8Array> {
  const float = optimize(models.buildModel('resnet18', { resolution: 64, numClasses: 10 }));
  const samples = [1, 2, 3].map((seed) => ({
    [models.INPUT_NAME]: new SeededRandom(seed).floatTensor([1, 3, 64, 64], 0, 1),
  }));
  const { qdqModel } = await import('@lastmile/quantize');
  const model = foldQdq(qdqModel(float, await calibrate(float, samples, { type: 'uint8' })));
  const integers = model.graph.nodes.filter((n) => n.opType.startsWith('Q') && n.domain !== 'lastmile');
  model.graph.outputs.push(...integers.map((n) => ({ name: n.outputs[0], type: 'uint8' as const })));
  return encodeModel(model);
}

/** Writes model cases into `dir` with inputs in [0, 1) from a fixed seed; returns the case names. */
export async function generateModelSuite(dir: string, specs?: readonly ModelCaseSpec[]): Promise<string[]> {
  const cases = specs ?? (await builtinModelCases());
  for (const [i, spec] of cases.entries()) {
    const model = await spec.model();
    const input: Tensor = new SeededRandom(1000 + i).floatTensor(spec.dims, 0, 1);
    const inputs = [{ name: spec.input, tensor: input }];
    const outputs = await runOrt(model, inputs);
    writeCase(dir, spec.name, { model, dataSets: [{ inputs, outputs }], settings: MODEL_TOLERANCE });
  }
  return cases.map((c) => c.name);
}

/** Writes both suites under `root` (`root/ops`, `root/models`) and returns their folders. */
export async function generateSuites(
  root: string,
  options: { models?: boolean } & OpSuiteOptions = {},
): Promise<string[]> {
  const ops = join(root, 'ops');
  await generateOpSuite(ops, options);
  if (options.models === false) return [ops];
  const models = join(root, 'models');
  await generateModelSuite(models);
  return [ops, models];
}
