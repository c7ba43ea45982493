/**
 * loadCaffe / decodeCaffe: the net definition (prototxt) and its weights (caffemodel) into one IR model.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { InputError, type Model, ModelFormatError, ModelLimitError } from '@lastmile/core';
import type { CaffeWarning } from './lower/context.js';
import { lowerNet } from './lower/lower-net.js';
import { weightsByLayer } from './lower/weights.js';
import { decodeCaffemodel } from './net/decode-caffemodel.js';
import { netFromPrototxt, prototxtText } from './net/read-net.js';

/** A Caffe model: the net definition and, unless the prototxt carries its own blobs, the trained weights. */
export interface CaffeSource {
  /** A path, the prototxt text itself (any string with a newline or '{'), or its bytes. */
  prototxt: string | Uint8Array;
  /** A path or the bytes of the binary NetParameter with the weights. */
  caffemodel?: string | Uint8Array;
}

/** Options of {@link loadCaffe} and {@link decodeCaffe}. */
export interface CaffeLoadOptions {
  /** Warn (onWarning) instead of failing when the caffemodel has weights for layers the net lacks. */
  ignoreUnknownWeights?: boolean;
  /** Shapes of the net inputs, overriding or completing those in the prototxt. */
  inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Receives warnings: weights skipped, negative variances. The library never prints. */
  onWarning?: (warning: CaffeWarning) => void;
  /** Largest file read, in bytes (default 2 GiB - 1, protobuf's own limit). */
  maxFileBytes?: number;
}

export type { CaffeWarning };

const DEFAULT_MAX_FILE_BYTES = 2 ** 31 - 1;

/** Options come from users and from Session's untyped importOptions: check them before use. */
function checkOptions(options: CaffeLoadOptions): void {
  const { ignoreUnknownWeights, inputShapes, onWarning, maxFileBytes } = options;
  if (ignoreUnknownWeights !== undefined && typeof ignoreUnknownWeights !== 'boolean')
    throw new InputError('option ignoreUnknownWeights must be a boolean', {
      option: 'ignoreUnknownWeights',
      got: typeof ignoreUnknownWeights,
    });
  if (onWarning !== undefined && typeof onWarning !== 'function')
    throw new InputError('option onWarning must be a function', { option: 'onWarning', got: typeof onWarning });
  if (maxFileBytes !== undefined && (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 0))
    throw new InputError('option maxFileBytes must be a non-negative integer', {
      option: 'maxFileBytes',
      got: maxFileBytes,
    });
  if (inputShapes !== undefined) {
    const ok =
      typeof inputShapes === 'object' &&
      inputShapes !== null &&
      Object.values(inputShapes).every((dims) => Array.isArray(dims) && dims.every((d) => typeof d === 'number'));
    if (!ok)
      throw new InputError('option inputShapes must map input names to arrays of numbers', { option: 'inputShapes' });
  }
}

/** Decodes a Caffe model given as text and bytes (no file access). */
export function decodeCaffe(
  source: { prototxt: string | Uint8Array; caffemodel?: Uint8Array },
  options: CaffeLoadOptions = {},
): Model {
  checkOptions(options);
  const text = typeof source.prototxt === 'string' ? source.prototxt : prototxtText(source.prototxt);
  const net = netFromPrototxt(text);
  const weights = source.caffemodel === undefined ? undefined : weightsByLayer(decodeCaffemodel(source.caffemodel));
  return lowerNet(net, weights, options);
}

/** Reads a whole regular file, its size checked before allocating. */
function readFile(path: string, what: string, limit: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new ModelFormatError(
      `cannot open ${what} '${path}' (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { path },
      { cause: error },
    );
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new ModelFormatError(`${what} '${path}' is not a regular file`, { path });
    if (info.size > limit)
      throw new ModelLimitError(`${what} '${path}' is ${info.size} bytes, over the limit of ${limit}`, {
        path,
        limit,
        got: info.size,
        option: 'maxFileBytes',
      });
    const bytes = new Uint8Array(info.size);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return bytes.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

const isPrototxtText = (s: string) => /[\n{]/.test(s);

/**
 * Loads a Caffe model: prototxt and caffemodel each from a path or bytes (the prototxt also as text).
 * Weights are matched to layers by name, as Caffe's CopyTrainedLayersFrom does.
 */
export async function loadCaffe(source: CaffeSource, options: CaffeLoadOptions = {}): Promise<Model> {
  if (typeof source !== 'object' || source === null || !('prototxt' in source)) {
    throw new InputError('loadCaffe needs { prototxt, caffemodel? }', {
      got: source === null ? 'null' : typeof source,
    });
  }
  checkOptions(options);
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { prototxt, caffemodel } = source;
  const text = typeof prototxt === 'string' && isPrototxtText(prototxt) ? prototxt : undefined;
  const protoBytes =
    text === undefined ? (typeof prototxt === 'string' ? readFile(prototxt, 'prototxt', limit) : prototxt) : undefined;
  if (protoBytes !== undefined && !(protoBytes instanceof Uint8Array))
    throw new InputError('prototxt must be a path, text or a Uint8Array', { got: typeof prototxt });
  const weights = typeof caffemodel === 'string' ? readFile(caffemodel, 'caffemodel', limit) : caffemodel;
  if (weights !== undefined && !(weights instanceof Uint8Array))
    throw new InputError('caffemodel must be a path or a Uint8Array', { got: typeof caffemodel });
  return decodeCaffe({ prototxt: text ?? (protoBytes as Uint8Array), caffemodel: weights }, options);
}
