/**
 * Loading the model a command names, as a session would (ONNX, or a Caffe prototxt with its sibling
 * .caffemodel, told by content), but before the session optimizes it, so `inspect` can describe the
 * file as written.
 */
import { type Model, importModel } from '@lastmile/core';
import { type CommandContext, packageSearch } from './context.js';
import { ExitCode, failingWith } from './exit-codes.js';

/** The model at `path`; every failure exits as a model error. */
export function loadModelFile(path: string, ctx: CommandContext): Promise<Model> {
  return failingWith(ExitCode.Model, () => importModel(path, packageSearch(ctx)));
}
