/**
 * Turning what `Session.init` was given (bytes or a path) into a Model: the format is told by content,
 * and the importer package is found by dynamic import from the project root, as backends are.
 */
import { constants, lstatSync, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import {
  findInstalledPackage,
  importInstalledPackage,
  type PackageSearch,
  searchRoots,
} from '../backend/project-packages.js';
import { ModelFormatError, PluginError } from '../errors.js';
import type { Model } from '../ir/graph.js';
import type { SessionEvent } from './options.js';

const ONNX_IMPORTER = '@lastmile/onnx';
const CAFFE_IMPORTER = '@lastmile/caffe';
const SNIFF_BYTES = 4096;

// A prototxt opens (after comments) with a net-level field such as `name: "..."` or `layer {`.
const PROTOTXT_START =
  /^(?:\s*#[^\n]*\n)*\s*(?:name|layer|layers|input|input_dim|input_shape|force_backward|state)\s*[:{]/;

/** True when the first bytes read as a Caffe prototxt (text), which the ONNX importer cannot read. */
export function looksLikeCaffePrototxt(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head);
  return PROTOTXT_START.test(text);
}

/**
 * The first bytes of a regular file. Opened without blocking and checked with fstat before any read, so a
 * FIFO, socket or device never holds a libuv thread waiting for a writer (four such would wedge the pool).
 */
async function readHead(path: string): Promise<Uint8Array> {
  let file: FileHandle;
  try {
    file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    throw new ModelFormatError(
      `cannot read model file '${path}' (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      { path },
      { cause },
    );
  }
  try {
    if (!(await file.stat()).isFile())
      throw new ModelFormatError(`model path '${path}' is not a regular file`, { path });
    const buffer = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } catch (cause) {
    if (cause instanceof ModelFormatError) throw cause;
    throw new ModelFormatError(`cannot read model file ${path}: ${(cause as Error).message}`, { path }, { cause });
  } finally {
    await file.close();
  }
}

/** A Caffe model given as its two files (paths or bytes; the prototxt also as text), for `@lastmile/caffe`. */
export interface CaffeModelSource {
  prototxt: string | Uint8Array;
  caffemodel?: string | Uint8Array;
}

/** True for `{ prototxt, caffemodel? }`. */
export function isCaffeModelSource(value: unknown): value is CaffeModelSource {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && 'prototxt' in value;
}

type Importer = (...args: unknown[]) => unknown;

/** The importer function `exportName` of package `name` where `search` finds it; undefined when not installed. */
async function importerFunction(
  name: string,
  exportName: string,
  search: PackageSearch,
): Promise<Importer | undefined> {
  const pkg = findInstalledPackage(name, searchRoots(search));
  if (pkg === undefined) return undefined;
  const module = await importInstalledPackage(pkg);
  const fn = module[exportName];
  if (typeof fn !== 'function')
    throw new PluginError(`${name} in ${pkg.dir} exports no ${exportName} function`, { package: name, path: pkg.dir });
  return fn as Importer;
}

/** A prototxt path's weights: the sibling `.caffemodel` of the same basename, when there is one. */
function siblingCaffemodel(prototxt: string): string | undefined {
  const candidate = join(dirname(prototxt), `${basename(prototxt, extname(prototxt))}.caffemodel`);
  let found: Stats;
  try {
    found = lstatSync(candidate);
  } catch {
    return undefined;
  }
  // Weights found by name alone must sit in the folder itself, as ONNX external data must: no symlink out.
  if (found.isSymbolicLink()) {
    throw new ModelFormatError(
      `the weights beside the prototxt, ${candidate}, are a symbolic link, which is not followed; name them with { prototxt, caffemodel }`,
      { path: candidate },
    );
  }
  return found.isFile() ? candidate : undefined;
}

async function importCaffe(
  source: CaffeModelSource,
  search: PackageSearch,
  importOptions: Readonly<Record<string, unknown>>,
  emit: (event: SessionEvent) => void,
): Promise<Model> {
  const loadCaffe = await importerFunction(CAFFE_IMPORTER, 'loadCaffe', search);
  if (loadCaffe === undefined) {
    const roots = searchRoots(search);
    throw new ModelFormatError(
      `the model is a Caffe net (prototxt); reading it needs ${CAFFE_IMPORTER}, which is not installed in ${roots.join(', ')} (or their parents): npm install ${CAFFE_IMPORTER}`,
      {
        format: 'caffe-prototxt',
        importer: CAFFE_IMPORTER,
        projectRoot: roots[0],
        ...(typeof source.prototxt === 'string' && !/[\n{]/.test(source.prototxt) ? { path: source.prototxt } : {}),
      },
    );
  }
  const model = (await loadCaffe(source, importOptions)) as Model;
  emit({ type: 'model-imported', format: 'caffe', importer: CAFFE_IMPORTER });
  return model;
}

/**
 * Imports a model from bytes, a path or Caffe's `{ prototxt, caffemodel }`: ONNX with the `@lastmile/onnx`,
 * Caffe (a prototxt by content, with the sibling .caffemodel of a path) with the `@lastmile/caffe`
 * where `search` finds them.
 */
export async function importModel(
  source: Uint8Array | string | CaffeModelSource,
  search: PackageSearch = {},
  importOptions: Readonly<Record<string, unknown>> = {},
  emit: (event: SessionEvent) => void = () => undefined,
): Promise<Model> {
  if (isCaffeModelSource(source)) return importCaffe(source, search, importOptions, emit);
  const head = typeof source === 'string' ? await readHead(source) : source.subarray(0, SNIFF_BYTES);
  if (looksLikeCaffePrototxt(head)) {
    const caffemodel = typeof source === 'string' ? siblingCaffemodel(source) : undefined;
    return importCaffe(
      caffemodel === undefined ? { prototxt: source } : { prototxt: source, caffemodel },
      search,
      importOptions,
      emit,
    );
  }
  const loadModel = await importerFunction(ONNX_IMPORTER, 'loadModel', search);
  if (loadModel === undefined) {
    const roots = searchRoots(search);
    throw new PluginError(
      `reading ONNX needs ${ONNX_IMPORTER}, which is not installed in ${roots.join(', ')} (or their parents): npm install ${ONNX_IMPORTER}`,
      {
        package: ONNX_IMPORTER,
        projectRoot: roots[0],
      },
    );
  }
  const model = (await loadModel(source, importOptions)) as Model;
  emit({ type: 'model-imported', format: 'onnx', importer: ONNX_IMPORTER });
  return model;
}
