/**
 * Weights: the caffemodel's layers matched to the net's by name (Caffe's copy-by-name semantics), and
 * each blob checked against the shape the prototxt implies before it becomes a Float32Array.
 */
import { ModelFormatError } from '@lastmile/core';
import type { Long } from 'protobufjs';
import type { caffe } from '../generated/caffe.js';

type Blob = caffe.BlobProto.$Properties;

/** An int64 from the generated code (Long, or number without the `long` package) as a number. */
export function longValue(value: number | Long | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  const big = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return Number(value.unsigned ? big : BigInt.asIntN(64, big));
}

/** The dims of a blob: its `shape`, or the legacy num/channels/height/width. */
export function blobDims(blob: Blob): { dims: number[]; legacy: boolean } {
  if (blob.shape) return { dims: (blob.shape.dim ?? []).map(longValue), legacy: false };
  return { dims: [blob.num ?? 0, blob.channels ?? 0, blob.height ?? 0, blob.width ?? 0], legacy: true };
}

/** Caffe's Blob::ShapeEquals: a legacy 4-D blob matches a shape of rank <= 4 padded with leading 1s. */
function shapeMatches(blob: Blob, expected: readonly number[]): boolean {
  const { dims, legacy } = blobDims(blob);
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (!legacy) return same(dims, expected);
  if (expected.length > 4) return false;
  return same(dims, [...new Array<number>(4 - expected.length).fill(1), ...expected]);
}

/** One expected blob: what it is (for messages) and the shape the prototxt implies. */
export interface BlobSpec {
  role: string;
  dims: number[];
}

/** Checks count and shapes of a layer's blobs (row 12) and returns their data as float32. */
export function readBlobs(
  layer: { name: string; type: string },
  blobs: readonly Blob[],
  expected: readonly BlobSpec[],
): Float32Array[] {
  const roles = expected.map((e) => e.role).join(', ') || 'none';
  if (blobs.length === 0 && expected.length > 0) {
    throw new ModelFormatError(
      `${layer.type} layer '${layer.name}' needs ${expected.length} weight blob(s) (${roles}) but has none: no caffemodel was given, or it has no layer of that name`,
      { layer: layer.name, type: layer.type, expected: expected.length, got: 0 },
    );
  }
  if (blobs.length !== expected.length) {
    throw new ModelFormatError(
      `${layer.type} layer '${layer.name}' has ${blobs.length} weight blob(s), expected ${expected.length} (${roles})`,
      {
        layer: layer.name,
        type: layer.type,
        expected: expected.length,
        got: blobs.length,
      },
    );
  }
  return expected.map((spec, i) => {
    const blob = blobs[i];
    if (!shapeMatches(blob, spec.dims)) {
      const got = blobDims(blob).dims;
      throw new ModelFormatError(
        `${layer.type} layer '${layer.name}' blob ${i} (${spec.role}) has shape [${got.join(', ')}], expected [${spec.dims.join(', ')}] from the prototxt`,
        {
          layer: layer.name,
          type: layer.type,
          blob: i,
          expected: spec.dims,
          got,
        },
      );
    }
    const count = spec.dims.reduce((a, d) => a * d, 1);
    const floats = blob.data ?? [];
    const doubles = blob.doubleData ?? [];
    const values = floats.length > 0 || doubles.length === 0 ? floats : doubles;
    if (values.length !== count) {
      throw new ModelFormatError(
        `${layer.type} layer '${layer.name}' blob ${i} (${spec.role}) holds ${values.length} values, but its shape [${spec.dims.join(', ')}] needs ${count}`,
        {
          layer: layer.name,
          type: layer.type,
          blob: i,
          expected: count,
          got: values.length,
        },
      );
    }
    return Float32Array.from(values);
  });
}

/** The caffemodel's blobs by layer name (V1 `layers` too: only names and blobs matter); a name given twice with blobs is refused. */
export function weightsByLayer(model: caffe.NetParameter): Map<string, Blob[]> {
  const out = new Map<string, Blob[]>();
  for (const layer of [...model.layer, ...model.layers] as { name: string; blobs: Blob[] }[]) {
    if (layer.blobs.length === 0) continue; // data, loss and activation layers of a training net carry none
    if (out.has(layer.name)) {
      throw new ModelFormatError(`the caffemodel has weights for layer '${layer.name}' twice`, { layer: layer.name });
    }
    out.set(layer.name, layer.blobs);
  }
  return out;
}
