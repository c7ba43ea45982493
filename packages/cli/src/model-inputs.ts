/**
 * The tensors a command feeds the model: from `--input name=file` (.npy, ONNX TensorProto .pb, PNG or
 * JPEG image) or seeded random data for every input not given a file.
 */
import {
  InputError,
  LastmileError,
  SeededRandom,
  Tensor,
  type TensorType,
  type ValueInfo,
  allocData,
  floatToHalf,
  formatShape,
  isLastmileError,
  sizeOf,
} from '@lastmile/core';
import { decodeTensor } from '@lastmile/onnx';
import { imageFormat } from '@lastmile/vision';
import { ExitCode, UsageError, failingWith } from './exit-codes.js';
import { type ImageNormalization, imageInput } from './image-input.js';
import { readInputFile } from './input-files.js';
import { decodeNpy, isNpy } from './npy.js';
import { concreteShape, splitNamed } from './shape-options.js';

/** The most elements of one random input (1 GiB of float32): more is a typo in --shape, not a test. */
export const MAX_RANDOM_ELEMENTS = 2 ** 28;

/** One fed input and where its data came from (a path, or `random`). */
export interface FedInput {
  name: string;
  tensor: Tensor;
  source: string;
}

/** What the inputs are made from. */
export interface InputOptions {
  /** `--input` specs: `name=path`, `name=random`, or a bare value for a one-input model. */
  specs: readonly string[];
  /** `--shape` by input name (for random data). */
  shapes: ReadonlyMap<string, number[]>;
  seed: number;
  notice: (line: string) => void;
}

/** Every model input, in declaration order. Errors while reading files exit as usage errors. */
export async function loadInputs(inputs: readonly ValueInfo[], options: InputOptions): Promise<FedInput[]> {
  const files = new Map<string, string>();
  for (const spec of options.specs) {
    const { name, value } = splitNamed(spec, inputs, '--input');
    if (files.has(name)) throw new UsageError(`--input is given twice for input '${name}'`);
    if (value === '')
      throw new UsageError(`--input '${spec}' names no file (use name=file.npy, name=file.pb or name=random)`);
    files.set(name, value);
  }
  const random = new SeededRandom(options.seed);
  const fed: FedInput[] = [];
  for (const info of inputs) {
    const path = files.get(info.name);
    if (path === undefined || path === 'random') {
      const dims = concreteShape(info, options.shapes, options.notice);
      const tensor = await failingWith(ExitCode.Usage, () => randomTensor(info.type, dims, random));
      fed.push({ name: info.name, tensor, source: `random (seed ${options.seed})` });
      continue;
    }
    const tensor = await failingWith(ExitCode.Usage, () => readInputTensor(path, info, options.shapes.get(info.name)));
    fed.push({ name: info.name, tensor, source: path });
  }
  return fed;
}

/**
 * A .npy or an image (told by their magic bytes), else a serialized ONNX TensorProto. `shape` (--shape)
 * sets the size an image is resized to, `normalization` its values; a tensor file's shape is its own.
 */
export async function readInputTensor(
  path: string,
  info: ValueInfo,
  shape: readonly number[] | undefined,
  normalization?: ImageNormalization,
): Promise<Tensor> {
  const bytes = await readInputFile(path, info.name);
  if (imageFormat(bytes) !== undefined) return imageInput(bytes, path, info, shape, normalization);
  if (shape !== undefined)
    throw new UsageError(
      `input '${info.name}' comes from ${path}: its shape is the file's, so --shape ${info.name}=... does not apply`,
    );
  if (isNpy(bytes)) return decodeNpy(bytes, path);
  try {
    return decodeTensor(bytes).tensor;
  } catch (error) {
    if (!isLastmileError(error)) throw error;
    throw new LastmileError(
      error.code,
      `${path}: ${error.message} (input files are .npy or ONNX TensorProto .pb)`,
      { ...error.details, file: path },
      { cause: error },
    );
  }
}

/**
 * Seeded data in the range each type usually carries: floats in [0, 1) (images scaled to 0..1), uint8 in
 * [0, 255], int8 in [-128, 127], int32/int64 in [0, 9] (indices, token ids), bool 0/1.
 */
export function randomTensor(type: TensorType, dims: readonly number[], random: SeededRandom): Tensor {
  const n = sizeOf(dims);
  if (n > MAX_RANDOM_ELEMENTS) {
    throw new InputError(
      `random input of shape ${formatShape(dims)} has ${n} elements, over the limit of ${MAX_RANDOM_ELEMENTS}`,
      {
        dims: [...dims],
        expected: MAX_RANDOM_ELEMENTS,
        got: n,
      },
    );
  }
  const data = allocData(type, n);
  for (let i = 0; i < n; i++) {
    switch (type) {
      case 'float32':
        (data as Float32Array)[i] = random.next();
        break;
      case 'float16':
        (data as Uint16Array)[i] = floatToHalf(random.next());
        break;
      case 'uint8':
        (data as Uint8Array)[i] = random.int(0, 255);
        break;
      case 'int8':
        (data as Int8Array)[i] = random.int(-128, 127);
        break;
      case 'int32':
        (data as Int32Array)[i] = random.int(0, 9);
        break;
      case 'int64':
        (data as BigInt64Array)[i] = BigInt(random.int(0, 9));
        break;
      case 'bool':
        (data as Uint8Array)[i] = random.int(0, 1);
        break;
    }
  }
  return new Tensor(type, data, dims);
}
