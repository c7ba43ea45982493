/**
 * Turning what `Session.init` was given (bytes or a path) into a Model: the format is told by content,
 * and the importer package is found by dynamic import from the project root, as backends are.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { findInstalledPackage, importInstalledPackage } from '../backend/project-packages.js';
import { ModelFormatError, PluginError } from '../errors.js';
import type { Model } from '../ir/graph.js';
import type { SessionEvent } from './options.js';

const ONNX_IMPORTER = '@lastmile/onnx';
const CAFFE_IMPORTER = '@lastmile/caffe';
const SNIFF_BYTES = 4096;

// A prototxt opens (after comments) with a net-level field such as `name: "..."` or `layer {`.
const PROTOTXT_START = /^(?:\s*#[^\n]*\n)*\s*(?:name|layer|layers|input|input_dim|input_shape|force_backward|state)\s*[:{]/;

/** True when the first bytes read as a Caffe prototxt (text), which the ONNX importer cannot read. */
export function looksLikeCaffePrototxt(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head);
  return PROTOTXT_START.test(text);
}

async function readHead(path: string): Promise<Uint8Array> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (cause) {
    throw new ModelFormatError(`cannot open model file ${path}: ${(cause as Error).message}`, { path }, { cause });
  }
  try {
    const buffer = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } catch (cause) {
    throw new ModelFormatError(`cannot read model file ${path}: ${(cause as Error).message}`, { path }, { cause });
  } finally {
    await file.close();
  }
}

/** Imports an ONNX model from bytes or a path with the `@lastmile/onnx` installed in `projectRoot`. */
export async function importModel(
  source: Uint8Array | string,
  projectRoot: string,
  importOptions: Readonly<Record<string, unknown>>,
  emit: (event: SessionEvent) => void,
): Promise<Model> {
  const head = typeof source === 'string' ? await readHead(source) : source.subarray(0, SNIFF_BYTES);
  if (looksLikeCaffePrototxt(head)) {
    throw new ModelFormatError(`the model looks like a Caffe prototxt; import it with ${CAFFE_IMPORTER} and pass the Model to Session.init`, {
      format: 'caffe-prototxt',
      importer: CAFFE_IMPORTER,
      ...(typeof source === 'string' ? { path: source } : {}),
    });
  }
  const pkg = findInstalledPackage(ONNX_IMPORTER, projectRoot);
  if (pkg === undefined) {
    throw new PluginError(`reading ONNX needs ${ONNX_IMPORTER}, which is not installed in ${projectRoot} (or its parents)`, {
      package: ONNX_IMPORTER,
      projectRoot,
    });
  }
  const module = await importInstalledPackage(pkg);
  const loadModel = module.loadModel;
  if (typeof loadModel !== 'function') {
    throw new PluginError(`${ONNX_IMPORTER} in ${pkg.dir} exports no loadModel function`, { package: ONNX_IMPORTER, path: pkg.dir });
  }
  const model = (await loadModel(source, importOptions)) as Model;
  emit({ type: 'model-imported', format: 'onnx', importer: ONNX_IMPORTER });
  return model;
}
