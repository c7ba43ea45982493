/**
 * Loading the model a command names. The CLI reads ONNX with its own @lastmile/onnx (external data next
 * to the file), so `inspect` can describe the file as written before the session optimizes it.
 */
import type { Model } from '@lastmile/core';
import { loadModel } from '@lastmile/onnx';
import { ExitCode, failingWith } from './exit-codes.js';

/** The model at `path`; every failure exits as a model error. */
export function loadModelFile(path: string): Promise<Model> {
  return failingWith(ExitCode.Model, () => loadModel(path));
}
