/**
 * Artifacts of backends that compile deterministically from the partition's graph (the CPU and
 * OpenCL backends, the reference): the artifact is the graph itself as a model image, and loading
 * compiles it again for the target it names. Same graph, same target, same code: same bits.
 */
import type { CompiledArtifact, LoadRequest } from '../backend/contract.js';
import { ArtifactMismatchError } from '../errors.js';
import type { Model } from '../ir/graph.js';
import { decodeModel, encodeModel } from './model-image.js';

/** The artifact of a partition compiled from `model` for `target`. */
export function graphArtifact(model: Model, target: string): CompiledArtifact {
  return { target, bytes: encodeModel(model) };
}

/**
 * The graph a {@link graphArtifact} holds, once `accepts` (the target check) says this backend can
 * run its target: ArtifactMismatchError naming the target and `why` when not.
 */
export function graphOfArtifact(
  artifact: LoadRequest,
  backend: string,
  accepts: (target: string) => boolean,
  why = `${backend} cannot run it here`,
): Model {
  const { target } = artifact.header;
  if (!accepts(target))
    throw new ArtifactMismatchError(`the ${backend} artifact is for target '${target}': ${why}`, {
      backend,
      field: 'target',
      got: target,
    });
  return decodeModel(artifact.bytes, `${backend} artifact`);
}
